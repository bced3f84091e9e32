"""The workspace lock ``state/<workspace>.lock``: one command that writes the state at a time.

The lock is an ``flock`` on the file, so the kernel releases it when its process dies, even on
``kill -9``; the JSON inside (id, owner, host, pid, time, operation) only tells a waiting user
who holds it. A lock file that nobody holds an ``flock`` on is simply taken over.
``force_unlock`` is for the rest: a lock file on a shared file system whose holder ran on another
host. It refuses while a live process on this host still holds the lock (docs/state.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
import socket
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler.safefile import KIB, FileRefused, read_bounded
from reconciler.safefile import open_file as open_safely
from reconciler.state.errors import LockHeld, StateError

_POLL_SECONDS = 0.1
#: A lock file holds one small JSON object; anything bigger is not read.
MAX_LOCK_BYTES = 64 * KIB


class WorkspaceLock:
    """``with WorkspaceLock(path, "apply"):`` holds the workspace; raises :class:`LockHeld`."""

    def __init__(self, path: Path, operation: str, *, wait_seconds: float = 0.0) -> None:
        self.path = path
        self.operation = operation
        self.wait_seconds = wait_seconds
        self.id = str(uuid.uuid4())
        self._fd: int | None = None

    def __enter__(self) -> WorkspaceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock now, or poll until ``wait_seconds`` have passed, then raise LockHeld."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            fd = self._try_lock()
            if fd is not None:
                self._fd = fd
                self._write_info(fd)
                return
            if time.monotonic() >= deadline:
                raise LockHeld(held_message(self.path, read_lock_info(self.path)))
            time.sleep(_POLL_SECONDS)

    def _try_lock(self) -> int | None:
        """An fd holding the flock on the file currently at ``path``, or None if it is held."""
        for _ in range(10):  # the holder may unlink the file between our open and our flock
            fd = _open(self.path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return None
            if _same_file(fd, self.path):
                return fd
            os.close(fd)
        raise StateError(f"{self.path}: the lock file keeps changing; try again")

    def _write_info(self, fd: int) -> None:
        info = {
            "id": self.id,
            "owner": _user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "createdAt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "operation": self.operation,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info, sort_keys=True) + "\n").encode("utf-8"), 0)
        os.fsync(fd)

    def release(self) -> None:
        """Remove the file while still holding the flock, then let go.

        A file that cannot be removed (``state/`` turned read-only) is left behind emptied: the
        flock is what locks, so it frees the workspace all the same, and the error that brought
        the command down is not hidden behind this one.
        """
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            if _same_file(fd, self.path):
                with contextlib.suppress(OSError):
                    self.path.unlink()
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _open(path: Path) -> int:
    """The lock file, created if missing; a symbolic link or a non-regular file is refused.

    A lock committed as a link to the state file would otherwise be truncated through the link.
    """
    try:
        return open_safely(path, os.O_RDWR | os.O_CREAT)
    except FileRefused as exc:
        raise StateError(f"{exc} (the workspace lock file)") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot open the lock file: {exc.strerror or exc}") from exc


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.lstat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def read_lock_info(path: Path) -> dict[str, Any]:
    """What the lock file says about its holder ({} if it is empty or unreadable)."""
    try:
        data = json.loads(read_bounded(path, MAX_LOCK_BYTES).decode("utf-8"))
    except (OSError, ValueError, FileRefused):
        return {}
    return data if isinstance(data, dict) else {}


def live_holder(path: Path) -> dict[str, Any] | None:
    """What the lock file says about its holder if that holder seems alive; never locks.

    A read-only command must neither create the lock file nor take the flock (a probe, however
    brief, could make an apply starting at that moment fail). So it trusts the file: a holder on
    this host is alive if its pid is; one on another host is taken to be.
    """
    info = read_lock_info(path)
    if not info:
        return None
    pid, host = info.get("pid"), info.get("host")
    if host != socket.gethostname():
        return info
    if not isinstance(pid, int) or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return info  # alive, owned by another user
    return info


def held_message(path: Path, info: dict[str, Any]) -> str:
    """Who holds the lock, and how to release it if that holder is gone."""
    workspace = path.stem
    if not info:
        return f"workspace '{workspace}' is locked by another process ({path}); try again shortly"
    lock_id = info.get("id", "?")
    return (
        f"workspace '{workspace}' is locked by {info.get('operation', '?')} "
        f"(lock id {lock_id}): {info.get('owner', '?')}@{info.get('host', '?')}, "
        f"pid {info.get('pid', '?')}, since {info.get('createdAt', '?')}. If that process is gone "
        f"for good, run: campaigns force-unlock {lock_id} --workspace {workspace}{_dir_flag(path)}"
    )


def _dir_flag(path: Path) -> str:
    root = path.parent.parent
    return "" if root == Path() else f" --dir {root}"


def force_unlock(path: Path, lock_id: str) -> dict[str, Any]:
    """Remove a lock file whose id is ``lock_id``; refuses if a live local process holds it."""
    info = read_lock_info(path)
    if not os.path.lexists(path):
        raise StateError(f"{path}: workspace '{path.stem}' is not locked")
    if info.get("id") != lock_id:
        raise StateError(
            f"{path}: lock id is {info.get('id', 'unknown')}, not {lock_id}; nothing was removed"
        )
    fd = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateError(
                f"{path}: the lock is held by a live process (pid {info.get('pid', '?')} on "
                f"{info.get('host', '?')}); stop that process instead - its lock goes with it"
            ) from None
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    finally:
        os.close(fd)
    return info
