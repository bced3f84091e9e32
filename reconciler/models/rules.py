"""Value rules of a declaration whose messages tell a YAML author what to write instead.

Kept apart from :mod:`reconciler.models.declaration` (which uses them) so that module stays about
its fields. Each rule raises pydantic's ``PydanticCustomError`` with a message naming the value.
"""

from __future__ import annotations

import calendar
import math
from typing import Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from reconciler.enums import INT32_MAX


def whole_number(low: int) -> BeforeValidator:
    """An int32 from ``low`` up (decision 7): fractions, infinities, NaN and overflow say so."""
    rule = f"must be a whole number from {low} to {INT32_MAX} (int32)"

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value  # strict int validation names the wrong type
        if isinstance(value, float):
            raise PydanticCustomError("int32", f"{rule}, not {shown_float(value)}")
        if not low <= value <= INT32_MAX:
            raise PydanticCustomError("int32", f"{rule}, not {value}")
        return value

    return BeforeValidator(check)


def shown_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "infinity (.inf, or a number too large to read, such as 1e400)"
    if value.is_integer() and abs(value) <= INT32_MAX:
        return f"{value!r}: write {int(value)}"
    return f"the fraction {value!r}" if abs(value) < 1e15 else repr(value)


def impossible_date(value: str, exc: ValueError) -> str:
    """``2027-02-30``: the format is right but no such day (or time, or zone) exists."""
    year, month, day = (int(part) for part in value[:10].split("-"))
    if not 1 <= month <= 12:
        return f"{value[:10]} is not a date: there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month]
        return f"{value[:10]} is not a date: {name} {year} has {days} days"
    return f"{value} is not a real date-time ({exc})"
