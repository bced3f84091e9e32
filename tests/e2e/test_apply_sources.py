"""apply records what it loaded per file (State.sources); plan then skips unchanged files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.load.source import SourceFile, parse_yaml
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project


@pytest.fixture
def project(
    tmp_path: Path, sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch
) -> Project:
    monkeypatch.setenv("CAMPAIGNS_NO_CACHE", "1")  # a fresh clone: no parse cache
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    return made


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    files: list[str] = []

    def counting(source: SourceFile, text: str) -> SourceFile:
        files.append(source.rel)
        return parse_yaml(source, text)

    monkeypatch.setattr("reconciler.load.project.parse_yaml", counting)
    return files


def test_apply_records_sources_and_plan_parses_only_what_changed(
    project: Project, parsed: list[str]
) -> None:
    for index in range(3):
        project.declare(f"c{index}", number=index)
    assert project.run("apply", "--auto-approve").exit_code == 0
    state = project.state()
    assert sorted(state.sources) == [f"campaigns/c{index}.yaml" for index in range(3)]
    assert [c.id for c in state.sources["campaigns/c1.yaml"].campaigns] == ["c1"]
    parsed.clear()
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert parsed == []
    project.declare("c1", number=1, message={"text": "Changed", "language": "en-GB"})
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 2 and "replace c1" in plan.output
    assert parsed == ["campaigns/c1.yaml"]


def test_validate_always_parses_and_a_deleted_file_drops_out(
    project: Project, parsed: list[str]
) -> None:
    project.declare("c0")
    project.declare("c1", number=1)
    assert project.run("apply", "--auto-approve").exit_code == 0
    parsed.clear()
    validate = CliRunner().invoke(cli, ["validate", "--dir", str(project.root)])
    assert validate.exit_code == 0, validate.output
    assert sorted(parsed) == ["campaigns/c0.yaml", "campaigns/c1.yaml"]
    project.path("c1").unlink()
    forgot = project.run("apply", "--auto-approve")
    assert forgot.exit_code == 0 and "1 forgotten" in forgot.output
    assert sorted(project.state().sources) == ["campaigns/c0.yaml"]


def test_a_file_with_suppressed_numbers_is_taken_from_the_state_too(
    project: Project, parsed: list[str]
) -> None:
    numbers = ["+306912300000", "+306912300001", "+306912300002"]
    (project.root / "dnc.csv").write_text(f"{numbers[1]}\n")
    policy = '[policy]\ncalling_window = "00:00-24:00"\ncalling_days = "mon-sun"\n'
    project.configure(policy=policy + 'suppress = ["dnc.csv"]\n')
    project.declare("c0", to=numbers)
    assert project.run("apply", "--auto-approve").exit_code == 0
    [recorded] = project.state().sources["campaigns/c0.yaml"].campaigns
    assert recorded.dropped == [(1, numbers[1])]
    parsed.clear()
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert parsed == []  # rebuilt from the state: the submitted request, the number put back
    (project.root / "dnc.csv").write_text("")  # no longer suppressed: it is called again
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 2 and "-/+ replace c0" in plan.output, plan.output
    assert "recipients: 2 → 3 (+1/-0)" in plan.output
