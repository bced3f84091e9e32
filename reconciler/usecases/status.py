"""``campaigns status``: what the state knows about each campaign (no network).

An intent whose outcome is unknown (``state.pending``: a killed apply, a lost answer, a held
submission) is shown on its campaign's row, also for an id that has no accepted submission yet,
so that a held submission is never invisible. So is a dedupe canary that may still be scheduled
(``State.canaries``): one row each, id ``(canary)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reconciler.models.intent import CANARY_ID, OutcomeKind, SubmitIntent
from reconciler.models.state import (
    CampaignRecord,
    Canary,
    Pending,
    State,
    Submission,
    SubmissionStatus,
)
from reconciler.state.workspace import OpenedWorkspace, read_workspace
from reconciler.usecases import Target


def status_rows(state: State, estimates: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per campaign id (sorted), describing its last submission and any in-doubt intent.

    ``estimates`` (per id, from :func:`reconciler.policy.report.submission_estimates`) is the
    upper bound of the cost, shown beside the cost Routee reported.
    """
    pending: dict[str, list[Pending]] = {}
    for entry in state.pending:
        pending.setdefault(entry.intent.id, []).append(entry)
    ids = sorted(set(state.campaigns) | set(pending))
    rows = [_row(state.campaigns.get(i) or CampaignRecord(id=i), pending.get(i, [])) for i in ids]
    for row in rows:
        row["estimate"] = (estimates or {}).get(row["id"])
    return rows + [_canary_row(canary) for canary in state.canaries]


def _canary_row(canary: Canary) -> dict[str, Any]:
    """A dedupe canary that may still be scheduled a year ahead (a killed doctor or apply)."""
    name = canary.submission_name
    if canary.tracking_id:
        flag = f"canary {name}: `campaigns doctor --cancel-canaries` cancels it"
    else:
        flag = f"canary {name}: no answer, it may exist: look for the name in Routee"
    return {
        "id": CANARY_ID,
        "state": "Scheduled" if canary.tracking_id else "unknown",
        "counts": {},
        "cost": None,
        "trackingId": canary.tracking_id,
        "submissionName": name,
        "submittedAt": canary.submitted_at,
        "flags": [flag],
        "pending": [],
        "estimate": None,
    }


def _row(record: CampaignRecord, pending: list[Pending]) -> dict[str, Any]:
    last = record.last
    return {
        "id": record.id,
        "state": _state(record, last, pending),
        "counts": dict(last.statuses) if last else {},
        "cost": last.cost if last else None,
        "trackingId": last.tracking_id if last else None,
        "submissionName": last.submission_name if last else None,
        "submittedAt": last.submitted_at if last else None,
        "flags": [*flags(record, last), *(in_doubt_flag(p) for p in pending)],
        "pending": [_pending(p) for p in pending],
    }


def in_doubt_flag(entry: Pending) -> str:
    """``held: submit Name-abcd1234`` / ``in doubt: cancel <trackingId>``."""
    intent = entry.intent
    what = intent.submission_name if isinstance(intent, SubmitIntent) else intent.tracking_id
    word = "held" if entry.outcome in (OutcomeKind.HELD, OutcomeKind.HELD_REFUSED) else "in doubt"
    return f"{word}: {intent.type} {what}"


def _pending(entry: Pending) -> dict[str, Any]:
    intent = entry.intent
    submit = intent if isinstance(intent, SubmitIntent) else None
    return {
        "type": intent.type,
        "seq": submit.seq if submit else None,
        "submissionName": submit.submission_name if submit else None,
        "trackingId": None if submit else getattr(intent, "tracking_id", None),
        "outcome": entry.outcome.value if entry.outcome else "no answer",
        "message": entry.message,
        "at": intent.at,
    }


def _state(record: CampaignRecord, last: Submission | None, pending: list[Pending]) -> str:
    if last is None:
        return "in doubt" if pending else "never sent"
    if last.status is not SubmissionStatus.ACCEPTED:
        return last.status.value
    return last.state or "submitted"


def flags(record: CampaignRecord, last: Submission | None) -> list[str]:
    marks = []
    if record.forgotten:
        marks.append("forgotten")
    if last is not None:
        if not last.spec_verified:
            marks.append("spec unverified")
        if not last.name_echoed:
            marks.append("name not echoed")
        if last.tracking_id is None:
            marks.append("pending trackingId")
        if last.origin.value != "apply":
            marks.append(last.origin.value)
    return marks


def cost_estimates(target: Target, state: State) -> dict[str, str]:
    """The estimate beside each campaign's cost, under the workspace's ``[prices]``."""
    from reconciler.policy.report import recorded_lengths, submission_estimates

    policy = target.config.policy(target.workspace.name)
    return submission_estimates(state, policy, recorded_lengths(state))


def live_rows(state: State, now: datetime) -> list[dict[str, Any]]:
    """``status --live``: every submission that may still ring, and every submit in doubt
    (it may have landed), one row each, by id then seq."""
    from reconciler.plan.live import live_submissions  # only for --live: plain status stays small

    rows = [
        _live_row(record.id, sub.seq, sub.submission_name, sub.request, sub.tracking_id)
        | {"flags": _live_flags(sub)}
        for record in state.campaigns.values()
        for sub in live_submissions(record, now)
    ]
    for entry in state.pending:
        intent = entry.intent
        if isinstance(intent, SubmitIntent):
            row = _live_row(intent.id, intent.seq, intent.submission_name, intent.request, None)
            rows.append(row | {"flags": [in_doubt_flag(entry)]})
    return sorted(rows, key=lambda r: (r["id"], r["seq"]))


def _live_row(
    campaign_id: str, seq: int, name: str, request: dict[str, Any], tracking_id: str | None
) -> dict[str, Any]:
    from reconciler.models.action_view import direct_recipients, groups_of

    return {
        "id": campaign_id,
        "seq": seq,
        "submissionName": name,
        "scheduledDate": request.get("scheduledDate"),
        "recipients": direct_recipients(request),
        "groups": list(groups_of(request)),
        "trackingId": tracking_id,
    }


def _live_flags(submission: Submission) -> list[str]:
    marks = []
    if submission.tracking_id is None:
        marks.append("cannot be cancelled until its trackingId is known (campaigns import)")
    if not submission.spec_verified:
        marks.append("spec unverified")
    return marks


def open_for_status(target: Target) -> OpenedWorkspace:
    """The workspace's state, read-only: offline, no credentials, creates and writes nothing.

    A running apply does not block it (the state as last written, with a note); a leftover
    journal is folded in memory only (:func:`reconciler.state.workspace.read_workspace`).
    """
    return read_workspace(target.config, target.workspace)
