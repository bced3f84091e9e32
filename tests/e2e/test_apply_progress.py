"""apply's progress bar, seen as a user sees it: the real CLI with its stdout on a terminal (pty)."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from reconciler.cli.progress import ERASE_LINE
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import CAMPAIGNS_BIN, WORKSPACE, Project, assert_exactly_once


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    for index in range(3):
        made.declare(f"c{index}", number=index)
    return made


def apply_on_a_terminal(project: Project) -> tuple[int, str]:
    """Run ``campaigns apply --auto-approve`` with stdout on a pty; its exit code and output."""
    primary, secondary = pty.openpty()
    args = ["apply", "--auto-approve", "--dir", str(project.root), "--workspace", WORKSPACE]
    with subprocess.Popen(
        [str(CAMPAIGNS_BIN), *args],
        env={**os.environ, **project.env},
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.DEVNULL,
    ) as process:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait(timeout=60)
    os.close(primary)
    return code, b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_gets_a_bar_under_one_line_per_finished_action(project: Project) -> None:
    code, out = apply_on_a_terminal(project)
    assert code == 0, out
    assert f"{ERASE_LINE}[--------------------] 0/3" in out
    frames = [part for part in out.split(ERASE_LINE) if part.startswith("+ send c")]
    assert sorted(frame.split(" → ")[0] for frame in frames) == [
        "+ send c0",
        "+ send c1",
        "+ send c2",
    ]
    bars = [frame.split("\n", 1)[1] for frame in frames]
    assert bars[:2] == ["[######--------------] 1/3", "[#############-------] 2/3"]
    assert bars[2].startswith("[####################] 3/3\n")
    assert out.endswith(
        "[####################] 3/3\n"
        "Apply complete: 3 sent, 0 replaced, 0 cancelled, 0 forgotten, 0 failed, 0 held.\n"
    )
    assert_exactly_once(project)


def test_a_pipe_gets_the_lines_alone(project: Project) -> None:
    result = project.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "\r" not in result.output and "\x1b" not in result.output
    sends = [
        line for line in result.output.splitlines() if line.startswith("+ send c") and " → " in line
    ]
    assert len(sends) == 3
    assert result.output.endswith(
        "\nApply complete: 3 sent, 0 replaced, 0 cancelled, 0 forgotten, 0 failed, 0 held.\n"
    )
