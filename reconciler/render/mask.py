"""Phone-number masking for output that leaves the team (pull-request comments)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\+\d{6,15}")
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
