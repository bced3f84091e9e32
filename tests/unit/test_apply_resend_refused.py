"""A re-send of an in-doubt submission answers only for itself (design.md 5.2).

A non-409 4xx to a FRESH submit means nothing was created; to a re-send it proves nothing about
the first attempt (Routee may check the request, e.g. a scheduledDate that has passed meanwhile,
before the name). Such a re-send is held (exit 3), kept pending, and never re-sent by itself.
"""

from __future__ import annotations

from reconciler.apply.executor import execute
from reconciler.apply.results import ResultStatus
from reconciler.apply.submit import submit
from reconciler.config import Workspace, WorkspaceSettings
from reconciler.models.journal import JournalHeader, OutcomeKind, SubmitIntent
from reconciler.plan.actions import resolve_action
from reconciler.routee.errors import (
    AuthFailed,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ValidationRejected,
)
from reconciler.state.fold import fold
from reconciler.state.store import new_state
from reconciler.usecases.apply import held_message
from reconciler.usecases.status import in_doubt_flag
from tests.unit.test_apply_protocol import SPEC, FakeRoutee, session

PASSED = ValidationRejected(
    "POST /voice/campaign: HTTP 400 code 400000000: scheduledDate must be in the future",
    status=400,
)


def test_a_refused_resend_after_an_in_doubt_post_is_held_and_stays_pending() -> None:
    client = FakeRoutee(OutcomeUnknown("lost"), PASSED)
    s = session(client)
    outcome = submit(s, SPEC, resend=False)
    assert outcome.kind is OutcomeKind.HELD_REFUSED and outcome.status is ResultStatus.HELD
    assert client.calls == ["POST C1-abcdefgh", "POST C1-abcdefgh"]
    assert outcome.message is not None
    assert "scheduledDate must be in the future" in outcome.message
    assert "'C1-abcdefgh'" in outcome.message
    assert "campaigns import c1 --tracking-id <trackingId>" in outcome.message
    state = new_state("w", "https://api")
    header = JournalHeader(lineage=state.lineage, base_serial=state.serial, started_at="T")
    folded = fold(state, [header, *s.journal.records], "T").state  # type: ignore[attr-defined]
    assert folded.campaigns == {}  # not recorded as created, nor as "rejected, nothing created"
    [pending] = folded.pending
    assert isinstance(pending.intent, SubmitIntent)
    assert (pending.intent.submission_name, pending.outcome) == ("C1-abcdefgh", "heldRefused")
    assert pending.message == outcome.message
    assert in_doubt_flag(pending) == "held: submit C1-abcdefgh"


def test_a_resolve_refused_with_any_4xx_is_held_but_a_fresh_send_is_rejected() -> None:
    for answer in (PASSED, NotFound("POST /voice/campaign: HTTP 404", status=404)):
        assert submit(session(FakeRoutee(answer)), SPEC, resend=True).kind is (
            OutcomeKind.HELD_REFUSED
        )
    assert submit(session(FakeRoutee(PASSED)), SPEC, resend=False).kind is OutcomeKind.REJECTED


def test_a_resend_that_was_not_processed_stays_in_doubt_for_the_next_apply() -> None:
    limited = [RateLimited("429", retry_after=0.0)]  # left after the client's own retries
    for script in (limited, [AuthFailed("POST /voice/campaign: HTTP 401", status=401)]):
        s = session(FakeRoutee(*script))
        outcome = submit(s, SPEC, resend=True)
        assert outcome.kind is OutcomeKind.IN_DOUBT
        assert "the next `campaigns apply` re-sends it" in (outcome.message or "")
        [intent] = [r for r in s.journal.records if isinstance(r, SubmitIntent)]  # type: ignore[attr-defined]
        assert intent.resend


def test_a_refused_resend_is_never_resent_by_a_later_apply() -> None:
    s = session(FakeRoutee(OutcomeUnknown("lost"), PASSED))
    submit(s, SPEC, resend=False)
    state = new_state("w", "https://api")
    header = JournalHeader(lineage=state.lineage, base_serial=state.serial, started_at="T")
    [pending] = fold(state, [header, *s.journal.records], "T").state.pending  # type: ignore[attr-defined]
    client = FakeRoutee()  # any POST would fail the test: the script is empty
    later = session(client)
    resolve = resolve_action(pending, declared=True)
    assert resolve.held and resolve.journal_key == pending.intent.key
    report = execute([resolve], later)
    assert client.calls == []
    [result] = report.results
    assert result.status is ResultStatus.HELD
    assert result.message is not None and result.message.startswith("not re-sent: a re-send")
    assert later.journal.records == []  # type: ignore[attr-defined]
    production = Workspace("production", WorkspaceSettings(), "https://api", "https://auth")
    message = held_message(report, production)
    assert "apply will not send it again" in message
    assert "campaigns import ID --tracking-id T --workspace production" in message
    assert "campaigns doctor" not in message
