"""The apply journal ``state/<workspace>.journal``: append-only JSON lines, fsync per record.

Every remote call is preceded by an intent record and followed by an outcome record
(design.md 5.3). A record counts only once its ``fsync`` returned, and the apply makes the remote
call only after that; so a line cut short by a kill (the last one, without its newline) had no
effect and is ignored. Damage anywhere else is corruption and is refused with its line number.
Folding the journal into the state lives in :mod:`reconciler.state.fold` (re-exported here).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from types import TracebackType

from pydantic import BaseModel, TypeAdapter, ValidationError

from reconciler.canonical import canonical_json
from reconciler.models.journal import JournalHeader, JournalRecord
from reconciler.models.validation import first_error
from reconciler.safefile import MIB, FileRefused, open_file, read_bounded
from reconciler.state.errors import StateCorrupt, StateError
from reconciler.state.fold import FoldResult, fold
from reconciler.state.seal import MAC_FIELD, record_mac, state_key, verify_record
from reconciler.state.store import fsync_dir

__all__ = ["FoldResult", "Journal", "fold", "read_journal", "remove_journal"]

_RECORD: TypeAdapter[JournalRecord] = TypeAdapter(JournalRecord)
#: A journal past this size is refused unread (a 1,000 x 1,000 apply writes about 70 MB).
MAX_JOURNAL_BYTES = 512 * MIB


class Journal:
    """An open journal being appended to; safe to share between the apply's worker threads."""

    def __init__(self, path: Path, fd: int, key: bytes | None = None) -> None:
        self.path = path
        self._fd: int | None = fd
        self._lock = threading.Lock()
        #: With ``CAMPAIGNS_STATE_KEY``: each record carries a MAC chained to the one before.
        self._key = key
        self._last_mac = ""

    @classmethod
    def create(cls, path: Path, header: JournalHeader) -> Journal:
        """Start a new journal with ``header``; refuses if one exists (it must be folded first)."""
        try:
            fd = open_file(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND)
        except FileRefused as exc:
            raise StateError(str(exc)) from None
        except FileExistsError:
            raise StateError(
                f"{path}: a journal already exists (left by an earlier apply); it must be folded "
                "into the state first"
            ) from None
        except OSError as exc:
            raise StateError(f"{path}: cannot create: {exc.strerror or exc}") from exc
        journal = cls(path, fd, state_key())
        journal.append(header)
        fsync_dir(path.parent)
        return journal

    def append(self, record: BaseModel) -> None:
        """Write ``record`` as one line and fsync it; only then may its remote call start."""
        with self._lock:
            line = self._line(record)
            if self._fd is None:
                raise StateError(f"{self.path}: journal is closed")
            try:
                _write_all(self._fd, line)
                os.fsync(self._fd)
            except OSError as exc:
                raise StateError(f"{self.path}: cannot write: {exc.strerror or exc}") from exc

    def _line(self, record: BaseModel) -> bytes:
        if self._key is None:
            return record.model_dump_json(by_alias=True).encode("utf-8") + b"\n"
        data = record.model_dump(mode="json", by_alias=True)
        data[MAC_FIELD] = self._last_mac = record_mac(self._key, self._last_mac, data)
        return canonical_json(data) + b"\n"

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_journal(path: Path) -> list[JournalRecord]:
    """All complete records of a journal, in order; a cut-short last line is dropped."""
    try:
        raw = read_bounded(path, MAX_JOURNAL_BYTES)
    except FileRefused as exc:
        raise StateCorrupt(f"{exc}; the journal was not folded") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    lines = raw.split(b"\n")
    key = state_key()
    previous = ""
    records = []
    # The piece after the last newline is empty for a clean journal, a partial write otherwise.
    for number, raw_line in enumerate(lines[:-1], start=1):
        line = raw_line
        if key is not None or b'"mac"' in line:
            line, previous = _unmac(path, number, raw_line, key, previous)
        records.append(_parse_line(path, number, line))
    return records


def _unmac(
    path: Path, number: int, line: bytes, key: bytes | None, previous: str
) -> tuple[bytes, str]:
    """The record without its MAC (verified, chained to ``previous``, when ``key`` is set)."""
    try:
        data = json.loads(line)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise StateCorrupt(f"{path}:{number}: corrupt journal record (not a JSON object)")
    if key is not None:
        previous = verify_record(key, previous, data, f"{path}:{number}")
    data.pop(MAC_FIELD, None)
    return canonical_json(data), previous


def _parse_line(path: Path, number: int, line: bytes) -> JournalRecord:
    try:
        return _RECORD.validate_json(line)
    except ValidationError as exc:
        raise StateCorrupt(
            f"{path}:{number}: corrupt journal record ({first_error(exc)}); the journal was "
            "left as is"
        ) from exc


def remove_journal(path: Path) -> None:
    """Delete a folded journal (missing is fine: it was removed already)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fsync_dir(path.parent)
