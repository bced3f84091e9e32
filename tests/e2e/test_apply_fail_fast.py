"""Fail fast, once, with the reason (issue 12 item 4), and an apply that sent nothing changes
nothing (item 5): end to end against the sandbox over real sockets.

Timing is never asserted (the machine may be loaded): a dead endpoint is shown to be given up on
by counting its attempts, a refused secret by counting the lines that name it.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from pathlib import Path

import pytest

from reconciler.errors import ExitCode
from reconciler.routee.client import ACCESS_BUDGET_SECONDS
from reconciler.routee.retry import BACKOFF_BASE_SECONDS
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import WORKSPACE, Project, sandbox_campaigns


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    for index in range(3):
        made.declare(f"c{index}", number=index)
    return made


def state_bytes(project: Project) -> bytes:
    return (project.root / "state" / f"{WORKSPACE}.json").read_bytes()


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_secret_stops_the_apply_once_before_the_prompt(project: Project) -> None:
    before = state_bytes(project)
    project.env_overrides["ROUTEE_APPLICATION_SECRET"] = "wrong-secret"
    result = project.run("apply")  # no --auto-approve: it must stop before asking
    assert result.exit_code == ExitCode.ERROR, result.output
    assert result.output.count("refused the application credentials") == 1
    assert "Do you want to perform these actions" not in result.output
    assert "Error: nothing was sent, the state is unchanged: Routee refused" in result.output
    assert "HTTP 401" in result.output
    assert "! send" not in result.output  # not one line per campaign
    assert "wrong-secret" not in result.output
    assert state_bytes(project) == before
    assert not (project.root / "state" / f"{WORKSPACE}.journal").exists()
    assert sandbox_campaigns(project.sandbox) == []
    project.env_overrides.clear()
    fixed = project.run("apply", "--auto-approve")
    assert fixed.exit_code == 0, fixed.output
    assert len(sandbox_campaigns(project.sandbox)) == 3


@pytest.mark.parametrize("dead", ["ROUTEE_AUTH_URL", "ROUTEE_API_URL"])
def test_a_dead_endpoint_is_given_up_on_once_after_a_few_attempts(
    tmp_path: Path,
    sandbox_factory: SandboxFactory,
    caplog: pytest.LogCaptureFixture,
    dead: str,
) -> None:
    """Before: 32 retry lines in 52 s for one campaign (4 per campaign in 10 s on main at 877b618);
    now one check of the endpoint for the whole apply: at most 4 retries within the 10 s budget,
    then one error naming the URL that did not answer."""
    project = Project(tmp_path / "project", sandbox_factory())
    url = f"http://127.0.0.1:{free_port()}"
    project.env_overrides[dead] = url
    project.init()  # the state is bound to the (dead) API URL: init calls nothing
    for index in range(10):
        project.declare(f"c{index}", number=index)
    before = state_bytes(project)
    caplog.set_level(logging.WARNING, logger="reconciler.routee")
    result = project.run("apply", "--auto-approve")
    assert result.exit_code == ExitCode.ERROR, result.output
    retries = [r.getMessage() for r in caplog.records if "; retry " in r.getMessage()]
    operation = "POST /oauth/token" if dead == "ROUTEE_AUTH_URL" else "POST /voice/tracking"
    assert 1 <= len(retries) <= 4, retries
    assert all(line.startswith(f"{operation}: NotSent") for line in retries), retries
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert f"Routee did not answer at {url}/" in errors[0]
    assert "nothing was sent" in errors[0]
    assert "! send" not in result.output
    assert state_bytes(project) == before
    assert sandbox_campaigns(project.sandbox) == []
    assert ACCESS_BUDGET_SECONDS <= 10 and BACKOFF_BASE_SECONDS * (2**4 - 1) < 10


def test_a_failed_action_prints_routees_code_and_message_masked(project: Project) -> None:
    project.declare("unknown-contact", number=7, to=None, contacts=["abc123"])
    result = project.run("apply", "--auto-approve")
    assert result.exit_code == ExitCode.ERROR, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("! send unknown-contact"))
    assert line == (
        "! send unknown-contact failed: Routee refused its recipient analysis: "
        "POST /voice/analysis: HTTP 404 code 404002001: Contact abc123 not found"
    )
    assert "1 failed" in result.output
    assert len(sandbox_campaigns(project.sandbox)) == 3  # the others were sent


def test_the_json_result_carries_routees_code_and_message(project: Project) -> None:
    project.declare("unknown-contact", number=7, to=None, contacts=["abc123"])
    result = project.run("apply", "--auto-approve", "--format", "json")
    assert result.exit_code == ExitCode.ERROR, result.output
    data = json.loads(result.stdout)  # the plan and the lines went to stderr
    assert data["formatVersion"] == 1
    assert data["summary"] == {
        "sent": 3,
        "adopted": 0,
        "settled": 0,
        "replaced": 0,
        "cancelled": 0,
        "forgotten": 0,
        "trackedAgain": 0,
        "failed": 1,
        "held": 0,
        "notStarted": 0,
    }
    assert data["stopped"] is None
    failed = next(r for r in data["results"] if r["status"] == "failed")
    assert failed["id"] == "unknown-contact" and failed["action"] == "send"
    assert failed["outcome"] == "rejected"
    assert failed["routee"] == {
        "status": 404,
        "code": "404002001",
        "message": "Contact abc123 not found",
    }
    sent = [r for r in data["results"] if r["status"] == "done"]
    assert len(sent) == 3 and all(r["outcome"] == "accepted" and r["trackingId"] for r in sent)
    assert "! send unknown-contact failed" in result.stderr
    usage = project.run("apply", "--format", "json")
    assert usage.exit_code == ExitCode.ERROR
    assert "--format json needs --auto-approve or PLANFILE" in usage.output


def test_an_endpoint_that_accepts_and_never_answers_is_given_up_on_within_the_budget(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A socket that listens and never accepts: the connection opens (the kernel's backlog), the
    request is written, no answer ever comes. The one attempt's deadline is cut to the access
    check's budget (1 s here), not the configured 30 s timeout."""
    from reconciler.routee.client import RouteeClient
    from reconciler.routee.credentials import Credentials
    from reconciler.routee.errors import Unreachable

    caplog.set_level(logging.WARNING, logger="reconciler.routee")
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        url = f"http://127.0.0.1:{hung.getsockname()[1]}"
        with (
            RouteeClient(url, url, Credentials("app", "secret"), timeout=30.0) as client,
            pytest.raises(Unreachable) as caught,
        ):
            client.check_access(budget_seconds=1.0)
    message = str(caught.value)
    assert message.startswith(f"Routee did not answer at {url}/oauth/token (")
    # The attempt's deadline was what was left of the 1 s budget, not timeout_seconds (30 s).
    within = re.search(r"no complete answer within ([0-9.]+) s", message)
    assert within is not None and float(within.group(1)) <= 1.0, message
    assert [r for r in caplog.records if "; retry " in r.getMessage()] == []


def test_doctor_names_the_endpoint_it_called_and_labels_its_retries_with_it(
    tmp_path: Path, sandbox_factory: SandboxFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """doctor's probe read labelled a failing token fetch 'POST /voice/tracking'; now the retry
    lines and the error name the token endpoint that did not answer."""
    project = Project(tmp_path / "project", sandbox_factory())
    url = f"http://127.0.0.1:{free_port()}"
    project.env_overrides["ROUTEE_AUTH_URL"] = url
    project.init()
    caplog.set_level(logging.WARNING, logger="reconciler.routee")
    result = project.run("doctor", "--canary-to", "+306900000097")
    assert result.exit_code == ExitCode.ERROR, result.output
    retries = [r.getMessage() for r in caplog.records if "; retry " in r.getMessage()]
    assert retries and all(x.startswith("POST /oauth/token: NotSent") for x in retries), retries
    assert (
        f"Error: credentials or endpoint refused: Routee did not answer at {url}/oauth/token"
        in (result.output)
    )
    assert "ok   credentials" not in result.output
