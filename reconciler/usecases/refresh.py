"""``campaigns refresh``: record what Routee's tracking says about submissions not yet final.

Finished submissions (``Sent``/``Failed``/``Finished``) and cancelled ones are never read again.
A pending trackingId is looked for by a tracking search on the submission's name; items need not
carry ``campaignTrackingId`` (then it stays pending, with a note). The state is written once,
atomically, serial + 1.

Only explicit evidence means cancelled (routee-voice-api.md decision 6): a 404 from campaign
tracking is "no messages yet", as SMS tracking documents 404 ``404005000`` "Tracking not found"
for it. It never marks a submission cancelled: one last seen ``Scheduled`` (or in an unknown
state) stays possibly ``Scheduled``, with a note; one last seen past ``Scheduled`` keeps its state,
with a warning. Only a DELETE of ours that Routee answered, or a state Routee reports, cancels.

A held cancel (a DELETE in doubt, then ``400009002`` on its re-send) is settled here when tracking
can tell: messages mean the campaign started, so the cancel did not happen (the intent is
dropped, with a warning). No messages (an empty page or a 404) cannot tell a cancelled campaign
from one not started yet, so the intent stays pending, with a note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler.apply.ports import Routee
from reconciler.apply.steps import utc_now
from reconciler.apply.submit import tracking_id_in
from reconciler.enums import FINAL_CAMPAIGN_STATES, CampaignState
from reconciler.models.intent import CancelIntent
from reconciler.models.state import (
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
    for entry in state.pending:
        if isinstance(entry.intent, CancelIntent):
            _check_held_cancel(entry.intent, client, report)
    pending = [entry for entry in state.pending if entry.intent not in report.dropped]
    opt_outs = {**report.opt_outs, **state.opt_outs}  # the first time a number opted out stays
    update = {"campaigns": campaigns, "pending": pending, "opt_outs": opt_outs}
    return state.model_copy(update=update), report


def _check_held_cancel(intent: CancelIntent, client: Routee, report: RefreshReport) -> None:
    """A started campaign drops the in-doubt cancel; anything else keeps it pending.

    Tracking alone never shows that the cancel worked: no messages (404 or empty) fits a
    cancelled campaign and one that has not started alike.
    """
    report.read += 1
    try:
        items = client.campaign_tracking(intent.tracking_id)
    except NotFound:
        items = []
    if progress_of(items).messages:
        report.dropped.append(intent)
        report.warnings.append(
            f"{intent.id}: {intent.tracking_id} has started, so the in-doubt cancel did not "
            "happen; the intent is settled and the campaign runs"
        )
    else:
        report.notes.append(
            f"{intent.id}: the in-doubt cancel of {intent.tracking_id} stays held: Routee's "
            "tracking has no messages for it, which fits a cancelled campaign and one not "
            "started alike (`campaigns help recovery`)"
        )


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
        _no_messages_yet(campaign_id, sub, tracking_id, report)
        items = []
    if keys:
        for number, tones in opted_out(items, keys).items():
            report.opt_outs.setdefault(
                number,
                OptOut(
                    campaign=campaign_id, submission_name=sub.submission_name, tones=tones, at=now
                ),
            )
    return _with_progress(sub, items, now, tracking_id)


def _no_messages_yet(
    campaign_id: str, sub: Submission, tracking_id: str, report: RefreshReport
) -> None:
    """A 404 from tracking: "no messages yet", never "cancelled" (decision 6)."""
    if sub.state in (None, CampaignState.SCHEDULED.value):
        report.notes.append(
            f"{campaign_id}: no messages yet for {tracking_id} (tracking answered 404): "
            f"still possibly Scheduled"
        )
        return
    report.warnings.append(
        f"{campaign_id}: tracking answered 404 for {tracking_id}, last seen {sub.state}: "
        "state kept (a 404 is not evidence of a cancellation)"
    )


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
