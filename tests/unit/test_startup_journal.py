"""Startup cost of plan and status: the journal and its fold are imported only when a journal is
there to fold (a killed apply left one), not by every command that reads a state (design.md 9).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

JOURNAL_MODULES = ("reconciler.state.journal", "reconciler.state.fold", "reconciler.models.journal")

SCRIPT = """
import sys
from pathlib import Path

from reconciler.config import load_config
from reconciler.state.errors import StateError
from reconciler.state.store import create_state, journal_path, new_state, state_path
from reconciler.state.workspace import read_workspace

root = Path(sys.argv[1])
config = load_config(root)
workspace = config.workspace("w")
create_state(state_path(config, "w"), new_state("w", workspace.api_url, workspace.auth_url))
if sys.argv[2] == "journal":
    journal_path(config, "w").write_text("not a journal\\n")
try:
    read_workspace(config, workspace)
except StateError:
    pass
print(sorted(m for m in {modules!r} if m in sys.modules))
"""


def _loaded(tmp_path: Path, journal: str) -> str:
    script = SCRIPT.format(modules=JOURNAL_MODULES)
    imports = "import reconciler.cli.commands.plan, reconciler.cli.commands.status\n"
    out = subprocess.run(
        [sys.executable, "-c", imports + script, str(tmp_path), journal],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


def test_reading_a_state_without_a_journal_imports_no_journal_code(tmp_path: Path) -> None:
    assert _loaded(tmp_path, "none") == "[]"


def test_a_journal_left_behind_still_gets_folded_code(tmp_path: Path) -> None:
    assert _loaded(tmp_path, "journal") == str(sorted(JOURNAL_MODULES))
