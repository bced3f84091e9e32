"""No temporary file outlives a state write that a kill interrupted (issue 12 item 7, part).

A process is SIGKILLed between writing the state's temp file and renaming it into place (the
window a kill of an apply's final write hits). The next command that opens the workspace for
writing removes the temp file; read-only commands leave every file as it is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project

KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from reconciler.state import store
path = Path(sys.argv[1])
store._write_temp(path, store.render_state(store.load_state(path)))
os.kill(os.getpid(), signal.SIGKILL)
"""


def temps(state_dir: Path) -> list[str]:
    return sorted(p.name for p in state_dir.glob(".*.tmp"))


def test_the_next_command_removes_the_temp_file_of_a_killed_state_write(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("a", number=1)
    assert project.run("apply", "--auto-approve").exit_code == 0
    state_dir = project.root / "state"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, str(state_dir / "e2e.json")], check=False
    )
    assert killed.returncode == -9
    [left] = temps(state_dir)
    assert left.startswith(".e2e.json.")
    assert project.run("status").exit_code == 0
    assert project.run("plan").exit_code == 0
    assert temps(state_dir) == [left]  # read-only commands write and remove nothing
    again = project.run("apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert "removed 1 temporary file(s) left in" in again.output
    assert temps(state_dir) == []
