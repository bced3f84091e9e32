"""The decision table of design.md section 4, one declared campaign at a time.

Each rule is a condition on the campaign's last recorded submission and its declaration, checked in
a fixed order; the first that matches decides. ``docs/plan.md`` lists the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from reconciler.models.campaign import Campaign
from reconciler.models.plan import Action, ActionKind, Problem
from reconciler.models.state import (
    CampaignRecord,
    CancelReason,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
)
from reconciler.plan.actions import cancel_action, noop_action, posting_action
from reconciler.plan.guards import parse_instant
from reconciler.plan.live import describe_live, live_submissions, may_still_ring

SCHEDULED = "Scheduled"


@dataclass(frozen=True)
class Context:
    """What every decision needs besides the campaign and its record."""

    lineage: str
    now: datetime
    margin: timedelta
    #: spec hash -> {id: submission name} of every recorded (or in-flight) submission.
    sent_specs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Ids to replace although nothing changed (``--replace ID``: a spec unverified).
    replace: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    action: Action | None = None
    error: Problem | None = None
    warning: Problem | None = None
    #: Further actions for the same campaign (``cancel: true`` with several live submissions).
    more: tuple[Action, ...] = ()
    #: Further warnings (a live earlier submission, a spec unverified).
    notices: tuple[Problem, ...] = ()


def still_scheduled(submission: Submission, now: datetime, margin: timedelta) -> bool:
    """Scheduled (or never seen in any state: a send settled by a 409) and starting later than
    now plus the margin: a DELETE can still stop it (Routee refuses one that has started)."""
    if submission.state not in (None, SCHEDULED):
        return False
    start = parse_instant(submission.request.get("scheduledDate"))
    return start is not None and start > now + margin


RETRACK_NOTE = "tracked again: its declaration is back"


def decide(campaign: Campaign, record: CampaignRecord | None, ctx: Context) -> Decision:
    """The first matching rule's decision; a forgotten id declared again is flagged ``retrack``."""
    decision = _with_notices(campaign, record, _decide(campaign, record, ctx))
    if decision.action is None or record is None or not record.forgotten:
        return decision
    action = decision.action
    retracked = action.model_copy(update={"retrack": True, "notes": (RETRACK_NOTE, *action.notes)})
    return replace(decision, action=retracked)


def _with_notices(
    campaign: Campaign, record: CampaignRecord | None, decision: Decision
) -> Decision:
    """A spec unverified on the last submission is shown whatever the decision."""
    last = record.last if record else None
    if last is None or last.spec_verified or last.origin is not SubmissionOrigin.ADOPTED:
        return decision
    if last.status is not SubmissionStatus.ACCEPTED:
        return decision
    message = (
        f"spec unverified: {last.submission_name} was adopted after a 409 (a campaign of that "
        f"name existed), so Routee may hold another text than the declared one; "
        f"`campaigns apply --replace {campaign.id}` cancels it and sends the declared spec"
    )
    notice = Problem(id=campaign.id, source=str(campaign.source), message=message)
    return replace(decision, notices=(*decision.notices, notice))


def _decide(campaign: Campaign, record: CampaignRecord | None, ctx: Context) -> Decision:
    last = record.last if record else None
    if last is None:
        return _never_sent(campaign, record, ctx)
    assert record is not None
    if last.status in (SubmissionStatus.CANCELLED_EXTERNALLY, SubmissionStatus.UNKNOWN):
        return _gone(campaign, record, last)
    if campaign.revision < last.revision:
        return _error(
            campaign,
            f"revision {campaign.revision} is lower than {last.revision}, the revision already "
            f"submitted as {last.submission_name}: set revision back to {last.revision}, or "
            f"higher to send it again",
        )
    if last.status is SubmissionStatus.CANCELLED:
        return _after_cancel(campaign, record, last, ctx)
    if campaign.cancel:
        return _cancel(campaign, record, last, ctx)
    if campaign.revision > last.revision:
        return _resend(campaign, record, ctx)
    if campaign.spec_hash == last.spec_hash:
        if campaign.id in ctx.replace:
            return _forced_replace(campaign, record, last, ctx)
        return _unchanged(campaign, record, last, ctx)
    return _changed(campaign, record, last, ctx)


def _never_sent(campaign: Campaign, record: CampaignRecord | None, ctx: Context) -> Decision:
    if campaign.cancel:
        note = "never sent: cancel: true has nothing to cancel"
        return Decision(action=noop_action(campaign, record, note))
    return _post(ActionKind.SEND, campaign, record, ctx)


def _gone(campaign: Campaign, record: CampaignRecord, last: Submission) -> Decision:
    if last.status is SubmissionStatus.CANCELLED_EXTERNALLY:
        why = "was cancelled outside the tool (Routee no longer knows its trackingId)"
    else:
        why = f"is in a state the tool does not know ({last.state or 'none'})"
    message = f"its last submission {last.submission_name} {why}: no action is planned for it"
    warning = Problem(id=campaign.id, source=str(campaign.source), message=message)
    return Decision(action=noop_action(campaign, record, message), warning=warning)


def _after_cancel(
    campaign: Campaign, record: CampaignRecord, last: Submission, ctx: Context
) -> Decision:
    if campaign.cancel:
        return Decision(action=noop_action(campaign, record, "cancelled"))
    if last.cancel_reason is CancelReason.REPLACE:
        kind = ActionKind.RESEND if campaign.revision > last.revision else ActionKind.SEND
        note = "the replace that cancelled the last submission never sent its new half"
        return _post(kind, campaign, record, ctx, note)
    if campaign.revision > last.revision:
        return _post(ActionKind.RESEND, campaign, record, ctx)
    return _error(
        campaign,
        f"was cancelled by cancel: true ({last.submission_name}) and cancel is now removed: "
        f"put cancel: true back, or set revision to {last.revision + 1} to send it again",
    )


def _cancel(campaign: Campaign, record: CampaignRecord, last: Submission, ctx: Context) -> Decision:
    """``cancel: true`` cancels every submission of the id that may still be Scheduled."""
    live = [
        s
        for s in record.submissions
        if s.status is SubmissionStatus.ACCEPTED and still_scheduled(s, ctx.now, ctx.margin)
    ]
    if not live:
        message = (
            f"cancel: true, but {last.submission_name} is no longer Scheduled "
            f"(last known state {last.state or 'unknown'}): it cannot be cancelled"
        )
        warning = Problem(id=campaign.id, source=str(campaign.source), message=message)
        return Decision(action=noop_action(campaign, record, message), warning=warning)
    cancels = [cancel_action(campaign, s) for s in live if s.tracking_id is not None]
    pending = [s for s in live if s.tracking_id is None]
    error = _pending_tracking(campaign, pending[0]).error if pending else None
    if not cancels:
        return Decision(error=error)
    return Decision(action=cancels[-1], more=tuple(cancels[:-1]), error=error)


def _unchanged(
    campaign: Campaign, record: CampaignRecord, last: Submission, ctx: Context
) -> Decision:
    notes: list[str] = []
    if campaign.decl_hash != last.decl_hash:
        notes.append("the declaration changed, but the request it makes did not")
    warning = None
    if last.tracking_id is None and last.status is SubmissionStatus.ACCEPTED:
        if may_still_ring(last, ctx.now):
            warning = _pending_tracking(campaign, last, as_warning=True).warning
            assert warning is not None
            notes.append(_untracked_text(campaign, last))
        else:
            notes.append(
                "trackingId pending: campaigns refresh looks it up once the campaign starts"
            )
    return Decision(action=noop_action(campaign, record, *notes), warning=warning)


def _resend(campaign: Campaign, record: CampaignRecord, ctx: Context) -> Decision:
    """A higher revision is a new submission: say which earlier ones will ring too."""
    notes = tuple(
        f"{describe_live(s)} is still Scheduled and will ring too: to call only once, add "
        f"cancel: true and apply first (it cancels that one), then remove it and apply"
        for s in live_submissions(record, ctx.now)
    )
    return _post(ActionKind.RESEND, campaign, record, ctx, *notes)


def _forced_replace(
    campaign: Campaign, record: CampaignRecord, last: Submission, ctx: Context
) -> Decision:
    """``--replace ID``: cancel the last submission and send the declared spec again."""
    if last.tracking_id is None and may_still_ring(last, ctx.now):
        return _pending_tracking(campaign, last)
    if not still_scheduled(last, ctx.now, ctx.margin) or last.tracking_id is None:
        return _error(
            campaign,
            f"--replace: {last.submission_name} is no longer Scheduled (last known state "
            f"{last.state or 'unknown'}), so it cannot be cancelled and replaced",
        )
    note = f"--replace: {last.submission_name} is cancelled and the declared spec sent again"
    return _post(ActionKind.REPLACE, campaign, record, ctx, note)


def _changed(
    campaign: Campaign, record: CampaignRecord, last: Submission, ctx: Context
) -> Decision:
    if record.forgotten:
        return _error(
            campaign,
            f"was forgotten after {last.submission_name} was sent and is declared again with a "
            f"different request: revert it to what was sent, or set revision to "
            f"{last.revision + 1} to send it again",
        )
    if last.tracking_id is None and may_still_ring(last, ctx.now):
        return _pending_tracking(campaign, last)
    if still_scheduled(last, ctx.now, ctx.margin):
        return _post(ActionKind.REPLACE, campaign, record, ctx)
    if campaign.decl_hash == last.decl_hash:
        message = (
            f"drift: defaults.yaml changed the request of {last.submission_name}, which was "
            f"already sent; defaults shape future sends only, so nothing is sent"
        )
        warning = Problem(id=campaign.id, source=str(campaign.source), message=message)
        return Decision(action=noop_action(campaign, record, message), warning=warning)
    return _error(
        campaign,
        f"changed after it was sent as {last.submission_name} (state {last.state or 'unknown'}): "
        f"revert the change, or set revision to {last.revision + 1} to send it again",
    )


def _untracked_text(campaign: Campaign, submission: Submission) -> str:
    return (
        f"{describe_live(submission)} cannot be cancelled or replaced until its trackingId is "
        f"known: find it in Routee and run `campaigns import {campaign.id} --tracking-id T` "
        f"(T: that trackingId), then plan again"
    )


def _pending_tracking(
    campaign: Campaign, submission: Submission, *, as_warning: bool = False
) -> Decision:
    """A live submission whose trackingId is unknown: nobody can cancel it until it is."""
    if as_warning:
        message = _untracked_text(campaign, submission)
        return Decision(
            warning=Problem(id=campaign.id, source=str(campaign.source), message=message)
        )
    return _error(campaign, _untracked_text(campaign, submission))


def _post(
    kind: ActionKind,
    campaign: Campaign,
    record: CampaignRecord | None,
    ctx: Context,
    *notes: str,
) -> Decision:
    others = {
        k: v for k, v in ctx.sent_specs.get(campaign.spec_hash, {}).items() if k != campaign.id
    }
    if others:
        other, name = min(others.items())
        return _error(
            campaign,
            f"is a copy of {other}, already sent as {name}: change this declaration, or delete "
            f"it and set a higher revision on {other} to send that again",
        )
    return Decision(action=posting_action(kind, campaign, record, ctx.lineage, tuple(notes)))


def _error(campaign: Campaign, message: str) -> Decision:
    text = f"{campaign.source}: {campaign.id} {message}"
    return Decision(error=Problem(id=campaign.id, source=str(campaign.source), message=text))
