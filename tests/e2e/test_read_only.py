"""Read-only commands only read (issue 12 item 9): status, plan, log and validate create no file,
take no lock, and a running apply does not block them: they show the state as last written.

The parse cache (``.campaigns-cache/``) is left out of the file comparisons: where it lives is
decided elsewhere (it moves out of the project).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project

CACHE = ".campaigns-cache"
READ_ONLY = [["status"], ["plan"], ["log"], ["validate"]]


def tree(root: Path) -> dict[str, bytes]:
    """Every file (with its bytes) and directory under ``root``, the parse cache left out."""
    found = [p for p in sorted(root.rglob("*")) if CACHE not in p.relative_to(root).parts]
    return {
        p.relative_to(root).as_posix() + ("/" if p.is_dir() else ""): (
            b"" if p.is_dir() else p.read_bytes()
        )
        for p in found
    }


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--dir", str(root)])
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("args", READ_ONLY)
@pytest.mark.parametrize("valid", [True, False])
def test_sandbox_read_only_commands_create_nothing(
    tmp_path: Path, args: list[str], valid: bool
) -> None:
    (tmp_path / "campaigns").mkdir()
    text = (
        'id: a\nfrom: "+306900000000"\nto: ["+306910000001"]\nmessage: {text: Hi, language: en-GB}\n'
        if valid
        else "id: a\nto: [unclosed\n"
    )
    (tmp_path / "campaigns" / "a.yaml").write_text(text)
    before = tree(tmp_path)
    flags = [] if args == ["validate"] else ["--sandbox"]
    run(tmp_path, *args, *flags)
    assert tree(tmp_path) == before
    assert not (tmp_path / "state").exists() and not (tmp_path / ".sandbox").exists()


def test_plan_and_status_of_a_fresh_sandbox_say_what_creates_the_state(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "a.yaml").write_text(
        'id: a\nfrom: "+306900000000"\nto: ["+306910000001"]\nmessage: {text: Hi, language: en-GB}\n'
    )
    planned = run(tmp_path, "plan", "--sandbox")
    assert "+ send a" in planned
    assert "does not exist yet: `campaigns apply --sandbox` creates it" in planned
    assert "No campaigns in" in run(tmp_path, "status", "--sandbox")


def test_a_running_apply_blocks_no_read_only_command(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(latency_ms=250)
    project = Project(tmp_path / "p", sandbox)
    project.init()
    project.declare("first", number=0)
    assert project.run("apply", "--auto-approve").exit_code == 0
    for index in range(1, 6):
        project.declare(f"c{index}", number=index)
    state_file = project.root / "state" / "e2e.json"
    written = state_file.read_bytes()
    lock = project.root / "state" / "e2e.lock"
    proc = project.spawn("apply", "--auto-approve", "--concurrency", "1")
    try:
        deadline = time.monotonic() + 20
        while not (lock.exists() and lock.read_text().strip()):
            assert time.monotonic() < deadline, "the apply never took its lock"
            time.sleep(0.02)
        status = project.run("status")
        planned = project.run("plan")
        assert lock.exists(), "the apply ended too soon for this test"
    finally:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    for result in (status, planned):
        assert result.exit_code == 0, result.output
        assert "locked" not in result.output
        assert "apply is running on this workspace" in result.output
        assert "showing the state as last written (serial 1)" in result.output
    assert "first" in status.output
    assert "+ send c1" in planned.output
    assert state_file.read_bytes() != written  # the apply wrote; the readers did not block it
    assert len(project.state().campaigns) == 6


def test_a_leftover_journal_is_shown_folded_but_left_for_the_next_apply(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("a", number=1)
    state_file = project.root / "state" / "e2e.json"
    before = state_file.read_bytes()
    assert project.run("apply", "--auto-approve").exit_code == 0
    after = project.state()
    sub = after.campaigns["a"].submissions[0]
    journal = project.root / "state" / "e2e.journal"
    lineage = after.lineage
    # As if the apply was killed after its answer was journalled but before the state write.
    state_file.write_bytes(before)
    journal.write_text(
        f'{{"type":"header","lineage":"{lineage}","baseSerial":0,"startedAt":"t"}}\n'
        f'{{"type":"submit","key":"k1","id":"a","seq":1,"revision":1,'
        f'"submissionName":"{sub.submission_name}","specHash":"{sub.spec_hash}",'
        f'"declHash":"{sub.decl_hash}","request":{json.dumps(sub.request)},"at":"t"}}\n'
        f'{{"type":"outcome","key":"k1","outcome":"accepted","trackingId":"{sub.tracking_id}",'
        '"at":"t"}\n'
    )
    files = tree(project.root)
    status = project.run("status")
    planned = project.run("plan")
    assert tree(project.root) == files  # nothing written, journal kept
    for result in (status, planned):
        assert result.exit_code == 0, result.output
        assert "is folded in memory for this view" in result.output
    assert sub.tracking_id is not None and sub.tracking_id in status.output
    assert "No changes" in planned.output
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert not journal.exists()
    assert project.state().campaigns["a"].submissions[0].tracking_id == sub.tracking_id
