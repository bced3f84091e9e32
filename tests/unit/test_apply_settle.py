"""Settling in-doubt intents without a re-send: refresh (held cancels), import (held submits),
and status showing every pending intent."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.intent import CancelIntent, OutcomeKind, SubmitIntent
from reconciler.models.state import (
    CampaignRecord,
    CancelReason,
    Pending,
    State,
    Submission,
    SubmissionStatus,
)
from reconciler.routee.errors import NotFound
from reconciler.usecases.importing import ImportRefused, import_campaign
from reconciler.usecases.refresh import refresh_state
from reconciler.usecases.status import status_rows


class Tracking:
    """Campaign tracking answers by trackingId: a list of items, or NotFound."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def campaign_tracking(self, tracking_id: str) -> Any:
        answer = self.answers[tracking_id]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def search_by_campaign_name(self, name: str) -> Any:
        return []

    def submit_campaign(self, body: dict[str, Any], name: str) -> Any:
        raise AssertionError("settling never sends")

    def cancel(self, tracking_id: str) -> None:
        raise AssertionError("settling never cancels")

    def analyze(self, body: dict[str, Any]) -> Any:
        raise AssertionError("settling never analyses")


def submission(seq: int = 1, tracking_id: str | None = "t-1", **extra: Any) -> Submission:
    return Submission(
        seq=seq,
        revision=1,
        submission_name=f"C1-tag{seq}",
        tracking_id=tracking_id,
        spec_hash="sha256:s",
        decl_hash="sha256:d",
        request={"to": ["+306912345678"]},
        submitted_at="T",
        **extra,
    )


def held_cancel(tracking_id: str = "t-1") -> Pending:
    intent = CancelIntent(
        key="k-cancel",
        id="c1",
        at="T",
        resend=True,
        tracking_id=tracking_id,
        reason=CancelReason.REPLACE,
    )
    return Pending(intent=intent, outcome=OutcomeKind.HELD)


def held_submit(seq: int = 1, name: str = "C1-held") -> Pending:
    intent = SubmitIntent(
        key="k-submit",
        id="c1",
        at="T",
        seq=seq,
        revision=1,
        submission_name=name,
        spec_hash="sha256:sent",
        decl_hash="sha256:d",
        request={"to": ["+306912345678"], "sent": True},
    )
    return Pending(intent=intent, outcome=OutcomeKind.HELD)


def state(*subs: Submission, pending: list[Pending] | None = None) -> State:
    campaigns = {"c1": CampaignRecord(id="c1", submissions=list(subs))} if subs else {}
    return State(
        lineage="L",
        workspace="w",
        endpoint="e",
        campaigns=campaigns,
        pending=pending or [],
    )


def test_a_404_never_settles_a_held_cancel_as_worked() -> None:
    """No messages (404) fits a cancelled campaign and one not started alike (decision 6)."""
    before = state(submission(state="Scheduled"), pending=[held_cancel()])
    after, report = refresh_state(before, Tracking({"t-1": NotFound("404")}), clock=lambda: "N")
    assert after.pending == before.pending
    (sub,) = after.campaigns["c1"].submissions
    assert sub.status is SubmissionStatus.ACCEPTED
    assert any("stays held" in n for n in report.notes)


@pytest.mark.parametrize("last_seen", ["Scheduled", None])
def test_a_404_from_tracking_is_no_messages_yet_never_cancelled(last_seen: str | None) -> None:
    before = state(submission(state=last_seen))
    after, report = refresh_state(before, Tracking({"t-1": NotFound("404")}), clock=lambda: "N")
    (sub,) = after.campaigns["c1"].submissions
    assert (sub.status, sub.state, sub.tracking_id) == (
        SubmissionStatus.ACCEPTED,
        last_seen,
        "t-1",
    )
    assert sub.refreshed_at == "N"
    assert report.notes == [
        "c1: no messages yet for t-1 (tracking answered 404): still possibly Scheduled"
    ]
    assert not report.warnings


def test_a_404_for_a_campaign_seen_running_keeps_its_state_with_a_warning() -> None:
    before = state(submission(state="Running", statuses={"Ringing": 1}))
    after, report = refresh_state(before, Tracking({"t-1": NotFound("404")}), clock=lambda: "N")
    (sub,) = after.campaigns["c1"].submissions
    assert (sub.status, sub.state, sub.statuses) == (
        SubmissionStatus.ACCEPTED,
        "Running",
        {"Ringing": 1},
    )
    assert report.warnings == [
        "c1: tracking answered 404 for t-1, last seen Running: state kept (a 404 is not "
        "evidence of a cancellation)"
    ]


def test_refresh_drops_a_held_cancel_whose_campaign_started() -> None:
    items = [{"status": {"status": "Ringing"}, "price": 0.0}]
    before = state(submission(state="Scheduled"), pending=[held_cancel()])
    after, report = refresh_state(before, Tracking({"t-1": items}), clock=lambda: "N")
    assert not after.pending
    assert after.campaigns["c1"].submissions[0].status is SubmissionStatus.ACCEPTED
    assert any("has started" in w for w in report.warnings)


def test_refresh_keeps_a_held_cancel_it_cannot_settle() -> None:
    before = state(submission(state="Scheduled"), pending=[held_cancel()])
    after, _ = refresh_state(before, Tracking({"t-1": []}), clock=lambda: "N")
    assert after.pending == before.pending
    assert after.campaigns["c1"].submissions[0].status is SubmissionStatus.ACCEPTED


def campaign() -> Campaign:
    return Campaign(
        id="c1",
        revision=1,
        cancel=False,
        label="C1",
        request={"to": ["+306912345678"]},
        spec_hash="sha256:declared",
        decl_hash="sha256:d",
        source=SourceRef("campaigns/c1.yaml", 1, 1),
    )


def test_import_settles_the_held_submit_with_its_recorded_name_and_body() -> None:
    before = state(pending=[held_submit()])
    after, sub = import_campaign(before, campaign(), "t-9", Tracking({"t-9": []}))
    assert not after.pending
    assert (sub.seq, sub.submission_name, sub.tracking_id) == (1, "C1-held", "t-9")
    assert sub.request == {"to": ["+306912345678"], "sent": True}
    assert sub.spec_hash == "sha256:sent" and not sub.spec_verified


def test_import_of_a_campaign_with_no_messages_yet_is_recorded_possibly_scheduled() -> None:
    after, sub = import_campaign(state(), campaign(), "t-9", Tracking({"t-9": NotFound("404")}))
    assert (sub.tracking_id, sub.state, sub.status) == ("t-9", None, SubmissionStatus.ACCEPTED)
    assert sub.submission_name == "C1" and not sub.spec_verified
    assert after.campaigns["c1"].submissions == [sub]


def test_import_refuses_a_tracking_id_of_another_name_than_the_held_submit() -> None:
    before = state(pending=[held_submit()])
    items = [{"campaign": "Someone-else", "status": {"status": "Completed"}}]
    with pytest.raises(ImportRefused, match="belongs to a campaign named 'Someone-else'"):
        import_campaign(before, campaign(), "t-9", Tracking({"t-9": items}))


def test_status_shows_held_intents_also_for_ids_never_accepted() -> None:
    rows = status_rows(state(pending=[held_submit()]))
    (row,) = rows
    assert row["id"] == "c1" and row["state"] == "in doubt"
    assert row["flags"] == ["held: submit C1-held"]
    assert row["pending"][0]["outcome"] == "held"


def test_import_gives_a_pending_tracking_id_to_the_live_submission_it_belongs_to() -> None:
    untracked = submission(tracking_id=None, state="Scheduled")
    before = state(untracked)
    after, sub = import_campaign(before, campaign(), "t-9", Tracking({"t-9": []}))
    (settled,) = after.campaigns["c1"].submissions
    assert settled == sub
    assert (settled.seq, settled.submission_name, settled.tracking_id) == (1, "C1-tag1", "t-9")
    assert settled.state == "Scheduled" and settled.request == untracked.request


def test_import_refuses_to_settle_with_a_tracking_id_of_another_campaign() -> None:
    untracked = submission(tracking_id=None, state="Scheduled")
    before = state(untracked)
    items = [{"campaign": "Someone-else", "status": {"status": "Queued"}}]
    with pytest.raises(ImportRefused, match="not to a pending submission of c1"):
        import_campaign(before, campaign(), "t-9", Tracking({"t-9": items}))


def test_import_reads_a_404_as_no_messages_yet_and_settles_the_live_submission() -> None:
    # routee-voice-api.md decision 6: a campaign still Scheduled may answer 404 404005000.
    untracked = submission(tracking_id=None, state="Scheduled")
    after, sub = import_campaign(
        state(untracked), campaign(), "t-404", Tracking({"t-404": NotFound("404")})
    )
    assert (sub.tracking_id, sub.state) == ("t-404", "Scheduled")
    assert after.campaigns["c1"].submissions == [sub]
