"""Accurate words (issue 12 items 4 and 7): the summary says sent, adopted and settled apart; a
failed action's line carries Routee's code and message with numbers masked; exit 3 names the
real reason of each hold."""

from __future__ import annotations

import io

import pytest

from reconciler.apply.executor import execute
from reconciler.apply.results import ResultStatus
from reconciler.config import Workspace, WorkspaceSettings
from reconciler.models.plan import ActionKind
from reconciler.render.apply import describe, summary
from reconciler.routee.errors import (
    ErrorBody,
    NameConflict,
    OutcomeUnknown,
    ServerError,
    ValidationRejected,
)
from reconciler.usecases.apply import ApplyFailed, held_message, raise_for_report
from tests.unit.test_apply_protocol import Answer, FakeRoutee, action, session

PRODUCTION = Workspace("production", WorkspaceSettings(), "https://api", "https://auth")
LOST = OutcomeUnknown("POST /voice/campaign: sent, but no answer")


def test_adopted_and_settled_are_not_counted_as_sent() -> None:
    client = FakeRoutee(Answer(), NameConflict("409"), LOST, NameConflict("409"))
    actions = [action(ActionKind.SEND, f"c{n}") for n in (1, 2, 3)]
    report = execute(actions, session(client), concurrency=1)
    assert [r.status for r in report.results] == [ResultStatus.DONE] * 3
    assert (report.sent, report.adopted, report.settled) == (1, 1, 1)
    assert summary(report) == (
        "Apply complete: 1 sent, 1 adopted (409: a campaign of that name existed), "
        "1 settled (an earlier in-doubt attempt had landed), 0 replaced, 0 cancelled, "
        "0 forgotten, 0 failed, 0 held."
    )


def test_a_failed_send_prints_routees_code_and_message_with_numbers_masked() -> None:
    body = ErrorBody(code="400000000", developer_message="Invalid recipient +306912345678")
    refusal = ValidationRejected(
        "POST /voice/campaign: HTTP 400 code 400000000: Invalid recipient +306912345678",
        status=400,
        body=body,
    )
    report = execute([action(ActionKind.SEND)], session(FakeRoutee(refusal)), concurrency=1)
    [result] = report.results
    assert result.refusal is not None
    assert (result.refusal.status, result.refusal.code) == (400, "400000000")
    line = describe(result)
    assert line.startswith("! send c1 failed: POST /voice/campaign: HTTP 400 code 400000000: ")
    assert "+306912345678" not in line
    assert line.endswith("Invalid recipient +30 •••••••• 78")  # reconciler.masking's form


def test_exhausted_resends_with_verified_dedupe_do_not_send_the_user_to_doctor() -> None:
    client = FakeRoutee(*[ServerError("POST /voice/campaign: HTTP 500", status=500)] * 4)
    report = execute([action(ActionKind.SEND)], session(client, verified=True), concurrency=1)
    message = held_message(report, PRODUCTION)
    assert "c1 (c1-abcdefgh): still in doubt after 3 re-sends under the same name" in message
    assert "campaigns doctor" not in message
    assert "`campaigns apply --workspace production` again later" in message


def test_an_unverified_hold_names_doctor_and_only_that_one() -> None:
    client = FakeRoutee(LOST, *[ServerError("HTTP 500", status=500)] * 4)
    actions = [action(ActionKind.SEND, "u1"), action(ActionKind.SEND, "x2")]
    unverified = execute(actions[:1], session(client, verified=False), concurrency=1)
    exhausted = execute(actions[1:], session(client, verified=True), concurrency=1)
    unverified.results.extend(exhausted.results)
    message = held_message(unverified, PRODUCTION)
    lines = message.splitlines()
    doctor = [x for x in lines if "campaigns doctor" in x]
    assert len(doctor) == 1 and "u1 (u1-abcdefgh)" in doctor[0] and "x2" not in doctor[0]
    again = next(x for x in lines if "again later" in x)
    assert "x2 (x2-abcdefgh)" in again and "u1" not in again


def test_a_credential_refused_mid_run_stops_the_apply_with_one_line() -> None:
    """A 401 after the client's token renewal stops the run: campaigns not started yet are
    counted, not failed one line each (the access check catches this before any send; this is a
    secret revoked while the apply runs)."""
    from reconciler.render.apply import render_report
    from reconciler.routee.errors import AuthFailed

    refused = AuthFailed(
        "Routee refused the application credentials (POST /oauth/token: HTTP 401: Bad "
        "credentials); check ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET",
        status=401,
    )
    client = FakeRoutee(Answer(), refused)
    actions = [action(ActionKind.SEND, f"c{n}") for n in range(1, 6)]
    report = execute(actions, session(client), concurrency=1)
    assert client.calls == ["POST c1-abcdefgh", "POST c2-abcdefgh"]  # nothing after the refusal
    assert [r.status for r in report.results] == [ResultStatus.DONE, ResultStatus.FAILED]
    assert report.not_started == 3 and report.stopped is not None
    out = io.StringIO()
    render_report(report, out)
    assert "refused the application credentials" not in out.getvalue()  # said on c2's line
    assert out.getvalue().endswith(
        "Stopped: Routee refused the credentials (see above); 3 campaign(s) not started: "
        "nothing was sent for them.\n"
    )
    with pytest.raises(ApplyFailed, match="3 campaign\\(s\\) not started"):
        raise_for_report(report, PRODUCTION)
