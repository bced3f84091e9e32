"""Test helpers for the diff: build Campaigns and States directly, and play a plan onto a state.

``simulate_apply`` is a pure stand-in for apply's effect on the state (every remote call succeeds),
so property tests can check that re-planning after an apply finds nothing left to do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reconciler.canonical import digest
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.plan import Action, ActionKind, Plan
from reconciler.models.state import (
    CampaignRecord,
    CancelReason,
    State,
    Submission,
    SubmissionStatus,
)
from reconciler.plan.guards import parse_instant

LINEAGE = "0b7c6d0e-1111-4222-8333-444455556666"
FUTURE = "2030-01-01T09:00:00Z"
PAST = "2020-01-01T09:00:00Z"
NOW = datetime.fromisoformat("2027-01-01T00:00:00+00:00")


def make_request(**fields: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "from": "+306900000000",
        "to": ["+306912345678", "+306912345679"],
        "message": {"text": "Hello", "language": "en-GB", "gender": "female"},
        "scheduledDate": FUTURE,
        "respectQuietHours": True,
    }
    request.update(fields)
    return {k: v for k, v in request.items() if v is not None}


def make_campaign(
    cid: str,
    request: dict[str, Any] | None = None,
    *,
    revision: int = 1,
    cancel: bool = False,
    label: str | None = None,
    defaults: dict[str, Any] | None = None,
) -> Campaign:
    """A loaded declaration: ``request`` is its own fields, ``defaults`` merged under them."""
    own = make_request() if request is None else request
    full = {**(defaults or {}), **own}
    decl = {"own": own, "revision": revision, "cancel": cancel, "label": label}
    return Campaign(
        id=cid,
        revision=revision,
        cancel=cancel,
        label=label or cid,
        request=full,
        spec_hash=digest(full),
        decl_hash=digest(decl),
        source=SourceRef(path=f"campaigns/{cid}.yaml", line=1, column=1),
    )


def make_state(*records: CampaignRecord, serial: int = 3) -> State:
    return State(
        lineage=LINEAGE,
        serial=serial,
        workspace="production",
        endpoint="https://connect.routee.net",
        campaigns={r.id: r for r in records},
    )


def submission_of(
    campaign: Campaign,
    *,
    seq: int = 1,
    state: str | None = "Scheduled",
    tracking_id: str | None = "t-1",
    status: SubmissionStatus = SubmissionStatus.ACCEPTED,
    cancel_reason: CancelReason | None = None,
) -> Submission:
    return Submission(
        seq=seq,
        revision=campaign.revision,
        submission_name=f"{campaign.label[:10]}-seq{seq}",
        tracking_id=tracking_id,
        spec_hash=campaign.spec_hash,
        decl_hash=campaign.decl_hash,
        request=campaign.request,
        submitted_at="2026-12-01T00:00:00Z",
        state=state,
        status=status,
        cancel_reason=cancel_reason,
    )


def record_of(cid: str, *submissions: Submission, forgotten: bool = False) -> CampaignRecord:
    return CampaignRecord(
        id=cid, source=f"campaigns/{cid}.yaml", forgotten=forgotten, submissions=list(submissions)
    )


def simulate_apply(plan: Plan, state: State, now: datetime) -> State:
    """``state`` after every action of ``plan`` succeeded (pure: the input is not modified)."""
    result = state.model_copy(deep=True)
    for action in plan.actions:
        _play(action, result, now)
    result.pending = []
    result.serial += 1
    return result


def _play(action: Action, state: State, now: datetime) -> None:
    record = state.campaigns.setdefault(action.id, CampaignRecord(id=action.id))
    kind = action.action
    if kind is ActionKind.FORGET:
        record.forgotten = True
        return
    record.forgotten = False
    if kind is ActionKind.CANCEL or (kind is ActionKind.RESOLVE and action.cancel is not None):
        _cancel(record, action.tracking_id, CancelReason.CANCEL)
    elif kind is ActionKind.REPLACE:
        _cancel(record, action.tracking_id, CancelReason.REPLACE)
    if action.posts:
        record.submissions.append(_accepted(action, now))


def _cancel(record: CampaignRecord, tracking_id: str | None, reason: CancelReason) -> None:
    """Cancel the submission the DELETE names (``cancel: true`` may cancel earlier ones too)."""
    [sub] = [s for s in record.submissions if s.tracking_id == tracking_id]
    sub.status = SubmissionStatus.CANCELLED
    sub.cancel_reason = reason


def _accepted(action: Action, now: datetime) -> Submission:
    assert action.request is not None and action.seq is not None
    start = parse_instant(action.scheduled_date)
    return Submission(
        seq=action.seq,
        revision=action.revision or 1,
        submission_name=action.submission_name or "",
        tracking_id=f"t-{action.id}-{action.seq}",
        spec_hash=action.spec_hash or "",
        decl_hash=action.decl_hash or "",
        request=action.request,
        submitted_at=now.isoformat(),
        state="Scheduled" if start is not None and start > now else "Sent",
    )
