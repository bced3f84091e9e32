"""``campaigns --help`` names every environment variable the tool reads."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import reconciler
from reconciler.cli.main import cli

#: Read as a command option's ``envvar``: that command's ``--help`` shows it beside the option.
OPTION_ONLY = {"CAMPAIGNS_APPLY_OUTCOME"}


def variables_read() -> set[str]:
    """Every ``CAMPAIGNS_*`` or ``ROUTEE_*`` name written in the package's source."""
    root = Path(reconciler.__file__).parent
    found: set[str] = set()
    for path in root.rglob("*.py"):
        found.update(re.findall(r"\b(?:CAMPAIGNS|ROUTEE)_[A-Z_]+\b", path.read_text()))
    return found


def test_the_top_level_help_lists_every_environment_variable() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    environment = result.output.split("Environment:", 1)[1]
    listed = set(re.findall(r"\b(?:CAMPAIGNS|ROUTEE)_[A-Z_]+\b", environment))
    read = variables_read()
    assert {"CAMPAIGNS_JOBS", "CAMPAIGNS_STATE_KEY", "ROUTEE_APPLICATION_SECRET"} <= read
    assert read - OPTION_ONLY == listed
