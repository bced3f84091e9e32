"""The CLI says exactly the same with the load spread over worker processes and without."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from reconciler.load.workers import JOBS_ENV
from tests.benchmarks.workloads import write_project
from tests.e2e.project import CAMPAIGNS_BIN

#: What differs between two runs of the same plan whatever the load: the clock and the random
#: suffix of a sandbox submission name.
_VOLATILE = re.compile(r'"generatedAt": "[^"]*"|-[a-z0-9]{8} \(seq')

COMMANDS = [
    ["validate"],
    ["plan", "--workspace", "bench"],
    ["plan", "--workspace", "bench", "--format", "json"],
    ["plan", "--workspace", "bench", "--format", "markdown"],
    ["plan", "--sandbox"],  # an in-process sandbox thread: never forks, same answer
]


def run(root: Path, jobs: str, command: list[str]) -> tuple[int, str, str]:
    env = os.environ | {JOBS_ENV: jobs, "CAMPAIGNS_NO_CACHE": "1", "NO_COLOR": "1", "CI": ""}
    env |= {"CAMPAIGNS_NOW": "2030-01-01T00:00:00Z"} if "--sandbox" in command else {}
    command = [str(CAMPAIGNS_BIN), *command]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    return done.returncode, _VOLATILE.sub("~", done.stdout), _VOLATILE.sub("~", done.stderr)


def project(root: Path, broken: bool) -> Path:
    write_project(root, 240, 3)
    subprocess.run([str(CAMPAIGNS_BIN), "init", "--workspace", "bench"], cwd=root, check=True)
    folder = root / "campaigns"
    (folder / "lists").mkdir()
    (folder / "lists" / "extra.csv").write_text("number\n+306981234567\n")
    text = (folder / "bench-00100.yaml").read_text()
    (folder / "bench-00100.yaml").write_text(
        text.replace("to:\n", "toFile: lists/extra.csv\nto:\n")
    )
    (folder / "defaults.yaml").write_text("respectQuietHours: true\n")
    if broken:
        (folder / "bench-00003.yaml").write_text("id: [unclosed\n")
        duplicate = (folder / "bench-00007.yaml").read_text().replace("00007", "00230")
        (folder / "bench-00007.yaml").write_text(duplicate)
        bad = (folder / "bench-00120.yaml").read_text().replace("+30694", "+3069", 1)
        (folder / "bench-00120.yaml").write_text(bad)
    return root


@pytest.mark.parametrize("broken", [False, True], ids=["valid", "broken"])
def test_output_is_the_same_with_and_without_worker_processes(tmp_path: Path, broken: bool) -> None:
    root = project(tmp_path, broken)
    for command in COMMANDS:
        serial = run(root, "1", command)
        assert serial[0] == (1 if broken else 0), serial
        assert run(root, "4", command) == serial, command
        assert run(root, "auto", command) == serial, command
    if broken:
        assert "duplicate id 'bench-00230'" in run(root, "4", ["validate"])[1]


def test_a_bad_jobs_setting_is_a_clear_error(tmp_path: Path) -> None:
    root = project(tmp_path, False)
    code, _, stderr = run(root, "many", ["validate"])
    assert code == 1
    assert "CAMPAIGNS_JOBS='many': expected 'auto' or a whole number" in stderr
