"""The dedupe canary (design.md 5.4) with a scripted fake client, and what the gate records."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.apply.canary import CanaryResult, run_canary
from reconciler.apply.dedupe import DedupeGate
from reconciler.models.journal import DedupeProof
from reconciler.routee.errors import NameConflict, OutcomeUnknown
from tests.unit.test_apply_protocol import Answer, FakeRoutee, Recorder

NOW = datetime(2026, 11, 27, tzinfo=UTC)
NUMBER = "+306900000099"


def canary(client: FakeRoutee) -> CanaryResult:
    return run_canary(client, NUMBER, NOW)


def posted_names(client: FakeRoutee) -> list[str]:
    return [call.split(" ", 1)[1] for call in client.calls if call.startswith("POST")]


def test_a_409_on_the_second_post_verifies_and_the_first_is_cancelled() -> None:
    client = FakeRoutee(Answer(tracking_id="c-1"), NameConflict("409"), None)
    result = canary(client)
    assert result.verified and result.conclusive
    assert "answered 409 409009003" in result.detail
    first, second = posted_names(client)
    assert first == second and first.startswith("canary-")
    assert client.calls[-1] == "DELETE c-1"


def test_a_second_post_accepted_is_a_finding_and_both_are_cancelled() -> None:
    client = FakeRoutee(Answer(tracking_id="c-1"), Answer(tracking_id="c-2"), None, None)
    result = canary(client)
    assert not result.verified and result.conclusive
    assert "no name uniqueness" in result.detail
    assert client.calls[-2:] == ["DELETE c-1", "DELETE c-2"]


def test_a_lost_first_post_is_re_sent_under_its_name_and_a_409_proves_dedupe() -> None:
    client = FakeRoutee(OutcomeUnknown("lost"), NameConflict("409"))
    result = canary(client)
    assert result.verified and result.conclusive
    assert "re-send of the in-doubt canary" in result.detail
    first, again = posted_names(client)
    assert first == again


def test_every_answer_lost_is_inconclusive_and_not_recorded() -> None:
    client = FakeRoutee(*[OutcomeUnknown("lost") for _ in range(9)])
    result = canary(client)
    assert not result.verified and not result.conclusive
    assert "every canary attempt was in doubt" in result.detail
    assert len(set(posted_names(client))) == 3  # three names, each re-sent three times
    journal = Recorder()
    gate = DedupeGate(verified=False, journal=journal, clock=lambda: "t", canary=lambda: result)
    assert not gate.allows_resend()
    assert journal.records == []  # a later apply runs the canary again


def test_a_conclusive_canary_is_recorded_once() -> None:
    journal = Recorder()
    found = CanaryResult(False, "a second POST was accepted")
    gate = DedupeGate(verified=False, journal=journal, clock=lambda: "t", canary=lambda: found)
    assert not gate.allows_resend()
    assert not gate.allows_resend()
    assert [type(r) for r in journal.records] == [DedupeProof]
    assert journal.records[0].verified is False
