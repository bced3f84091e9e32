"""Phone numbers masked for output that leaves the team: comments, CI logs, quoted server errors.

A number keeps its country code and its last two digits, every digit between becomes ``•``:
``+306945550201`` → ``+30 •••••••• 01``. The country code is the number's own E.164 prefix
(``+1``, ``+30``, ``+357``: the prefixes are unambiguous), so the reader still sees where a call
goes, and the two digits tell numbers apart in a review, but no number can be read back.
Layer-neutral (the Routee client masks the properties of its errors with it too).
"""

from __future__ import annotations

import re
from functools import cache

_NUMBER = re.compile(r"\+\d{6,15}")
#: A quoted value as written in a declaration that looks like a phone number (``'+30 691 ...'``).
_QUOTED = re.compile(r"'(\+?[\d][\d ().-]{5,}\d)'")
KEEP_TAIL = 2
DOT = "•"


@cache
def _country_codes() -> frozenset[str]:
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    return frozenset(str(code) for code in COUNTRY_CODE_TO_REGION_CODE)


def country_code(digits: str) -> str:
    """The E.164 country code ``digits`` start with ("" if none is assigned)."""
    codes = _country_codes()
    return next((digits[:n] for n in (1, 2, 3) if digits[:n] in codes), "")


def mask_number(number: str) -> str:
    """``+306945550201`` → ``+30 •••••••• 01``; without a ``+`` no country code is shown.

    At least two digits are always hidden: a number too short for that shows only its code.
    """
    digits = "".join(c for c in number if c.isdigit())
    plus = number.lstrip().startswith("+")
    code = country_code(digits) if plus else ""
    hidden = len(digits) - len(code) - KEEP_TAIL
    head = (f"+{code} " if code else "+") if plus else ""
    if hidden < 2:
        return f"{head}{DOT * max(2, len(digits) - len(code))}"
    return f"{head}{DOT * hidden} {digits[-KEEP_TAIL:]}"


def mask_numbers(text: str) -> str:
    """Every E.164-looking number in ``text`` masked."""
    return _NUMBER.sub(lambda m: mask_number(m.group(0)), text)


def mask_written_numbers(text: str) -> str:
    """Like :func:`mask_numbers`, plus quoted values written like numbers (``'+30 691 234 5678'``,
    ``'6912345678'``), which validation messages repeat as the user wrote them."""
    masked = _QUOTED.sub(lambda m: f"'{mask_number(m.group(1))}'", text)
    return mask_numbers(masked)
