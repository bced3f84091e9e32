"""The submit/cancel protocol with a scripted fake client: every outcome of design.md 5.2/5.3."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from reconciler.apply.canary import CanaryResult
from reconciler.apply.cancel import cancel
from reconciler.apply.dedupe import DedupeGate
from reconciler.apply.executor import execute
from reconciler.apply.results import ResultStatus
from reconciler.apply.steps import StepContext
from reconciler.apply.submit import submit
from reconciler.models.actions import action_from_flat
from reconciler.models.journal import (
    CancelIntent,
    DedupeProof,
    Outcome,
    OutcomeKind,
    SubmitIntent,
)
from reconciler.models.plan import Action, ActionKind
from reconciler.models.state import CancelReason
from reconciler.render.apply import summary
from reconciler.routee.errors import (
    NameConflict,
    NotScheduled,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    ValidationRejected,
)


@dataclass
class Answer:
    tracking_id: str = "t-1"
    state: str | None = "Scheduled"
    name_echoed: bool = True
    errors: list[dict[str, Any]] = field(default_factory=list)


class FakeRoutee:
    """Answers from a script: each item is an Answer/None to return or an exception to raise."""

    def __init__(self, *script: Any, search: list[dict[str, Any]] | None = None) -> None:
        self.script = list(script)
        self.calls: list[str] = []
        self.search = search or []

    def _next(self, call: str) -> Any:
        self.calls.append(call)
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    def submit_campaign(self, body: dict[str, Any], name: str) -> Any:
        return self._next(f"POST {name}")

    def cancel(self, tracking_id: str) -> None:
        self._next(f"DELETE {tracking_id}")

    def analyze(self, body: dict[str, Any]) -> Any:
        return {"numberOfRecipients": 1}

    def search_by_campaign_name(self, name: str) -> Any:
        return self.search

    def campaign_tracking(self, tracking_id: str) -> Any:
        return []


class Recorder:
    def __init__(self) -> None:
        self.records: list[Any] = []

    def append(self, record: Any) -> None:
        self.records.append(record)

    def outcomes(self) -> list[OutcomeKind]:
        return [r.outcome for r in self.records if isinstance(r, Outcome)]


def session(client: FakeRoutee, *, verified: bool = True, canary: Any = None) -> StepContext:
    journal = Recorder()
    gate = DedupeGate(verified=verified, journal=journal, clock=lambda: "T", canary=canary)
    return StepContext(client, journal, gate, clock=lambda: "T")


SPEC = SubmitIntent(
    id="c1",
    seq=1,
    revision=1,
    submission_name="C1-abcdefgh",
    spec_hash="sha256:s",
    decl_hash="sha256:d",
    request={"to": ["+1"]},
)
DEFECT = ServerError("POST /voice/campaign: HTTP 500", status=500)


def test_accepted_records_intent_then_outcome() -> None:
    s = session(FakeRoutee(Answer(errors=[{"code": "1", "property": "+1"}])))
    outcome = submit(s, SPEC, resend=False)
    assert outcome.kind is OutcomeKind.ACCEPTED
    assert outcome.errors[0].property == "+1"
    journal = s.journal.records  # type: ignore[attr-defined]
    assert isinstance(journal[0], SubmitIntent) and not journal[0].resend
    assert isinstance(journal[1], Outcome) and journal[1].key == journal[0].key


def test_in_doubt_is_resent_under_the_same_name_and_409_resolves_it() -> None:
    client = FakeRoutee(
        OutcomeUnknown("lost"), NameConflict("409"), search=[{"campaignTrackingId": "t-9"}]
    )
    s = session(client, verified=True)
    outcome = submit(s, SPEC, resend=False)
    assert outcome.kind is OutcomeKind.RESOLVED and outcome.tracking_id == "t-9"
    assert client.calls == ["POST C1-abcdefgh", "POST C1-abcdefgh"]
    intents = [r for r in s.journal.records if isinstance(r, SubmitIntent)]  # type: ignore[attr-defined]
    assert [i.resend for i in intents] == [False, True]
    assert intents[0].request == intents[1].request


def test_in_doubt_without_verified_dedupe_is_held_and_never_resent() -> None:
    client = FakeRoutee(DEFECT)
    s = session(client, verified=False)
    outcome = submit(s, SPEC, resend=False)
    assert outcome.kind is OutcomeKind.HELD
    assert client.calls == ["POST C1-abcdefgh"]


def test_the_canary_runs_once_when_a_resend_needs_it() -> None:
    runs: list[int] = []

    def canary() -> CanaryResult:
        runs.append(1)
        return CanaryResult(True, "409 on the second POST")

    client = FakeRoutee(DEFECT, Answer())
    s = session(client, verified=False, canary=canary)
    assert submit(s, SPEC, resend=False).kind is OutcomeKind.ACCEPTED
    assert runs == [1]
    proofs = [r for r in s.journal.records if isinstance(r, DedupeProof)]  # type: ignore[attr-defined]
    assert proofs[0].verified and proofs[0].method == "canary"


def test_resends_are_bounded_then_held() -> None:
    client = FakeRoutee(*[DEFECT] * 4)
    outcome = submit(session(client), SPEC, resend=False)
    assert outcome.kind is OutcomeKind.HELD
    assert len(client.calls) == 4


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (NameConflict("409"), OutcomeKind.ADOPTED),
        (ValidationRejected("400"), OutcomeKind.REJECTED),
    ],
)
def test_fresh_send_outcomes(answer: Exception, kind: OutcomeKind) -> None:
    assert submit(session(FakeRoutee(answer)), SPEC, resend=False).kind is kind


def test_not_processed_after_the_clients_retries_is_one_intent_rejected() -> None:
    client = FakeRoutee(RateLimited("429", retry_after=0.0), Answer())  # the client retried
    s = session(client)
    assert submit(s, SPEC, resend=False).kind is OutcomeKind.REJECTED
    intents = [r for r in s.journal.records if isinstance(r, SubmitIntent)]  # type: ignore[attr-defined]
    assert len(intents) == 1 and len(client.calls) == 1


def test_name_not_echoed_marks_dedupe_unverified() -> None:
    s = session(FakeRoutee(Answer(name_echoed=False)), verified=True)
    outcome = submit(s, SPEC, resend=False)
    assert not outcome.name_echoed
    assert not s.gate.verified


CANCEL = CancelIntent(id="c1", tracking_id="t-1", reason=CancelReason.REPLACE)


def test_cancel_404_counts_as_cancelled_and_not_scheduled_fails() -> None:
    from reconciler.routee.errors import NotFound

    assert cancel(session(FakeRoutee(NotFound("404"))), CANCEL, resend=False).kind is (
        OutcomeKind.CANCELLED
    )
    assert cancel(session(FakeRoutee(NotScheduled("400"))), CANCEL, resend=False).kind is (
        OutcomeKind.NOT_SCHEDULED
    )


def test_not_scheduled_after_an_in_doubt_delete_is_held() -> None:
    client = FakeRoutee(OutcomeUnknown("lost"), NotScheduled("400"))
    s = session(client)
    assert cancel(s, CANCEL, resend=False).kind is OutcomeKind.HELD
    intents = [r for r in s.journal.records if isinstance(r, CancelIntent)]  # type: ignore[attr-defined]
    assert [i.resend for i in intents] == [False, True]


def action(kind: ActionKind, campaign_id: str = "c1", **extra: Any) -> Action:
    """An action of ``kind`` with the intents its fields stand for (as a saved plan's would)."""
    fields: dict[str, Any] = {
        "id": campaign_id,
        "action": kind,
        "seq": 2,
        "revision": 1,
        "submission_name": f"{campaign_id}-abcdefgh",
        "spec_hash": "sha256:s",
        "decl_hash": "sha256:d",
        "request": {"to": ["+1"]},
        **extra,
    }
    return action_from_flat(fields)


def test_replace_does_not_post_when_its_cancel_fails_and_others_go_on() -> None:
    client = FakeRoutee(NotScheduled("400"), Answer())
    s = session(client)
    report = execute(
        [action(ActionKind.REPLACE, tracking_id="t-1"), action(ActionKind.SEND, "c2")],
        s,
        concurrency=1,
    )
    assert client.calls == ["DELETE t-1", "POST c2-abcdefgh"]
    statuses = {r.action.id: r.status for r in report.results}
    assert statuses == {"c1": ResultStatus.FAILED, "c2": ResultStatus.DONE}
    assert summary(report).endswith(
        "1 sent, 0 replaced, 0 cancelled, 0 forgotten, 1 failed, 0 held."
    )


def test_the_summary_counts_campaigns_tracked_again_only_when_there_are_some() -> None:
    from reconciler.apply.results import ApplyReport

    assert summary(ApplyReport(retracked=2)) == (
        "Apply complete: 0 sent, 0 replaced, 0 cancelled, 0 forgotten, 2 tracked again, "
        "0 failed, 0 held."
    )
    assert "tracked again" not in summary(ApplyReport())
