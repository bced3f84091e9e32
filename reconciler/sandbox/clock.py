"""The sandbox clock: real time plus a settable offset, and Routee's timestamp format.

Campaign states are computed from this clock on every read, so tests move a campaign from
``Scheduled`` to ``Sent`` by advancing the offset instead of sleeping.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

#: ``YYYY-MM-DDThh:mm:ss[.fff]TZD`` with TZD ``Z`` or ``±hh:mm`` (routee-voice-api.md section 5.1).
SCHEDULED_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


class SandboxClock:
    """Real time shifted by ``offset`` seconds; thread-safe."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def set_offset(self, seconds: float) -> float:
        with self._lock:
            self._offset = seconds
            return self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += seconds
            return self._offset

    def now(self) -> float:
        """Seconds since the epoch, on the sandbox clock."""
        return time.time() + self.offset


def iso(epoch: float) -> str:
    """Routee's timestamp format: ISO-8601 UTC with milliseconds and ``Z``."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_scheduled_date(text: str) -> float | None:
    """Epoch seconds of a ``scheduledDate``, or None if it is not in the documented format."""
    if not SCHEDULED_DATE.match(text):
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None
