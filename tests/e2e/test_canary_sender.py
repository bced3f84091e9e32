"""The dedupe canary is sent from the workspace's sender, never from the number it calls."""

from __future__ import annotations

from pathlib import Path

from reconciler.errors import ExitCode
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, sandbox_campaigns


def senders(project: Project) -> set[tuple[str, str]]:
    return {
        (c["request"]["from"], c["request"]["to"][0])
        for c in sandbox_campaigns(project.sandbox, canaries=True)
    }


def test_doctor_sends_from_canary_from(tmp_path: Path, sandbox_factory: SandboxFactory) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    (project.root / "campaigns" / "defaults.yaml").write_text('from: "+306900000005"\n')
    doctor = project.run("doctor")
    assert doctor.exit_code == 0, doctor.output
    assert senders(project) == {("+306900000001", "+306900000098")}  # canary_from wins


def test_a_sender_equal_to_the_number_called_is_refused(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory(), canary=False)
    project.configure(canary=False, canary_to="+306900000098", canary_from="306900000098")
    project.init()
    doctor = project.run("doctor")
    assert doctor.exit_code == ExitCode.ERROR, doctor.output
    assert (
        "the canary's sender 306900000098 is the number it calls: set canary_from in "
        "campaigns.toml [workspaces.e2e] to a sender of yours"
    ) in doctor.output
    assert sandbox_campaigns(project.sandbox, canaries=True) == []


def test_the_canary_apply_runs_by_itself_uses_the_defaults_sender(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory()
    project = Project(tmp_path / "p", sandbox, canary=False)
    project.configure(canary=False, canary_to="+306900000098")
    project.init()
    (project.root / "campaigns" / "defaults.yaml").write_text('from: "+306900000007"\n')
    project.declare("a", number=1)
    sandbox.options.lose_response_rate = 1.0  # the send is in doubt, so apply runs the canary
    applied = project.run("apply", "--auto-approve")
    assert "apply checked name dedupe with a canary to +306900000098" in applied.output
    canaries = [
        c
        for c in sandbox_campaigns(sandbox, canaries=True)
        if c["request"]["to"] == ["+306900000098"]
    ]
    assert canaries, applied.output
    assert {c["request"]["from"] for c in canaries} == {"+306900000007"}
