"""The dedupe canary (design.md 5.4) with a scripted fake client, and what the gate records."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from reconciler.apply.canary import CanaryResult, canary_request, run_canary
from reconciler.apply.dedupe import DedupeGate, request_name_key, verified_for
from reconciler.models.journal import DedupeProof
from reconciler.models.state import DedupeCheck
from reconciler.routee.errors import NameConflict, OutcomeUnknown
from reconciler.usecases.doctor import name_key_line, probe_name_key
from tests.unit.test_apply_protocol import Answer, FakeRoutee, Recorder

NOW = datetime(2026, 11, 27, tzinfo=UTC)
NUMBER = "+306900000099"
SENDER = "+306900000001"


def canary(client: FakeRoutee) -> CanaryResult:
    return run_canary(client, NUMBER, NOW, sender=SENDER)


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


def test_the_canary_says_whether_routee_honoured_the_name_key() -> None:
    echoed = canary(FakeRoutee(Answer(tracking_id="c-1"), NameConflict("409"), None))
    ignored = canary(FakeRoutee(Answer(tracking_id="c-1", name_echoed=False), None))
    lost = canary(FakeRoutee(*[OutcomeUnknown("lost") for _ in range(9)]))
    assert (echoed.honoured, ignored.honoured, lost.honoured) == (True, False, None)


def test_the_gate_journals_the_key_it_sends() -> None:
    journal = Recorder()
    gate = DedupeGate(verified=False, journal=journal, clock=lambda: "t", name_key="campaignName")
    gate.proven_by_resend("409 on a re-send")
    [proof] = journal.records
    assert isinstance(proof, DedupeProof)
    assert (proof.verified, proof.name_key) == (True, "campaignName")


def test_the_key_sent_is_the_pin_else_the_recorded_verified_key_else_name() -> None:
    recorded = DedupeCheck(verified=True, name_key="campaignName")
    assert request_name_key(None, DedupeCheck()) == "name"
    assert request_name_key(None, recorded) == "campaignName"
    assert request_name_key("name", recorded) == "name"
    assert request_name_key(None, DedupeCheck(verified=False, name_key="campaignName")) == "name"
    assert verified_for(recorded, "campaignName")
    assert not verified_for(recorded, "name")  # verified for another key proves nothing
    assert verified_for(DedupeCheck(verified=True), "name")  # a state from before the key
    assert not verified_for(DedupeCheck(verified=False, name_key="name"), "name")


class KeyedCanary:
    """A canary that Routee honours only under ``honoured``; records the keys it was run with."""

    def __init__(self, client: Any, honoured: str | None) -> None:
        self.client, self.honoured = client, honoured
        self.keys: list[str] = []

    def __call__(self) -> CanaryResult:
        key = self.client.name_key
        self.keys.append(key)
        if key == self.honoured:
            return CanaryResult(True, f"409 under {key}", honoured=True)
        return CanaryResult(False, "did not echo", honoured=False)


def test_doctor_tries_the_other_key_when_routee_ignores_the_first() -> None:
    client = SimpleNamespace(name_key="name")
    run = KeyedCanary(client, "campaignName")
    result, honoured = probe_name_key(client, "name", run)  # type: ignore[arg-type]
    assert (result.verified, honoured, run.keys) == (True, "campaignName", ["name", "campaignName"])
    assert client.name_key == "name"  # restored: the pin or default decides what apply sends


def test_doctor_stops_at_the_first_key_routee_honours() -> None:
    client = SimpleNamespace(name_key="campaignName")
    run = KeyedCanary(client, "name")
    result, honoured = probe_name_key(client, "name", run)  # type: ignore[arg-type]
    assert (result.verified, honoured, run.keys) == (True, "name", ["name"])


def test_doctor_names_no_key_when_routee_echoes_neither() -> None:
    client = SimpleNamespace(name_key="name")
    run = KeyedCanary(client, None)
    result, honoured = probe_name_key(client, "name", run)  # type: ignore[arg-type]
    assert (result.verified, honoured, run.keys) == (False, None, ["name", "campaignName"])
    assert name_key_line("name", None, None).startswith("FAIL name key:")


class Capturing(FakeRoutee):
    def __init__(self, *script: Any) -> None:
        super().__init__(*script)
        self.bodies: list[dict[str, Any]] = []

    def submit_campaign(self, body: dict[str, Any], name: str) -> Any:
        self.bodies.append(body)
        return super().submit_campaign(body, name)


def test_the_canary_is_sent_from_the_workspace_sender_never_the_number_it_calls() -> None:
    client = Capturing(Answer(tracking_id="c-1"), NameConflict("409"), None)
    canary(client)
    assert [(b["from"], b["to"]) for b in client.bodies] == [(SENDER, [NUMBER])] * 2
    with pytest.raises(ValueError, match="never sent from the number it calls"):
        canary_request(NUMBER, NOW, sender=NUMBER.lstrip("+"))


def test_every_canary_call_is_journalled_before_it_is_made_and_answered_after() -> None:
    from reconciler.apply.canary_journal import JournalledCanaryClient
    from reconciler.models.intent import CANARY_ID, CancelIntent, SubmitIntent
    from reconciler.models.journal import Outcome, OutcomeKind

    journal = Recorder()
    inner = FakeRoutee(Answer(tracking_id="c-1"), NameConflict("409"), None)
    seen: list[int] = []  # journal length at each call: the intent is already there

    class Watching(FakeRoutee):
        def _next(self, call: str) -> object:
            seen.append(len(journal.records))
            return inner._next(call)

    result = run_canary(
        JournalledCanaryClient(Watching(), journal, lambda: "t"), NUMBER, NOW, sender=SENDER
    )
    assert result.verified
    kinds = [
        (type(r).__name__, getattr(r, "outcome", None), getattr(r, "resend", None))
        for r in journal.records
    ]
    assert kinds == [
        ("SubmitIntent", None, False),
        ("Outcome", OutcomeKind.ACCEPTED, None),
        ("SubmitIntent", None, True),  # the second POST under the same name
        ("Outcome", OutcomeKind.RESOLVED, None),
        ("CancelIntent", None, False),
        ("Outcome", OutcomeKind.CANCELLED, None),
    ]
    assert seen == [1, 3, 5]
    intents = [r for r in journal.records if isinstance(r, SubmitIntent | CancelIntent)]
    assert all(i.id == CANARY_ID for i in intents)
    outcomes = [r for r in journal.records if isinstance(r, Outcome)]
    assert [o.key for o in outcomes] == [i.key for i in intents]
