"""``campaigns refresh``: record what Routee's tracking says about submissions not yet final.

Finished submissions (``Sent``/``Failed``/``Finished``) and cancelled ones are never read again.
A pending trackingId is looked for by a tracking search on the submission's name; items need not
carry ``campaignTrackingId`` (then it stays pending, with a note). A 404 marks the submission
``cancelledExternally`` with a warning. The state is written once, atomically, serial + 1.

A held cancel (a DELETE in doubt, then ``400009002`` on its re-send) is settled here when tracking
can tell: 404 means our DELETE worked (the submission is marked cancelled); messages mean the
campaign started, so the cancel did not happen (the intent is dropped, with a warning). With no
messages either way it stays pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler.apply.ports import Routee
from reconciler.apply.steps import utc_now
from reconciler.apply.submit import tracking_id_in
from reconciler.enums import FINAL_CAMPAIGN_STATES
from reconciler.models.intent import CancelIntent
from reconciler.models.state import (
    CampaignRecord,
    OptOut,
    State,
    Submission,
    SubmissionStatus,
)
from reconciler.policy.optouts import opt_out_keys, opted_out
from reconciler.routee.errors import NotFound
from reconciler.usecases import Target
from reconciler.usecases.session import open_session
from reconciler.usecases.tracking import progress_of

FINAL_STATES = frozenset(s.value for s in FINAL_CAMPAIGN_STATES)


@dataclass
class RefreshReport:
    read: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: In-doubt cancels that refresh found settled the other way (the campaign started).
    dropped: list[CancelIntent] = field(default_factory=list)
    #: Numbers that pressed one of their campaign's ``optOutDigits`` (docs/policy.md).
    opt_outs: dict[str, OptOut] = field(default_factory=dict)


def needs_refresh(submission: Submission) -> bool:
    return submission.status is SubmissionStatus.ACCEPTED and submission.state not in FINAL_STATES


def refresh_state(
    state: State, client: Routee, clock: Callable[[], str] = utc_now
) -> tuple[State, RefreshReport]:
    """A copy of ``state`` with every unfinished submission's tracking read (serial unchanged)."""
    report = RefreshReport()
    campaigns = dict(state.campaigns)
    keys = opt_out_keys(state)
    for campaign_id, record in state.campaigns.items():
        if not any(needs_refresh(s) for s in record.submissions):
            continue
        subs = [
            _refreshed(campaign_id, s, client, clock(), report, keys=keys.get(campaign_id))
            if needs_refresh(s)
            else s
            for s in record.submissions
        ]
        campaigns[campaign_id] = record.model_copy(update={"submissions": subs})
    pending = []
    for entry in state.pending:
        intent = entry.intent
        if isinstance(intent, CancelIntent) and _settled(intent, client, report):
            _mark_cancelled(campaigns, intent, clock())
        elif intent not in report.dropped:
            pending.append(entry)
    opt_outs = {**report.opt_outs, **state.opt_outs}  # the first time a number opted out stays
    update = {"campaigns": campaigns, "pending": pending, "opt_outs": opt_outs}
    return state.model_copy(update=update), report


def _settled(intent: CancelIntent, client: Routee, report: RefreshReport) -> bool:
    """True if the in-doubt cancel worked; a started campaign drops the intent (returns False)."""
    report.read += 1
    try:
        items = client.campaign_tracking(intent.tracking_id)
    except NotFound:
        report.notes.append(
            f"{intent.id}: the in-doubt cancel of {intent.tracking_id} worked (404): "
            "recorded as cancelled"
        )
        return True
    if progress_of(items).messages:
        report.dropped.append(intent)
        report.warnings.append(
            f"{intent.id}: {intent.tracking_id} has started, so the in-doubt cancel did not "
            "happen; the intent is settled and the campaign runs"
        )
    return False


def _mark_cancelled(campaigns: dict[str, CampaignRecord], intent: CancelIntent, now: str) -> None:
    record = campaigns.get(intent.id)
    if record is None:
        return
    subs = [
        s.model_copy(
            update={
                "status": SubmissionStatus.CANCELLED,
                "cancelled_at": now,
                "cancel_reason": intent.reason,
            }
        )
        if s.tracking_id == intent.tracking_id
        else s
        for s in record.submissions
    ]
    campaigns[intent.id] = record.model_copy(update={"submissions": subs})


def _refreshed(
    campaign_id: str,
    sub: Submission,
    client: Routee,
    now: str,
    report: RefreshReport,
    *,
    keys: str | None = None,
) -> Submission:
    report.read += 1
    tracking_id = sub.tracking_id
    if tracking_id is None:
        items = client.search_by_campaign_name(sub.submission_name)
        tracking_id = tracking_id_in(items)
        if tracking_id is None:
            report.notes.append(
                f"{campaign_id}: trackingId still pending ({len(items)} message(s) found by "
                f"name {sub.submission_name!r}, none carrying campaignTrackingId)"
            )
            return _with_progress(sub, items, now, None)
    try:
        items = client.campaign_tracking(tracking_id)
    except NotFound:
        report.warnings.append(
            f"{campaign_id}: Routee does not know trackingId {tracking_id} (404): "
            "marked cancelledExternally"
        )
        return sub.model_copy(
            update={
                "tracking_id": tracking_id,
                "status": SubmissionStatus.CANCELLED_EXTERNALLY,
                "refreshed_at": now,
            }
        )
    if keys:
        for number, tones in opted_out(items, keys).items():
            report.opt_outs.setdefault(
                number,
                OptOut(
                    campaign=campaign_id, submission_name=sub.submission_name, tones=tones, at=now
                ),
            )
    return _with_progress(sub, items, now, tracking_id)


def _with_progress(sub: Submission, items: Any, now: str, tracking_id: str | None) -> Submission:
    progress = progress_of(items)
    update: dict[str, Any] = {"state": progress.state(sub.state), "refreshed_at": now}
    if tracking_id is not None:
        update["tracking_id"] = tracking_id
    if progress.messages:
        update["statuses"] = progress.statuses
        update["cost"] = progress.cost
    return sub.model_copy(update=update)


def refresh_workspace(target: Target) -> RefreshReport:
    """Refresh under the workspace lock and write the state (serial + 1) if anything was read."""
    with open_session(target, "refresh") as session:
        state, report = refresh_state(session.state, session.client)
        report.notes[:0] = session.notes
        if report.read:
            session.write(state)
    return report
