"""What a plan of unchanged applied files imports (design.md 9: a fresh clone, no cache).

The files are taken from the state's ``sources``, so nothing is parsed (no ruamel.yaml), no
journal is folded (no journal code), and without a suppression list or prices no phone number
is checked (no phonenumbers). Each is a real ``campaigns plan`` in a subprocess.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.state_fixture import write_applied_state
from tests.benchmarks.workloads import write_project

WATCHED = (
    "ruamel.yaml",
    "phonenumbers",
    "reconciler.state.journal",
    "reconciler.state.fold",
    "reconciler.models.journal",
    "reconciler.load.yaml_loader",
    "reconciler.gitrepo",
    "httpx",
)

PLAN = f"""
import atexit, sys
atexit.register(
    lambda: print("LOADED", sorted(m for m in {WATCHED!r} if m in sys.modules), file=sys.stderr)
)
sys.argv = ["campaigns", "plan", "--workspace", "bench"]
from reconciler.cli.main import main
main()
"""

INIT = "import sys; sys.argv = ['campaigns'] + sys.argv[1:]\nfrom reconciler.cli.main import main\nmain()"

PLAIN_CONFIG = "[workspaces.bench]\nmax_sends = 1000\n[policy]\nmax_calls = 2\nper_days = 7\n"


def _applied_project(root: Path, config: str | None) -> Path:
    write_project(root, 12, 3)
    if config is not None:
        (root / "campaigns.toml").write_text(config)
    subprocess.run(
        [sys.executable, "-c", INIT, "init", "--workspace", "bench"],
        cwd=root,
        capture_output=True,
        check=True,
        timeout=60,
    )
    write_applied_state(root, "bench")
    return root


def _plan(root: Path) -> tuple[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PLAN],
        cwd=root,
        env={**os.environ, "CAMPAIGNS_NO_CACHE": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = next(line for line in out.stderr.splitlines() if line.startswith("LOADED"))
    return out.stdout, ast.literal_eval(loaded.removeprefix("LOADED "))


def test_an_applied_plan_parses_nothing_and_folds_nothing(tmp_path: Path) -> None:
    """The benchmark's configuration: a suppression list and prices (their numbers and country
    codes are checked, so phonenumbers is needed), every declaration applied."""
    stdout, loaded = _plan(_applied_project(tmp_path, None))
    assert "No changes. 12 campaigns up to date." in stdout
    assert loaded == ["phonenumbers"]


def test_without_numbers_to_check_an_applied_plan_imports_no_phonenumbers(
    tmp_path: Path,
) -> None:
    stdout, loaded = _plan(_applied_project(tmp_path, PLAIN_CONFIG))
    assert "No changes. 12 campaigns up to date." in stdout
    assert loaded == []


def test_an_edited_file_is_parsed(tmp_path: Path) -> None:
    """The other side: a changed file is parsed (ruamel.yaml), so the test above could fail."""
    root = _applied_project(tmp_path, PLAIN_CONFIG)
    path = next((root / "campaigns").glob("*.yaml"))
    path.write_text(path.read_text().replace("Reminder number", "Reminder no"))
    stdout, loaded = _plan(root)
    assert "1 to replace" in stdout
    assert "ruamel.yaml" in loaded
