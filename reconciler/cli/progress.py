"""A progress bar kept on a terminal's last line: ``[######--------------] 3/10``.

Other lines (one per finished action, notes on stderr) are printed above it: the bar is erased,
the line written, and the bar drawn again. Used only when stdout is a terminal; elsewhere apply
prints the lines alone, so logs and pipes never see carriage returns or escape codes. The bar
writes its own erase codes past the CLI's terminal filter, so it escapes each line itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from reconciler.escape import for_terminal, unfiltered

BAR_WIDTH = 20
#: Back to the start of the line and erase it (ANSI "erase in line").
ERASE_LINE = "\r\x1b[K"


def bar_text(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``[#####---------------] 1/4``: ``done`` of ``total`` as ``width`` cells."""
    filled = width * min(done, total) // total if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total}"


class ProgressBar:
    """The bar on ``stream``; thread-safe, since actions finish on worker threads."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self._stream = unfiltered(stream)
        self.total = total
        self.done = 0
        self._lock = threading.RLock()
        self._drawn = False

    def draw(self) -> None:
        with self._lock:
            self._write(ERASE_LINE + bar_text(self.done, self.total))
            self._drawn = True

    @contextmanager
    def hidden(self) -> Iterator[None]:
        """Erase the bar while the block prints, then draw it again."""
        with self._lock:
            if self._drawn:
                self._write(ERASE_LINE)
            try:
                yield
            finally:
                if self._drawn:
                    self._write(bar_text(self.done, self.total))

    def advance(self, line: str) -> None:
        """One more action finished: print its ``line`` above the bar and move the bar on."""
        with self._lock, self.hidden():
            self._write(for_terminal(line, single_line=True) + "\n")
            self.done += 1

    def close(self) -> None:
        """Leave the last bar on its own line (how far the apply got)."""
        with self._lock:
            if self._drawn:
                self._write("\n")
                self._drawn = False

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()
