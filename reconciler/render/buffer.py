"""Output written in chunks: a 10,000-send plan is ~130,000 lines, each a ``write`` otherwise.

Every write of the CLI's stdout goes through :class:`reconciler.escape.TerminalStream`, a
regular expression pass per call; joining whole lines first makes the same bytes (no escape
sequence it looks for holds a newline, so none spans two lines) for a fraction of the calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TextIO

#: Lines held before they are written: ~100 kB of plan text.
CHUNK_LINES = 2048


class Lines:
    """Whole lines for ``out``, written ``CHUNK_LINES`` at a time (and at :meth:`flush`)."""

    def __init__(self, out: TextIO, chunk: int = CHUNK_LINES) -> None:
        self.out = out
        self.chunk = chunk
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        if len(self.parts) >= self.chunk:
            self.flush()

    def writelines(self, texts: Iterable[str]) -> None:
        each = iter(texts)
        while batch := list(islice(each, self.chunk)):
            self.parts += batch
            if len(self.parts) >= self.chunk:
                self.flush()

    def flush(self) -> None:
        if self.parts:
            self.out.write("".join(self.parts))
            self.parts.clear()


@contextmanager
def chunked(out: TextIO) -> Iterator[Lines]:
    """A :class:`Lines` for ``out``, flushed on the way out (after an error too: what was
    rendered up to it is shown, as it was when every line was written at once)."""
    lines = Lines(out)
    try:
        yield lines
    finally:
        lines.flush()
