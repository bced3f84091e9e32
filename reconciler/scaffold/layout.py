"""Files a command lays into a project: compared first, written only where asked.

:func:`survey` compares each file with what is on disk (``create``, ``unchanged`` or
``differs``); :func:`lay` writes the files that are missing and, with ``force``, those that differ.
Nothing is ever followed through a symbolic link: a path (or a directory on the way to it, below
the project root) that is a link is refused, since a pull request can plant one. Each write goes
to a temporary file in the same directory, then replaces the path.
"""

from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import CampaignsError


class LayoutError(CampaignsError):
    """A file could not be compared or written."""


class Status(enum.Enum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    DIFFERS = "differs"


@dataclass(frozen=True)
class ProjectFile:
    """A file to lay: its path relative to the project root (``/``-separated) and its bytes.

    ``merge_lines``: a file of lines (``.gitignore``) that ``force`` completes with the missing
    lines instead of replacing, so no line someone wrote is lost.
    """

    path: str
    content: bytes
    merge_lines: bool = False


@dataclass(frozen=True)
class Surveyed:
    file: ProjectFile
    status: Status
    detail: str = ""


def survey(root: Path, files: list[ProjectFile]) -> list[Surveyed]:
    """Each file against the disk under ``root``."""
    return [_survey_one(root, file) for file in files]


def _survey_one(root: Path, file: ProjectFile) -> Surveyed:
    path = _checked_path(root, file.path)
    if not path.exists():
        return Surveyed(file, Status.CREATE)
    if not path.is_file():
        raise LayoutError(f"{path}: exists and is not a regular file")
    current = _read(path)
    if current == file.content:
        return Surveyed(file, Status.UNCHANGED)
    if file.merge_lines:
        missing = _missing_lines(current, file.content)
        if not missing:
            return Surveyed(file, Status.UNCHANGED)
        return Surveyed(file, Status.DIFFERS, f"lacks {len(missing)} line(s): {', '.join(missing)}")
    return Surveyed(file, Status.DIFFERS)


def lay(root: Path, surveyed: list[Surveyed], force: bool) -> list[Surveyed]:
    """Write what is missing (and, with ``force``, what differs); return what was written."""
    written = []
    for entry in surveyed:
        if entry.status is Status.CREATE or (entry.status is Status.DIFFERS and force):
            path = _checked_path(root, entry.file.path)
            content = entry.file.content
            if entry.status is Status.DIFFERS and entry.file.merge_lines:
                content = _merged(_read(path), content)
            _write(path, content)
            written.append(entry)
    return written


def _checked_path(root: Path, relative: str) -> Path:
    """``root / relative``, refusing a symbolic link at the path or on the way to it."""
    path = root
    for part in relative.split("/"):
        path = path / part
        if path.is_symlink():
            raise LayoutError(f"{path}: is a symbolic link; refusing to follow it")
    return path


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read: {exc.strerror}") from exc


def _lines(content: bytes) -> list[str]:
    return content.decode("utf-8", errors="replace").splitlines()


def _missing_lines(current: bytes, wanted: bytes) -> list[str]:
    have = {line.strip() for line in _lines(current)}
    wanted_lines = [line.strip() for line in _lines(wanted)]
    return [line for line in wanted_lines if line and not line.startswith("#") and line not in have]


def _merged(current: bytes, wanted: bytes) -> bytes:
    """``current`` byte for byte, then the missing lines."""
    missing = "\n".join(_missing_lines(current, wanted)) + "\n"
    separator = b"\n" if current and not current.endswith(b"\n") else b""
    return current + separator + missing.encode("utf-8")


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(content)
            Path(temporary).chmod(0o644)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise LayoutError(f"{path}: cannot write: {exc.strerror}") from exc
