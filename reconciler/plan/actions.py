"""Builders of the plan's actions from a declaration, its state record, or a journal intent.

Kept apart from the decision table (:mod:`reconciler.plan.decide`) so the table reads as a list of
conditions and results, and every action of a kind carries the same fields.
"""

from __future__ import annotations

from datetime import datetime

from reconciler.models.campaign import Campaign
from reconciler.models.intent import CancelIntent, CancelReason, OutcomeKind, SubmitIntent
from reconciler.models.plan import (
    ActionKind,
    Cancel,
    Forget,
    NoOp,
    PostingAction,
    Replace,
    Resend,
    Resolve,
    Send,
)
from reconciler.models.state import CampaignRecord, Pending, Submission
from reconciler.plan.live import describe_live, live_submissions
from reconciler.plan.names import submission_name

PENDING_NOTE = (
    "only its resolve runs in this plan; its declaration is compared again once the resolve is "
    "recorded (run campaigns plan after the apply)"
)


def posting_action(
    kind: ActionKind,
    campaign: Campaign,
    record: CampaignRecord | None,
    lineage: str,
    notes: tuple[str, ...] = (),
) -> PostingAction:
    """A send, resend or replace: POSTs ``campaign.request`` under the next seq's name.

    A replace DELETEs the last submission first.
    """
    last = record.last if record else None
    submit = submit_intent(campaign, record.next_seq if record else 1, lineage)
    before = last.request if last else None
    common = {"id": campaign.id, "source": submit.source, "notes": notes}
    if kind is ActionKind.SEND:
        return Send(submit=submit, before=before, **common)
    if kind is ActionKind.RESEND:
        return Resend(submit=submit, before=before, **common)
    # the decision table only replaces a recorded submission whose trackingId is known
    assert kind is ActionKind.REPLACE and last is not None and last.tracking_id is not None
    cancel = CancelIntent(id=campaign.id, tracking_id=last.tracking_id, reason=CancelReason.REPLACE)
    return Replace(submit=submit, cancel=cancel, before=before, **common)


def submit_intent(campaign: Campaign, seq: int, lineage: str) -> SubmitIntent:
    """The POST of ``campaign.request`` as submission ``seq``, under its derived name (5.1)."""
    return SubmitIntent(
        id=campaign.id,
        seq=seq,
        revision=campaign.revision,
        submission_name=submission_name(campaign.label, lineage, campaign.id, seq),
        spec_hash=campaign.spec_hash,
        decl_hash=campaign.decl_hash,
        request=campaign.request,
        source=str(campaign.source),
    )


def cancel_action(campaign: Campaign, last: Submission) -> Cancel:
    """DELETE a submission (``cancel: true``); counts show what is being cancelled."""
    # the decision table only cancels a recorded submission whose trackingId is known
    assert last.tracking_id is not None
    return Cancel(
        id=campaign.id,
        source=str(campaign.source),
        submission_name=last.submission_name,
        revision=campaign.revision,
        spec_hash=last.spec_hash,
        decl_hash=campaign.decl_hash,
        before=last.request,
        cancel=CancelIntent(
            id=campaign.id, tracking_id=last.tracking_id, reason=CancelReason.CANCEL
        ),
    )


def noop_action(campaign: Campaign, record: CampaignRecord | None, *notes: str) -> NoOp:
    """Nothing to do; light on purpose (no request copies) since most plans are mostly no-ops."""
    last = record.last if record else None
    return NoOp(
        id=campaign.id,
        source=str(campaign.source),
        submission_name=last.submission_name if last else None,
        tracking_id=last.tracking_id if last else None,
        revision=campaign.revision,
        spec_hash=campaign.spec_hash,
        notes=tuple(notes),
    )


def forget_action(record: CampaignRecord, now: datetime) -> Forget:
    """Stop tracking a deleted file's id; say which of its submissions will still ring."""
    last = record.last
    ringing = tuple(
        f"{describe_live(s)} is still Scheduled and will ring: deleting the file does not "
        f"cancel it; to cancel instead, restore the file with cancel: true and apply"
        for s in live_submissions(record, now)
    )
    return Forget(
        id=record.id,
        source=record.source,
        submission_name=last.submission_name if last else None,
        tracking_id=last.tracking_id if last else None,
        notes=("no remote call: deleting a file never cancels anything; history is kept", *ringing),
    )


HELD_NOTE = (
    "held: Routee refused its re-send, so apply will not send it again; find the name in Routee "
    "and `campaigns import` it, or see `campaigns help recovery`"
)


def resolve_action(pending: Pending, declared: bool) -> Resolve:
    """Settle an intent with no outcome: re-send its recorded request, or re-DELETE."""
    intent = pending.intent
    notes = (PENDING_NOTE,) if declared else ()
    if isinstance(intent, CancelIntent):
        return Resolve(id=intent.id, notes=notes, call=intent)
    held = pending.outcome is OutcomeKind.HELD_REFUSED
    if held:
        notes = (*notes, HELD_NOTE)
    return Resolve(
        id=intent.id,
        source=intent.source,
        held=held,
        held_message=pending.message if held else None,
        notes=notes,
        call=intent,
    )
