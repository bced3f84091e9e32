"""docs/getting-started.md, walked literally: every ``sh`` block of a path, in order, in one shell.

Path A runs in a clone of this repository; its ``make`` finds the project's virtualenv already
built (``VENV``/``STAMP`` given to make through ``MAKEFLAGS``, so nothing is downloaded). Path B runs
in an empty directory with the tool installed from the wheel of this checkout (``pip`` finds it
through ``PIP_FIND_LINKS``: :mod:`tests.e2e.installed`); ``yes`` is typed at every prompt.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler import __version__
from tests.e2e.installed import ROOT, Toolbox

DOC = ROOT / "docs" / "getting-started.md"
CLONE_URL = "https://github.com/routee-campaigns/routee-campaigns.git"

pytestmark = pytest.mark.slow


def sh_blocks(path: str) -> list[str]:
    """The ``sh`` blocks of the doc's section ``## {path}. ...``."""
    sections = re.split(r"^## ", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    [section] = [s for s in sections if s.startswith(f"{path}. ")]
    return re.findall(r"^```sh\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)


def walk(script: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        input="yes\n" * 5,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def test_path_a_the_demo_from_a_clone(tmp_path: Path) -> None:
    blocks = sh_blocks("A")
    assert blocks, "path A has no sh block"
    script = "\n".join(blocks)
    assert CLONE_URL in script
    venv = Path(sys.prefix)
    stamp = tmp_path / "installed"
    stamp.touch()
    future = stamp.stat().st_mtime + 3600  # newer than the clone's pyproject.toml
    os.utime(stamp, (future, future))
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "MAKEFLAGS": f"VENV={venv} STAMP={stamp}",
        "LANG": "C.UTF-8",
    }
    origin = tmp_path / "origin" / "routee-campaigns"  # this checkout, under the URL's name
    origin.parent.mkdir()
    origin.symlink_to(ROOT)
    work = tmp_path / "work"
    work.mkdir()
    output = walk(script.replace(CLONE_URL, str(origin)), work, env)
    clone = work / "routee-campaigns"
    assert "Apply complete:" in output
    assert output.count("No changes") >= 2  # the second demo: plan and apply send nothing
    assert (clone / "state" / "sandbox.json").is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""  # the demo leaves only git-ignored files behind


def test_path_b_a_campaigns_repository_of_ones_own(tmp_path: Path, installable: Toolbox) -> None:
    blocks = sh_blocks("B")
    assert len(blocks) >= 4
    script = "\n".join(blocks)
    assert f"routee-campaigns=={__version__}" in script  # the doc installs this very version
    output = walk(script, tmp_path, installable.env)
    repo = tmp_path / "voice-campaigns"
    assert f"campaigns, version {__version__}" in output
    assert "  created    .github/workflows/apply.yml" in output
    assert "1 campaign, 2 recipients, all valid" in output
    assert "+ send example-reminder" in output
    assert "Apply complete: 1 sent" in output
    assert "No changes" in output
    assert f"campaigns: project root {repo.resolve()}" in output  # from campaigns/
    assert "+ send first-reminder" in output
    assert "No submissions recorded" in output
    log = subprocess.run(
        ["git", "log", "--format=%s", "--name-only"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env=installable.env,
    ).stdout
    assert "Set up a campaigns repository" in log and "First reminder" in log
    tracked = set(log.split())
    assert {"state/production.json", "campaigns.toml", ".github/workflows/plan.yml"} <= tracked
    assert "state/sandbox.json" not in tracked and "campaigns/example.yaml" not in tracked
