"""Commands run where there is no ``campaigns/``: a clear error, and nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

ENV = {"ROUTEE_API_URL": "http://127.0.0.1:9", "CAMPAIGNS_WORKSPACE": None, "CI": ""}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=ENV)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["plan"],
        ["plan", "--sandbox"],
        ["plan", "--sandbox", "--refresh"],
        ["apply", "--sandbox", "--auto-approve"],
        ["apply", "--workspace", "production", "--auto-approve"],
    ],
    ids=" ".join,
)
def test_no_campaigns_directory_creates_nothing_and_says_what_to_do(
    tmp_path: Path, command: list[str]
) -> None:
    code, output = run(*command, "--dir", str(tmp_path))
    assert (code, output) == (
        1,
        f"Error: no campaigns/ directory in {tmp_path}: run from the project root or pass "
        "--dir DIR\n",
    )
    assert list(tmp_path.iterdir()) == []  # no state/sandbox.json, no .sandbox/


def run_split(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def _project(root: Path) -> None:
    (root / "campaigns" / "sub").mkdir(parents=True)
    (root / "campaigns" / "a.yaml").write_text(
        'id: a\nfrom: "+306900000000"\nto: ["+306912345678"]\nmessage: {text: hi, language: en-GB}\n'
    )


@pytest.mark.parametrize("below", ["docs", "campaigns", "campaigns/sub"])
def test_from_a_subdirectory_the_root_is_found_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, below: str
) -> None:
    _project(tmp_path)
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / below)
    root = tmp_path.resolve()
    code, out, err = run_split("plan", "--sandbox")
    assert code == 0, err
    assert err.splitlines()[0] == f"campaigns: project root {root}"
    assert "+ send a  campaigns/a.yaml:1:1" in out
    # plan only reads: it names the root's sandbox state, and creates it nowhere
    assert f"{root / 'state' / 'sandbox.json'} does not exist yet" in err
    assert not (root / "state").exists() and not (root / below / "state").exists()
    code, out, err = run_split("validate")
    assert (code, out, err) == (
        0,
        "1 campaign, 1 recipient, all valid\n",
        f"campaigns: project root {root}\n",
    )


def test_at_the_root_nothing_is_added_to_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run_split("validate") == (0, "1 campaign, 1 recipient, all valid\n", "")


def test_campaigns_toml_alone_marks_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "campaigns.toml").write_text("")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, _out, err = run_split("init", "--workspace", "production")
    assert code == 0, err
    assert (tmp_path / "state" / "production.json").is_file()
    assert err == f"campaigns: project root {tmp_path.resolve()}\n"


def test_dir_wins_over_the_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path / "here")
    _project(tmp_path / "there")
    monkeypatch.chdir(tmp_path / "here" / "campaigns")
    code, _, err = run_split("init", "--sandbox", "--dir", str(tmp_path / "there"))
    assert (code, err) == (0, "")
    assert (tmp_path / "there" / "state" / "sandbox.json").is_file()
    assert not (tmp_path / "here" / "state").exists()


def test_the_walk_stops_at_the_top_of_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    repository = tmp_path / "other-repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "src").mkdir()
    monkeypatch.chdir(repository / "src")
    here = (repository / "src").resolve()
    code, output = run("plan", "--sandbox")
    assert (code, output) == (
        1,
        f"Error: no campaigns/ directory in {here}: run from the project root or pass --dir DIR "
        f"(the parent directory {tmp_path.resolve()} has campaigns/: --dir {tmp_path.resolve()})\n",
    )
    assert sorted(p.name for p in repository.iterdir()) == [".git", "src"]
