"""A forgotten campaign declared again is tracked again by apply (design.md 4), then can be
forgotten again: the re-track is a state-only journal record, folded like a forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, assert_exactly_once, sandbox_campaigns


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    return made


def test_a_redeclared_campaign_is_tracked_again_and_can_be_forgotten_again(
    project: Project,
) -> None:
    project.declare("keep", number=1)
    project.declare("back", number=2)
    assert project.run("apply", "--auto-approve").exit_code == 0
    saved = project.path("back").read_text()
    project.path("back").unlink()
    forgot = project.run("apply", "--auto-approve")
    assert forgot.exit_code == 0 and "1 forgotten" in forgot.output, forgot.output
    assert project.state().campaigns["back"].forgotten

    project.root.joinpath("campaigns", "moved").mkdir()
    project.root.joinpath("campaigns", "moved", "back.yaml").write_text(saved)
    planned = project.run("plan", "--format", "json")
    assert planned.exit_code == 0, planned.output
    actions = {a["id"]: a for a in json.loads(planned.stdout)["actions"]}
    assert actions["back"]["action"] == "no-op" and actions["back"]["retrack"] is True
    assert actions["keep"]["retrack"] is False
    text = project.run("plan", "--detailed-exitcode")  # a re-track alone is not a change
    assert text.exit_code == 0 and "back: no changes (tracked again" in text.output, text.output
    serial = project.state().serial
    assert project.state().campaigns["back"].forgotten  # plan stays read-only

    tracked = project.run("apply", "--auto-approve")
    assert tracked.exit_code == 0, tracked.output
    assert "state updated: 1 campaign(s) tracked again" in tracked.output
    assert "No changes" not in tracked.output
    state = project.state()
    assert state.serial == serial + 1
    assert not state.campaigns["back"].forgotten
    assert state.campaigns["back"].source == "campaigns/moved/back.yaml:1:1"
    assert "tracked again" not in project.run("plan").output
    assert "No changes" in project.run("apply", "--auto-approve").output
    assert project.state().serial == serial + 1

    project.root.joinpath("campaigns", "moved", "back.yaml").unlink()
    replanned = project.run("plan", "--detailed-exitcode")
    assert replanned.exit_code == 2 and "forget back" in replanned.output, replanned.output
    again = project.run("apply", "--auto-approve")
    assert again.exit_code == 0 and "1 forgotten" in again.output, again.output
    assert project.state().campaigns["back"].forgotten
    assert len(sandbox_campaigns(project.sandbox)) == 2
    assert_exactly_once(project)
