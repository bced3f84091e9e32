"""``campaigns plan`` opens the state before loading (to skip unchanged files) yet reports as before."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.main import cli

ENV = {"ROUTEE_API_URL": "http://127.0.0.1:9", "CAMPAIGNS_WORKSPACE": None}
INVALID = 'id: spring\nfrom: "+306900000000"\nto: ["+306912345678"]\nmessage: {text: Hi, language: en-GB}\n'


def test_invalid_declarations_are_reported_before_a_missing_state(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "spring.yaml").write_text(INVALID + "respectQuiteHours: true\n")
    result = CliRunner().invoke(cli, ["plan", "--dir", str(tmp_path)], env=ENV)
    assert result.exit_code == 1
    assert result.stderr.startswith("campaigns/spring.yaml:5:1: respectQuiteHours: unknown key")
    assert "campaigns init" not in result.stderr


def test_a_missing_state_is_still_the_error_when_declarations_are_valid(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "spring.yaml").write_text(INVALID)
    result = CliRunner().invoke(cli, ["plan", "--dir", str(tmp_path)], env=ENV)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "campaigns init" in result.stderr
