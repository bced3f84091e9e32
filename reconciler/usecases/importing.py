"""``campaigns import ID --tracking-id T``: adopt a campaign sent outside the tool, or settle
the trackingId of one of ours. Never sends.

When ``ID``'s last submission is live with its trackingId pending (a lost response, a double
Ctrl-C, a send settled by a 409), import gives it ``T``: Routee must know ``T`` and, once the
campaign has messages, name them as that submission; the submission is otherwise unchanged (it
keeps ``specVerified``), and from then on it can be cancelled and replaced.

The declared campaign ``ID`` gets a submission with origin ``imported`` and ``specVerified``
false (the tool did not send it, so it cannot vouch that Routee holds the declared spec). Its
tracking is read when Routee has any (its name comes from the messages' ``campaign`` field,
else the declared label). A 404 from tracking is "no messages yet" (routee-voice-api.md decision
6: a campaign still ``Scheduled`` may answer so), so the campaign is recorded with its state
unknown, possibly ``Scheduled``: while it has no messages, Routee cannot confirm that ``T`` is the
declared campaign's, and the import takes the operator's word for it. Refused for an undeclared
id, one whose last submission is live with a known trackingId, and a trackingId the state already
holds (for any campaign).

Import is also how a held submission is settled by hand (docs/recovery.md): when the id has an
in-doubt submit intent, the imported submission takes that intent's seq, name and recorded
request (what was sent, possibly), and the intent is removed from ``pending``, so the next apply
does not try to re-send it.
"""

from __future__ import annotations

from typing import Any

from reconciler.apply.ports import Routee
from reconciler.apply.steps import utc_now
from reconciler.errors import CampaignsError
from reconciler.models.campaign import Campaign
from reconciler.models.intent import SubmitIntent
from reconciler.models.state import (
    CampaignRecord,
    Pending,
    State,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
)
from reconciler.routee.errors import NotFound
from reconciler.usecases import Target
from reconciler.usecases.plan import declared_campaigns
from reconciler.usecases.session import open_session
from reconciler.usecases.tracking import progress_of


class ImportRefused(CampaignsError):
    """The campaign cannot be imported (undeclared, already tracked, unknown to Routee)."""


def import_campaign(
    state: State, campaign: Campaign, tracking_id: str, client: Routee
) -> tuple[State, Submission]:
    """A copy of ``state`` with ``campaign`` recorded as imported under ``tracking_id``."""
    record = state.campaigns.get(campaign.id) or CampaignRecord(id=campaign.id)
    _refuse_held_elsewhere(state, tracking_id)
    if _untracked(record):
        return settle_tracking(state, record, tracking_id, client)
    _refuse_tracked(record)
    items = _tracking(client, tracking_id)
    entry = _in_doubt_submit(state, campaign.id, record.next_seq)
    in_doubt = entry.intent if entry and isinstance(entry.intent, SubmitIntent) else None
    name = _imported_name(campaign, tracking_id, items, in_doubt)
    submission = _imported_submission(
        record.next_seq, campaign, tracking_id, name, items=items, in_doubt=in_doubt
    )
    updated = record.model_copy(
        update={
            "submissions": [*record.submissions, submission],
            "forgotten": False,
            "source": str(campaign.source),
        }
    )
    campaigns = {**state.campaigns, campaign.id: updated}
    pending = [p for p in state.pending if p is not entry]
    return state.model_copy(update={"campaigns": campaigns, "pending": pending}), submission


def _imported_name(
    campaign: Campaign, tracking_id: str, items: Any, in_doubt: SubmitIntent | None
) -> str:
    """The messages' ``campaign`` name, else the in-doubt intent's name, else the label."""
    names = {i.get("campaign") for i in items if isinstance(i, dict)}
    label = in_doubt.submission_name if in_doubt else campaign.label
    name = next((n for n in names if isinstance(n, str) and n), label)
    if in_doubt and name != in_doubt.submission_name:
        raise ImportRefused(
            f"{campaign.id} has an in-doubt submission named {in_doubt.submission_name!r}, but "
            f"trackingId {tracking_id} belongs to a campaign named {name!r}; nothing imported"
        )
    return name


def _imported_submission(
    seq: int,
    campaign: Campaign,
    tracking_id: str,
    name: str,
    *,
    items: Any,
    in_doubt: SubmitIntent | None,
) -> Submission:
    """Not verified (the tool did not send it); an in-doubt intent's recorded values win."""
    progress = progress_of(items)
    now = utc_now()
    return Submission(
        seq=seq,
        revision=in_doubt.revision if in_doubt else campaign.revision,
        submission_name=name,
        tracking_id=tracking_id,
        spec_hash=in_doubt.spec_hash if in_doubt else campaign.spec_hash,
        decl_hash=in_doubt.decl_hash if in_doubt else campaign.decl_hash,
        request=in_doubt.request if in_doubt else campaign.request,
        submitted_at=now,
        origin=SubmissionOrigin.IMPORTED,
        spec_verified=False,
        state=progress.state(None),
        statuses=progress.statuses,
        cost=progress.cost if progress.messages else None,
        refreshed_at=now,
    )


def settle_tracking(
    state: State, record: CampaignRecord, tracking_id: str, client: Routee
) -> tuple[State, Submission]:
    """Give a submission whose trackingId is pending (a lost response, a 409 adoption) the
    trackingId ``T``, once Routee knows ``T`` and its messages (if any yet) carry that
    submission's name: from then on it can be cancelled and replaced."""
    items = _tracking(client, tracking_id)
    names = {i.get("campaign") for i in items if isinstance(i, dict)} - {None, ""}
    candidates = _untracked(record)
    if names:
        candidates = [s for s in candidates if s.submission_name in names]
    pending = ", ".join(s.submission_name for s in _untracked(record))
    if not candidates:
        found = ", ".join(sorted(repr(n) for n in names))
        raise ImportRefused(
            f"trackingId {tracking_id} belongs to a campaign named {found}, not to a pending "
            f"submission of {record.id} ({pending}); nothing imported"
        )
    if len(candidates) > 1:
        raise ImportRefused(
            f"{record.id} has {len(candidates)} submissions whose trackingId is pending "
            f"({pending}) and Routee has no messages for {tracking_id} yet to tell which it is: "
            f"import it once the campaign has started, or run campaigns refresh then"
        )
    last = candidates[0]
    progress = progress_of(items)
    now = utc_now()
    settled = last.model_copy(
        update={
            "tracking_id": tracking_id,
            "state": progress.state(last.state),
            "statuses": progress.statuses or last.statuses,
            "refreshed_at": now,
        }
    )
    submissions = [settled if s is last else s for s in record.submissions]
    updated = record.model_copy(update={"submissions": submissions})
    return state.model_copy(update={"campaigns": {**state.campaigns, record.id: updated}}), settled


def _untracked(record: CampaignRecord) -> list[Submission]:
    """The accepted submissions of ``record`` whose trackingId is still pending."""
    return [
        s for s in record.submissions if s.status is SubmissionStatus.ACCEPTED and not s.tracking_id
    ]


def _tracking(client: Routee, tracking_id: str) -> Any:
    """Routee's tracking of ``tracking_id``; a 404 is "no messages yet" (routee-voice-api.md
    decision 6: a campaign still ``Scheduled`` may answer so), never proof either way."""
    try:
        return client.campaign_tracking(tracking_id)
    except NotFound:
        return []


def _refuse_tracked(record: CampaignRecord) -> None:
    last = record.last
    if last is not None and last.status is SubmissionStatus.ACCEPTED:
        raise ImportRefused(
            f"{record.id} is already tracked (submission {last.seq}, {last.tracking_id}); "
            "nothing imported"
        )


def _refuse_held_elsewhere(state: State, tracking_id: str) -> None:
    for other in state.campaigns.values():
        for sub in other.submissions:
            if sub.tracking_id == tracking_id:
                raise ImportRefused(
                    f"trackingId {tracking_id} is already recorded for {other.id} "
                    f"(submission {sub.seq}, {sub.submission_name}); nothing imported"
                )


def _in_doubt_submit(state: State, campaign_id: str, seq: int) -> Pending | None:
    """The id's in-doubt submit for the next seq, which this import settles."""
    for entry in state.pending:
        if entry.intent.slot == ("submit", campaign_id, str(seq)):
            return entry
    return None


def import_into_workspace(
    target: Target, campaign_id: str, tracking_id: str
) -> tuple[Submission, bool]:
    """Import under the workspace lock; writes the state (serial + 1). The flag is True when a
    pending trackingId was settled rather than a submission added."""
    config = target.config
    campaigns = {c.id: c for c in declared_campaigns(config)}
    if campaign_id not in campaigns:
        raise ImportRefused(f"{campaign_id} is not declared in {config.campaigns_dir}")
    with open_session(target, "import") as session:
        before = session.state.campaigns.get(campaign_id)
        count = len(before.submissions) if before else 0
        state, submission = import_campaign(
            session.state, campaigns[campaign_id], tracking_id, session.client
        )
        session.write(state)
    return submission, len(state.campaigns[campaign_id].submissions) == count
