"""``make demo`` passes at any hour: its plan under a clock set to 03:00 on a Sunday and to noon
on a Wednesday (``CAMPAIGNS_NOW``, honoured for the sandbox only).

The demo's campaigns.toml opens every hour for the sandbox workspace (it rings no one); without
that table the same plan at 03:00 on a Sunday stops at the outside-window guard, which shows the
check is real.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
SUNDAY_3AM = "2026-11-29T03:00:00+00:00"
WEDNESDAY_NOON = "2026-12-02T12:00:00+00:00"
SANDBOX_TABLE = "[workspaces.sandbox.policy]"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    for name in ("campaigns", "suppressions"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "campaigns.toml", tmp_path / "campaigns.toml")
    return tmp_path


def run(root: Path, now: str, *args: str) -> Result:
    env = {"CAMPAIGNS_NOW": now, "CI": ""}
    return CliRunner().invoke(cli, [*args, "--sandbox", "--dir", str(root)], env=env)


@pytest.mark.parametrize("now", [SUNDAY_3AM, WEDNESDAY_NOON])
def test_the_demo_plans_and_applies_at_any_hour(demo: Path, now: str) -> None:
    planned = run(demo, now, "plan")
    assert planned.exit_code == 0, planned.output
    assert "outside-window: 0 (limit 0)\n" in planned.output
    assert "over the limit" not in planned.output
    assert "recipients: 5 − 1 suppressed = 4" in planned.output
    applied = run(demo, now, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 5 sent" in applied.output


def test_without_the_sandbox_table_sunday_3am_trips_the_window_guard(demo: Path) -> None:
    config = demo / "campaigns.toml"
    config.write_text(config.read_text().split(SANDBOX_TABLE)[0])
    sunday = run(demo, SUNDAY_3AM, "plan")
    # The two immediate examples: 3 Greek numbers at 05:00, 11 British ones at 03:00, Sunday.
    assert "outside-window: 14 (limit 0) - over the limit" in sunday.output, sunday.output
    assert run(demo, SUNDAY_3AM, "apply", "--auto-approve").exit_code == ExitCode.GUARD
    wednesday = run(demo, WEDNESDAY_NOON, "plan")
    assert "outside-window: 0 (limit 0)\n" in wednesday.output, wednesday.output
