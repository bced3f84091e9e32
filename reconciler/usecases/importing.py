"""``campaigns import ID --tracking-id T``: adopt a campaign sent outside the tool. Never sends.

The declared campaign ``ID`` gets a submission with origin ``imported`` and ``specVerified``
false (the tool did not send it, so it cannot vouch that Routee holds the declared spec). Its
tracking is read when Routee has any (its name comes from the messages' ``campaign`` field,
else the declared label). A 404 from tracking is "no messages yet" (routee-voice-api.md decision
6: a campaign still ``Scheduled`` may answer so), so the campaign is recorded with its state
unknown, possibly ``Scheduled``. Refused for an undeclared id, one whose last submission is live,
and a trackingId the state already holds (for any campaign).

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
    """The campaign cannot be imported (undeclared, already tracked, another campaign's name)."""


def import_campaign(
    state: State, campaign: Campaign, tracking_id: str, client: Routee
) -> tuple[State, Submission]:
    """A copy of ``state`` with ``campaign`` recorded as imported under ``tracking_id``."""
    record = state.campaigns.get(campaign.id) or CampaignRecord(id=campaign.id)
    _refuse_tracked(state, record, tracking_id)
    try:
        items = client.campaign_tracking(tracking_id)
    except NotFound:
        items = []  # no messages yet: possibly Scheduled (decision 6)
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


def _refuse_tracked(state: State, record: CampaignRecord, tracking_id: str) -> None:
    last = record.last
    if last is not None and last.status is SubmissionStatus.ACCEPTED:
        held = last.tracking_id or "a pending trackingId"
        raise ImportRefused(
            f"{record.id} is already tracked (submission {last.seq}, {held}); nothing imported"
        )
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


def import_into_workspace(target: Target, campaign_id: str, tracking_id: str) -> Submission:
    """Import under the workspace lock; writes the state (serial + 1)."""
    config = target.config
    campaigns = {c.id: c for c in declared_campaigns(config)}
    if campaign_id not in campaigns:
        raise ImportRefused(f"{campaign_id} is not declared in {config.campaigns_dir}")
    with open_session(target, "import") as session:
        state, submission = import_campaign(
            session.state, campaigns[campaign_id], tracking_id, session.client
        )
        session.write(state)
    return submission
