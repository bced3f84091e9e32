"""The sandbox's campaigns, kept in memory and in an append-only JSON-lines log.

Each accepted campaign, cancellation and clock change is one line, written and fsynced under the
store's lock, so a request costs O(1) disk work however many campaigns exist (rewriting one big
JSON file per POST would slow the 1,000-campaign apply benchmark). On start the log is replayed and
compacted into a fresh file (temp file, fsync, rename, fsync of the directory). A torn last line,
left by a crash in the middle of a write, is dropped: its request was never answered.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from reconciler.sandbox.files import write_atomically

LOG_FILE = "campaigns.jsonl"
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
        self._replay()
        self._compact()
        self._log: IO[str] = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        with self.lock:
            self._log.close()

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
        if not self.path.exists():
            return
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                log.warning("%s:%d: dropped an unreadable line (a torn write?)", self.path, number)
                continue
            self._replay_entry(entry)

    def _replay_entry(self, entry: dict[str, Any]) -> None:
        op = entry.get("op")
        if op == "campaign":
            self._index(entry["campaign"])
        elif op == "cancel":
            self._apply_cancel(entry["trackingId"], entry["at"])
        elif op == "clock":
            self.clock_offset = float(entry["offset"])

    def _compact(self) -> None:
        entries = [{"op": "clock", "offset": self.clock_offset}]
        entries += [{"op": "campaign", "campaign": c} for c in self.campaigns.values()]
        text = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries)
        write_atomically(self.path, text)
