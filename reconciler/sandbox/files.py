"""Crash-safe file writes: a reader sees the old content or the new, never a torn file.

The data directory must be a real directory: a link in its place is refused
(:mod:`reconciler.safefile`), so nothing is written outside it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reconciler.safefile import check_directory, open_directory


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file, fsync, rename, and fsync of the directory."""
    tmp = _durable_temp(path, text)
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def publish_once(path: Path, text: str) -> bool:
    """Create ``path`` with ``text`` unless it exists; False if another writer got there first.

    The content is written and fsynced under a temporary name, then hard-linked into place: a link
    never replaces an existing file, so concurrent creators cannot overwrite each other.
    """
    tmp = _durable_temp(path, text)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    fsync_directory(path.parent)
    return True


def _durable_temp(path: Path, text: str) -> Path:
    """A new temporary file beside ``path`` holding ``text``, fsynced; removed if writing fails."""
    check_directory(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def fsync_directory(directory: Path) -> None:
    """Make a rename or a file creation in ``directory`` durable."""
    fd = open_directory(directory)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
