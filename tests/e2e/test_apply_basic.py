"""Apply end to end against the sandbox over real sockets: sends, changes, guards, saved plans."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from reconciler.errors import ExitCode
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, assert_exactly_once, name_counts, sandbox_campaigns


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    return made


def test_apply_sends_each_once_and_a_second_apply_sends_nothing(project: Project) -> None:
    for index in range(3):
        project.declare(f"c{index}", number=index)
    first = project.run("apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    assert "Apply complete: 3 sent, 0 replaced, 0 cancelled, 0 forgotten, 0 failed, 0 held." in (
        first.output
    )
    assert "+ send c0 → c0-" in first.output
    second = project.run("apply", "--auto-approve")
    assert second.exit_code == 0, second.output
    assert "No changes" in second.output
    assert len(sandbox_campaigns(project.sandbox)) == 3
    assert_exactly_once(project)
    assert project.state().serial == 1


def test_apply_without_approval_is_cancelled(project: Project) -> None:
    project.declare("c0")
    result = project.run("apply", input="no\n")
    assert result.exit_code == 1
    assert "Apply cancelled" in result.output
    assert sandbox_campaigns(project.sandbox) == []
    approved = project.run("apply", input="yes\n")
    assert approved.exit_code == 0, approved.output
    assert len(sandbox_campaigns(project.sandbox)) == 1


def test_replace_cancels_the_old_one_and_resend_and_forget(project: Project) -> None:
    project.declare("sched", number=1)
    project.declare("now", number=2, scheduledDate=None)
    assert project.run("apply", "--auto-approve").exit_code == 0
    project.declare("sched", number=1, message={"text": "Changed", "language": "en-GB"})
    replaced = project.run("apply", "--auto-approve")
    assert replaced.exit_code == 0, replaced.output
    assert "1 replaced" in replaced.output
    listing = {c["campaignName"]: c for c in sandbox_campaigns(project.sandbox)}
    old, new = project.state().campaigns["sched"].submissions
    assert listing[old.submission_name]["cancelled"] is True
    assert listing[new.submission_name]["cancelled"] is False
    # A sent (not scheduled) campaign cannot be edited: a plan error, nothing sent.
    project.declare("now", number=2, scheduledDate=None, message={"text": "X", "language": "en-GB"})
    refused = project.run("apply", "--auto-approve")
    assert refused.exit_code == 1
    assert "revision" in refused.output
    project.declare(
        "now", number=2, scheduledDate=None, revision=2, message={"text": "X", "language": "en-GB"}
    )
    resent = project.run("apply", "--auto-approve")
    assert resent.exit_code == 0, resent.output
    assert "1 sent" in resent.output
    before = len(sandbox_campaigns(project.sandbox))
    project.path("sched").unlink()
    forgot = project.run("apply", "--auto-approve")
    assert forgot.exit_code == 0, forgot.output
    assert "1 forgotten" in forgot.output
    assert len(sandbox_campaigns(project.sandbox)) == before
    assert project.state().campaigns["sched"].forgotten
    assert_exactly_once(project)


def test_a_guard_stops_everything_until_the_number_is_echoed(project: Project) -> None:
    project.configure(max_sends=1)
    project.declare("a", number=1)
    project.declare("b", number=2)
    stopped = project.run("apply", "--auto-approve")
    assert stopped.exit_code == ExitCode.GUARD, stopped.output
    assert "--allow-sends 2" in stopped.output
    assert sandbox_campaigns(project.sandbox) == []
    wrong = project.run("apply", "--auto-approve", "--allow-sends", "3")
    assert wrong.exit_code == ExitCode.GUARD
    allowed = project.run("apply", "--auto-approve", "--allow-sends", "2")
    assert allowed.exit_code == 0, allowed.output
    assert len(sandbox_campaigns(project.sandbox)) == 2


def test_a_saved_plan_applies_once_then_is_stale(project: Project, tmp_path: Path) -> None:
    project.declare("a", number=1)
    plan_file = tmp_path / "plan.json"
    planned = project.run("plan", "--out", str(plan_file))
    assert planned.exit_code == 0, planned.output
    first = project.run("apply", str(plan_file))
    assert first.exit_code == 0, first.output
    again = project.run("apply", str(plan_file))
    assert again.exit_code == 1
    assert "serial" in again.output
    assert len(sandbox_campaigns(project.sandbox)) == 1


def test_a_lost_journal_sends_nothing_twice(project: Project) -> None:
    for index in range(3):
        project.declare(f"c{index}", number=index)
    state_file = project.root / "state" / "e2e.json"
    before = state_file.read_bytes()
    assert project.run("apply", "--auto-approve").exit_code == 0
    # The machine died: neither its journal nor its state write survived.
    state_file.write_bytes(before)
    again = project.run("apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    lines = again.output.splitlines()
    assert sum(x.startswith("+ send") and "spec unverified" in x for x in lines) == 3
    # All three were adopted by 409, none was sent now (it said "3 sent" before).
    assert (
        "Apply complete: 0 sent, 3 adopted (409: a campaign of that name existed), 0 replaced"
        in (again.output)
    )
    assert sum(name_counts(project.sandbox).values()) == 3
    assert_exactly_once(project)


def test_status_refresh_and_import(project: Project) -> None:
    project.declare("a", number=1, scheduledDate=None)
    assert project.run("apply", "--auto-approve").exit_code == 0
    httpx.post(f"{project.sandbox.base_url}/_sandbox/clock", json={"advanceSeconds": 3600})
    planned = project.run("plan", "--refresh")
    assert planned.exit_code == 0, planned.output
    assert "Refreshed 1 submission(s)" in planned.output
    refreshed = project.run("refresh")
    assert refreshed.exit_code == 0, refreshed.output
    status = project.run("status")
    assert status.exit_code == 0
    assert "Sent" in status.output
    assert project.state().campaigns["a"].last.statuses  # type: ignore[union-attr]
    again = project.run("refresh")
    assert "Refreshed 0 submission(s)" in again.output  # finished: never read again
    project.declare("b", number=2)
    refused = project.run("import", "a", "--tracking-id", "x")
    assert refused.exit_code == 1
    assert "already tracked" in refused.output


def test_doctor_checks_credentials_and_endpoint_before_asking_for_a_canary(
    project: Project,
) -> None:
    project.configure(canary=False)
    doctor = project.run("doctor")
    assert doctor.exit_code == ExitCode.ERROR, doctor.output
    base = project.sandbox.base_url
    assert f"ok   credentials: token obtained from {base}/oauth/token" in doctor.output
    assert f"ok   endpoint: POST {base}/voice/tracking answered" in doctor.output
    assert "ok   state: " in doctor.output
    assert "Error: name dedupe not checked: no canary number. Pass --canary-to NUMBER" in (
        doctor.output
    )
    assert sandbox_campaigns(project.sandbox) == []
    no_sender = project.run("doctor", "--canary-to", "+306900000097")
    assert no_sender.exit_code == ExitCode.ERROR, no_sender.output
    assert (
        "Error: name dedupe not checked: no sender for the canary: set canary_from in "
        "campaigns.toml [workspaces.e2e], or from in campaigns/defaults.yaml"
    ) in no_sender.output
    assert sandbox_campaigns(project.sandbox, canaries=True) == []
    (project.root / "campaigns" / "defaults.yaml").write_text('from: "+306900000005"\n')
    verified = project.run("doctor", "--canary-to", "+306900000097")
    assert verified.exit_code == 0, verified.output
    assert "ok   name dedupe verified" in verified.output
    assert project.state().dedupe.verified
    canaries = sandbox_campaigns(project.sandbox, canaries=True)
    assert {(c["request"]["from"], tuple(c["request"]["to"])) for c in canaries} == {
        ("+306900000005", ("+306900000097",))
    }


def test_apply_refuses_a_copy_of_a_sent_campaign_naming_it_once(project: Project) -> None:
    project.declare("original", number=5)
    assert project.run("apply", "--auto-approve").exit_code == 0
    copy = json.loads(project.path("original").read_text()) | {"id": "copy"}
    project.path("copy").write_text(json.dumps(copy))
    refused = project.run("apply", "--auto-approve")
    assert refused.exit_code == ExitCode.ERROR, refused.output
    line = next(x for x in refused.output.splitlines() if "is a copy of original" in x)
    assert line.startswith("campaigns/copy.yaml:1:1: copy is a copy of original, already sent as")
    assert line.count("campaigns/copy.yaml") == 1
    assert len(sandbox_campaigns(project.sandbox)) == 1
