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


def test_from_a_subdirectory_the_project_root_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "a.yaml").write_text("id: a\n")
    sub = tmp_path / "docs"
    sub.mkdir()
    monkeypatch.chdir(sub)
    code, output = run("plan", "--sandbox")
    root = tmp_path.resolve()
    assert code == 1
    assert output == (
        f"Error: no campaigns/ directory in {root / 'docs'}: run from the project root or pass "
        f"--dir DIR (the parent directory {root} has campaigns/: --dir {root})\n"
    )
    assert list(sub.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaigns", "docs"]
