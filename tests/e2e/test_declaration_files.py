"""Declaration files as users lay them out: a symlinked ``campaigns/``, upper-case suffixes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from tests.e2e.project import FUTURE

DECLARATION = f"""\
id: reminder
from: "+306900000000"
toFile: lists/patients.csv
message: {{text: "Your appointment is tomorrow", language: en-GB}}
scheduledDate: "{FUTURE}"
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--sandbox", "--dir", str(root)], env={"CI": ""})


def test_symlinked_campaigns_and_a_rename_to_upper_case_change_nothing(tmp_path: Path) -> None:
    shared = tmp_path / "shared-campaigns"
    (shared / "lists").mkdir(parents=True)
    (shared / "lists" / "patients.csv").write_text("number\n+306912345001\n+306912345002\n")
    (shared / "reminder.yaml").write_text(DECLARATION)
    root = tmp_path / "project"
    root.mkdir()
    (root / "campaigns").symlink_to(shared, target_is_directory=True)

    applied = run(root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "+ send reminder" in applied.output

    (shared / "reminder.yaml").rename(shared / "reminder.YAML")
    planned = run(root, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes. 1 campaign up to date." in planned.output

    (shared / "lists" / "patients.csv").write_text("number\n+306912345009\n")
    changed = run(root, "plan", "--detailed-exitcode")
    assert changed.exit_code == 2, changed.output
    assert "campaigns/reminder.YAML" in changed.output
