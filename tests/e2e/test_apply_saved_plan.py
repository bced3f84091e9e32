"""apply PLANFILE checks the plan file before it asks for credentials or connects anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import WORKSPACE, Project, sandbox_campaigns


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    return made


def offline(project: Project, *args: str) -> Result:
    """The CLI with no ROUTEE_* variable at all: no credentials, no endpoint override."""
    env: dict[str, str | None] = {name: None for name in project.env if name.startswith("ROUTEE_")}
    env["CI"] = ""  # as in Project.env: no commit trailers (the project is not a git repository)
    return CliRunner().invoke(
        cli, [*args, "--dir", str(project.root), "--workspace", WORKSPACE], env=env
    )


def test_a_stale_plan_is_refused_before_credentials_are_needed(
    project: Project, tmp_path: Path
) -> None:
    project.declare("a", number=1)
    plan_file = tmp_path / "plan.json"
    assert project.run("plan", "--out", str(plan_file)).exit_code == 0
    assert project.run("apply", "--auto-approve").exit_code == 0  # the state moves on
    stale = offline(project, "apply", str(plan_file))
    assert stale.exit_code == 1, stale.output
    assert "the state moved from serial 0 to 1 since this plan was made" in stale.output
    assert "ROUTEE_APPLICATION" not in stale.output
    assert len(sandbox_campaigns(project.sandbox)) == 1


def test_a_missing_or_edited_plan_file_is_refused_before_credentials_are_needed(
    project: Project, tmp_path: Path
) -> None:
    missing = offline(project, "apply", str(tmp_path / "nope.json"))
    assert missing.exit_code == 1
    assert "nope.json: no such plan file" in missing.output
    project.declare("a", number=1)
    plan_file = tmp_path / "plan.json"
    assert project.run("plan", "--out", str(plan_file)).exit_code == 0
    plan_file.write_text(plan_file.read_text().replace('"revision": 1', '"revision": 7', 1))
    edited = offline(project, "apply", str(plan_file))
    assert edited.exit_code == 1 and "checksum mismatch" in edited.output, edited.output
    assert "ROUTEE_APPLICATION" not in edited.output


def test_a_current_plan_still_needs_credentials_and_applies_with_them(
    project: Project, tmp_path: Path
) -> None:
    project.declare("a", number=1)
    plan_file = tmp_path / "plan.json"
    assert project.run("plan", "--out", str(plan_file)).exit_code == 0
    refused = offline(project, "apply", str(plan_file))
    assert refused.exit_code == 1 and "ROUTEE_APPLICATION_ID" in refused.output, refused.output
    applied = project.run("apply", str(plan_file))
    assert applied.exit_code == 0, applied.output
    assert len(sandbox_campaigns(project.sandbox)) == 1
