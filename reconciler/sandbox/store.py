"""The sandbox's campaigns, kept in memory and in an append-only JSON-lines log.

Each accepted campaign, cancellation and clock change is one line, written and fsynced under the
store's lock, so a request costs O(1) disk work however many campaigns exist (rewriting one big
JSON file per POST would slow the 1,000-campaign apply benchmark). On start the log is replayed and
compacted into a fresh file (temp file, fsync, rename, fsync of the directory). A torn last line,
left by a crash in the middle of a write, is dropped: its request was never answered. Any other
unreadable line stops the start with :class:`StoreCorrupt` and leaves the file as it is: compacting
past it would delete accepted campaigns for good.

One store at a time owns a data directory: an exclusive ``flock`` on ``sandbox.lock``, held until
:meth:`CampaignStore.close` (or the process's death), stops a second sandbox from compacting the
log under the first one's open append handle, which would silently lose the first one's writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from reconciler.safefile import MIB, FileRefused, open_file, read_bounded
from reconciler.sandbox.errors import DataDirInUse, SandboxError, StoreCorrupt
from reconciler.sandbox.files import write_atomically

LOG_FILE = "campaigns.jsonl"
LOCK_FILE = "sandbox.lock"
#: The campaign log is refused unread past this size (1,000 x 1,000 numbers take about 60 MB).
MAX_LOG_BYTES = 1024 * MIB
log = logging.getLogger(__name__)


class NameTaken(Exception):
    """Another campaign of the account already uses this name."""


class CampaignStore:
    """Campaign records by tracking id, with a name index; one lock guards both and the log."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / LOG_FILE
        self.lock = threading.RLock()
        self.campaigns: dict[str, dict[str, Any]] = {}
        self._names: set[str] = set()
        self.clock_offset = 0.0
        self._owner = _claim(data_dir / LOCK_FILE)
        try:
            self._replay()
            self._compact()
            self._log: IO[str] = _open_text(self.path, os.O_WRONLY | os.O_APPEND, "a")
        except BaseException:
            self._owner.close()
            raise

    def close(self) -> None:
        with self.lock:
            self._log.close()
            self._owner.close()

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self.lock:
            yield

    def add(self, record: dict[str, Any], *, unique_name: bool) -> None:
        """Store a new campaign; raise :class:`NameTaken` if ``unique_name`` and the name is used."""
        name = record.get("campaignName")
        with self.lock:
            if unique_name and isinstance(name, str) and name in self._names:
                raise NameTaken(name)
            self._append({"op": "campaign", "campaign": record})
            self._index(record)

    def cancel(self, tracking_id: str, at: float) -> None:
        with self.lock:
            self._append({"op": "cancel", "trackingId": tracking_id, "at": at})
            self._apply_cancel(tracking_id, at)

    def set_clock_offset(self, offset: float) -> None:
        with self.lock:
            self._append({"op": "clock", "offset": offset})
            self.clock_offset = offset

    def get(self, tracking_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.campaigns.get(tracking_id)

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.campaigns.values())

    def _append(self, entry: dict[str, Any]) -> None:
        self._log.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._log.flush()
        os.fsync(self._log.fileno())

    def _index(self, record: dict[str, Any]) -> None:
        self.campaigns[record["trackingId"]] = record
        name = record.get("campaignName")
        if isinstance(name, str):
            self._names.add(name)

    def _apply_cancel(self, tracking_id: str, at: float) -> None:
        record = self.campaigns.get(tracking_id)
        if record is not None:
            record["cancelled"] = True
            record["cancelledAt"] = at

    def _replay(self) -> None:
        try:
            lines = read_bounded(self.path, MAX_LOG_BYTES).splitlines()
        except FileNotFoundError:
            return
        except FileRefused as exc:
            raise StoreCorrupt(str(exc)) from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                self._replay_entry(json.loads(line))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                if number < len(lines):
                    raise StoreCorrupt(
                        f"{self.path}:{number}: unreadable campaign log line ({exc}); fix or "
                        "remove that line, or delete the data directory to start over"
                    ) from None
                log.warning(
                    "%s:%d: dropped a torn last line (a crash mid-write)", self.path, number
                )

    def _replay_entry(self, entry: Any) -> None:
        op = entry["op"]
        if op == "campaign":
            campaign = entry["campaign"]
            if not isinstance(campaign.get("trackingId"), str):
                raise KeyError("trackingId")
            self._index(campaign)
        elif op == "cancel":
            self._apply_cancel(entry["trackingId"], float(entry["at"]))
        elif op == "clock":
            self.clock_offset = float(entry["offset"])
        else:
            raise ValueError(f"unknown op {op!r}")

    def _compact(self) -> None:
        entries = [{"op": "clock", "offset": self.clock_offset}]
        entries += [{"op": "campaign", "campaign": c} for c in self.campaigns.values()]
        text = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries)
        write_atomically(self.path, text)


def _claim(path: Path) -> IO[str]:
    """Hold an exclusive lock on ``path`` for as long as the returned file stays open."""
    handle = _open_text(path, os.O_RDWR, "r+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip() or "unknown"
        handle.close()
        raise DataDirInUse(
            f"{path.parent} is in use by another running sandbox (pid {owner}); stop it, or give "
            "this one another data directory"
        ) from None
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
    return handle


def _open_text(path: Path, flags: int, mode: str) -> IO[str]:
    """A text handle on the regular file ``path`` (created if missing), never through a link."""
    try:
        fd = open_file(path, flags | os.O_CREAT)
    except FileRefused as exc:
        raise SandboxError(str(exc)) from None
    return os.fdopen(fd, mode, encoding="utf-8")
