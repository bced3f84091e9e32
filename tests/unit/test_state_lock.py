"""Workspace lock: exclusive, dies with its process (kill -9), describes its holder, force-unlock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.state.errors import LockHeld, StateError
from reconciler.state.lock import WorkspaceLock, force_unlock, read_lock_info

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from reconciler.state.lock import WorkspaceLock
    with WorkspaceLock(Path(sys.argv[1]), "apply") as lock:
        print(lock.id, flush=True)
        time.sleep(30)
    """
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Another process holding state/w.lock; yields it and its lock id."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "w.lock")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert proc.stdout is not None
        lock_id = proc.stdout.readline().strip()  # the child prints once it holds the lock
        assert lock_id, "holder process did not take the lock"
        yield proc, lock_id
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()


def test_lock_writes_info_and_removes_file_on_release(tmp_path: Path) -> None:
    path = tmp_path / "w.lock"
    with WorkspaceLock(path, "apply") as lock:
        info = read_lock_info(path)
        assert info["id"] == lock.id
        assert info["pid"] == os.getpid()
        assert info["operation"] == "apply"
        assert set(info) == {"id", "owner", "host", "pid", "createdAt", "operation"}
    assert not path.exists()


def test_a_lock_file_that_cannot_be_removed_is_released_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.lock"

    def read_only_directory(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    # the error that matters comes out, not the lock file's
    with pytest.raises(StateError, match="cannot write"), WorkspaceLock(path, "apply"):
        monkeypatch.setattr(Path, "unlink", read_only_directory)
        raise StateError("state: cannot write: Permission denied")
    monkeypatch.undo()
    assert path.read_text() == ""  # left behind, emptied
    with WorkspaceLock(path, "plan"):  # and the workspace is free
        pass


def test_second_lock_in_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.lock"
    with WorkspaceLock(path, "apply") as lock, pytest.raises(LockHeld, match=lock.id):
        WorkspaceLock(path, "plan").acquire()
    with WorkspaceLock(path, "plan"):  # free again
        pass


def test_stale_lock_file_without_holder_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "w.lock"
    path.write_text('{"id": "old", "pid": 1}')
    with WorkspaceLock(path, "apply") as lock:
        assert read_lock_info(path)["id"] == lock.id


def test_lock_held_by_another_process_then_freed_by_kill_9(
    tmp_path: Path, holder: tuple[subprocess.Popen[str], str]
) -> None:
    proc, lock_id = holder
    path = tmp_path / "w.lock"
    with pytest.raises(LockHeld) as caught:
        WorkspaceLock(path, "apply").acquire()
    message = str(caught.value)
    assert f"pid {proc.pid}" in message
    assert f"lock id {lock_id}" in message
    assert "locked by apply" in message
    assert message.endswith(
        f"campaigns force-unlock {lock_id} --workspace w --dir {tmp_path.parent}"
    )
    with pytest.raises(LockHeld):
        WorkspaceLock(path, "apply", wait_seconds=0.3).acquire()
    with pytest.raises(StateError, match=f"held by a live process \\(pid {proc.pid}"):
        force_unlock(path, lock_id)
    assert path.exists()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert path.exists()  # the file stays, but its flock died with the process
    with WorkspaceLock(path, "apply"):
        pass


def test_force_unlock_checks_the_id(tmp_path: Path) -> None:
    path = tmp_path / "w.lock"
    info = {"id": "abc", "owner": "ci", "host": "runner-7", "pid": 42, "operation": "apply"}
    path.write_text(json.dumps(info))
    with pytest.raises(StateError, match="lock id is abc, not xyz"):
        force_unlock(path, "xyz")
    assert path.exists()
    assert force_unlock(path, "abc")["host"] == "runner-7"
    assert not path.exists()
    with pytest.raises(StateError, match="is not locked"):
        force_unlock(path, "abc")


def test_lock_with_unreadable_info_still_reports(tmp_path: Path) -> None:
    path = tmp_path / "w.lock"
    with WorkspaceLock(path, "apply"):
        path.write_text("")
        with pytest.raises(LockHeld, match="locked by another process"):
            WorkspaceLock(path, "apply").acquire()


def test_live_holder_reads_the_file_and_never_locks(tmp_path: Path) -> None:
    from reconciler.state.lock import live_holder

    path = tmp_path / "w.lock"
    assert live_holder(path) is None and not path.exists()  # nothing created
    with WorkspaceLock(path, "apply"):
        held = live_holder(path)
        assert held is not None and held["operation"] == "apply"
    assert live_holder(path) is None
    dead = {"pid": 2**22 + 7, "host": socket.gethostname(), "operation": "apply"}
    path.write_text(json.dumps(dead))
    assert live_holder(path) is None  # a killed holder's leftover file
    path.write_text(json.dumps({**dead, "host": "another-host"}))
    assert live_holder(path) == {**dead, "host": "another-host"}  # cannot tell: assume alive
