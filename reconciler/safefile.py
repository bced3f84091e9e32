"""Opening the tool's own data files as a stranger may have left them: no links, no devices.

Anyone who can open a pull request can commit ``state/production.lock`` as a symbolic link to the
state file, or the state itself as a link to ``/dev/zero``. Every state, journal, lock and sandbox
data file is therefore opened here: the directory holding it must be a real directory (not a
link), the file itself is opened with ``O_NOFOLLOW`` (a link is refused, never followed), it must
be a regular file, and a read is bounded (a clear error, never a MemoryError). Refusals raise
:class:`FileRefused`, which each layer translates into its own error; ``FileNotFoundError`` and
other ``OSError`` pass through unchanged for the caller's usual handling.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
}


class FileRefused(Exception):
    """A data file is a link, not a regular file, or too large; ``str()`` says which and why."""


def open_file(path: Path, flags: int, *, mode: int = 0o644) -> int:
    """``os.open`` of a regular file in a real directory, never through a symbolic link.

    ``flags`` are the usual ``os.O_*`` flags; ``O_NOFOLLOW``, ``O_NONBLOCK`` (so a named pipe
    cannot hang the open) and ``O_CLOEXEC`` are added.
    """
    dir_fd = open_directory(path.parent)
    try:
        extra = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(path.name, flags | extra, mode, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP or _is_link(path):
                raise FileRefused(_link_message(path)) from None
            raise
    finally:
        os.close(dir_fd)
    try:
        _require_regular(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_directory(directory: Path) -> int:
    """An fd of ``directory``, refusing a symbolic link in its place (for ``dir_fd`` and fsync)."""
    try:
        return os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(directory):
            raise FileRefused(_link_message(directory)) from None
        if exc.errno == errno.ENOTDIR:
            raise FileRefused(f"{directory}: is not a directory") from None
        raise


def check_directory(directory: Path) -> None:
    """Refuse ``directory`` if it is a symbolic link or not a directory (missing is fine)."""
    with contextlib.suppress(FileNotFoundError):
        os.close(open_directory(directory))


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing it past ``limit`` bytes."""
    fd = open_file(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise FileRefused(_size_message(path, size, limit))
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(MIB, limit + 1 - total) or 1):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while we read it
                raise FileRefused(_size_message(path, total, limit))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _require_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise FileRefused(
            f"{path}: is {kind}, not a regular file; campaigns reads and writes only regular "
            "files here: remove it (and `git rm` it if it was committed)"
        )


def _link_message(path: Path) -> str:
    return (
        f"{path}: is a symbolic link; campaigns never follows a link in its data files, it could "
        "point anywhere (a link committed in a pull request?): remove it (`git rm` it if it was "
        "committed) and restore the real file from git history if one belongs there"
    )


def _size_message(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: is {_human(size)}, more than the {_human(limit)} this file may hold; it was "
        "left as is (a file replaced in a pull request?)"
    )


def _human(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.0f} MiB"
    if size >= KIB:
        return f"{size / KIB:.0f} KiB"
    return f"{size} bytes"
