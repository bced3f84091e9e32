"""ANSI styling for text output on a terminal, and the line budget of a size-capped comment.

The escape sequences are the ones ``click.style`` writes (foreground colour, then bold, then a
reset), so coloured output is unchanged; renderers need no click for it.
"""

from __future__ import annotations

from collections.abc import Sequence

_COLOURS = {
    "black": 30,
    "red": 31,
    "green": 32,
    "yellow": 33,
    "blue": 34,
    "magenta": 35,
    "cyan": 36,
    "white": 37,
}
_RESET = "\x1b[0m"


def styled(text: str, colour: str, *, bold: bool = False) -> str:
    """``text`` in ``colour`` (a name of :data:`_COLOURS`), optionally bold, then a reset."""
    bold_code = "\x1b[1m" if bold else ""
    return f"\x1b[{_COLOURS[colour]}m{bold_code}{text}{_RESET}"


def lines_within(lines: Sequence[str], budget: int) -> int:
    """How many of ``lines`` (each ended by a newline) fit, whole and in order, in ``budget``."""
    used = 0
    for shown, line in enumerate(lines):
        used += len(line) + 1
        if used > budget:
            return shown
    return len(lines)
