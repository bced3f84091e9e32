"""Phone-number masking for output that leaves the team (pull-request comments)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\+\d{6,15}")
#: A quoted value as written in a declaration that looks like a phone number (``'+30 691 ...'``).
_QUOTED = re.compile(r"'(\+?[\d][\d ().-]{5,}\d)'")
KEEP_HEAD = 9
KEEP_TAIL = 2


def mask_number(number: str) -> str:
    """Keep the first 9 characters and the last 2: ``+306912345678`` → ``+30691234••78``.

    Short numbers keep less of their head, so at least two digits are always hidden.
    """
    head = min(KEEP_HEAD, len(number) - KEEP_TAIL - 2)
    hidden = len(number) - head - KEEP_TAIL
    return number[:head] + "•" * hidden + number[-KEEP_TAIL:]


def mask_numbers(text: str) -> str:
    """Every E.164-looking number in ``text`` masked."""
    return _NUMBER.sub(lambda m: mask_number(m.group(0)), text)


def mask_written_numbers(text: str) -> str:
    """Like :func:`mask_numbers`, plus quoted values written like numbers (``'+30 691 234 5678'``,
    ``'6912345678'``), which validation messages repeat as the user wrote them."""
    masked = _QUOTED.sub(lambda m: f"'{_mask_written(m.group(1))}'", text)
    return mask_numbers(masked)


def _mask_written(value: str) -> str:
    keep = max(0, min(len(value) - 4, 6))
    return value[:keep] + "".join("•" if c.isdigit() else c for c in value[keep:-2]) + value[-2:]
