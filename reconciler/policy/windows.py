"""Calling windows in the recipient's local time (design.md section 11).

A window is written ``"09:00-20:00"``: from the first time (included) to the second (excluded),
in the recipient's local time; ``"00:00-24:00"`` is the whole day. A window whose end is earlier
than its start spans midnight (``"20:00-02:00"``) and belongs to the day it starts on: with
``calling_days = "mon-fri"``, Saturday 01:00 is inside Friday's window. Days are written
``"mon-sat"``, ``"mon-fri,sun"`` or ``"sat-mon"`` (a range may wrap around the week).

The check converts one ring time into every zone a number may be in (:mod:`.zones`) with
:mod:`zoneinfo`, so daylight-saving time is applied as it is on that date, and a number is
outside when it is outside in any of its zones (the worst case). A number libphonenumber cannot
place is counted outside too: nobody can show it would ring inside the window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler.policy.zones import UNKNOWN_ZONE, Location

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")


@dataclass(frozen=True)
class CallingWindow:
    """The hours and days a number may ring, in its local time."""

    start: int  # seconds after local midnight, included
    end: int  # seconds after local midnight, excluded; ``end < start`` spans midnight
    days: frozenset[int]  # ``datetime.weekday()`` values the window may start on

    @property
    def text(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)} {days_text(self.days)}"

    def allows(self, local: datetime) -> bool:
        """Whether a call ringing at the aware local time ``local`` is inside the window."""
        second = local.hour * 3600 + local.minute * 60 + local.second
        day = local.weekday()
        if self.start < self.end:
            return self.start <= second < self.end and day in self.days
        if second >= self.start:
            return day in self.days
        return second < self.end and (day - 1) % 7 in self.days


def parse_window(text: str) -> tuple[int, int]:
    """``"09:00-20:00"`` as ``(32400, 72000)`` seconds; ValueError naming what is wrong."""
    found = _WINDOW.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a window like '09:00-20:00' (HH:MM-HH:MM)")
    start_h, start_m, end_h, end_m = (int(part) for part in found.groups())
    if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise ValueError(f"{text!r}: hours are 00-23 (24:00 only as an end), minutes 00-59")
    start, end = start_h * 3600 + start_m * 60, end_h * 3600 + end_m * 60
    if start == end:
        raise ValueError(f"{text!r} starts where it ends: write '00:00-24:00' for the whole day")
    return start, end


def parse_days(text: str) -> frozenset[int]:
    """``"mon-sat"`` as weekday numbers; ValueError naming what is wrong."""
    days: set[int] = set()
    for part in text.lower().split(","):
        ends = [name.strip() for name in part.split("-")]
        if len(ends) > 2 or not all(name in DAY_NAMES for name in ends):
            raise ValueError(
                f"{text!r} is not a list of days like 'mon-sat' or 'mon-fri,sun' "
                f"(days: {', '.join(DAY_NAMES)})"
            )
        first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def days_text(days: Iterable[int]) -> str:
    """Weekday numbers written back as ranges: ``{0, 1, 2, 3, 4, 5}`` → ``mon-sat``."""
    chosen = sorted(set(days))
    runs: list[list[int]] = []
    for day in chosen:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


@dataclass(frozen=True)
class WindowRules:
    """The default window and the per-country ones (ISO 3166 codes)."""

    default: CallingWindow
    countries: Mapping[str, CallingWindow] = field(default_factory=dict)

    def for_country(self, country: str | None) -> CallingWindow:
        return self.countries.get(country or "", self.default)


@dataclass(frozen=True, order=True)
class ZoneRow:
    """Recipients of one campaign who may be in ``zone``: their local ring time and verdict."""

    country: str | None
    zone: str
    count: int
    local_time: datetime | None  # None: libphonenumber cannot place these numbers
    window: str
    inside: bool


@dataclass(frozen=True)
class WindowCheck:
    """One campaign's ring time against the windows: numbers outside, and a row per zone."""

    ring_time: datetime
    checked: int
    outside: int
    rows: tuple[ZoneRow, ...]


def check_windows(
    located: Mapping[Location, int], ring_time: datetime, rules: WindowRules
) -> WindowCheck:
    """Count the numbers of a :func:`~.zones.tally` that would ring outside their window at the
    aware ``ring_time``.

    A number is outside when it is outside in any of its possible zones; each zone gets a row
    (a number with three possible zones is in three rows, and counted once in ``outside``).
    """
    if ring_time.tzinfo is None:
        raise ValueError("ring_time must carry a time zone")
    rows: dict[tuple[str | None, str], tuple[int, datetime | None, str, bool]] = {}
    outside = 0
    for location, count in located.items():
        window = rules.for_country(location.country)
        verdicts = [_verdict(zone, ring_time, window) for zone in location.zones]
        if not all(inside for _, inside in verdicts):
            outside += count
        for zone, (local, inside) in zip(location.zones, verdicts, strict=True):
            key = (location.country, zone)
            before = rows.get(key, (0, local, window.text, inside))[0]
            rows[key] = (before + count, local, window.text, inside)
    table = tuple(
        sorted(ZoneRow(c, z, n, local, text, ok) for (c, z), (n, local, text, ok) in rows.items())
    )
    return WindowCheck(ring_time, sum(located.values()), outside, table)


def _verdict(zone: str, ring_time: datetime, window: CallingWindow) -> tuple[datetime | None, bool]:
    tz = _zone(zone)
    if tz is None:
        return None, False
    local = ring_time.astimezone(tz)
    return local, window.allows(local)


@cache
def _zone(name: str) -> ZoneInfo | None:
    if name == UNKNOWN_ZONE:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def ring_time_of(scheduled_date: str | None, now: datetime) -> datetime:
    """When a campaign rings: its ``scheduledDate``, or ``now`` (apply time) when immediate.

    A ``scheduledDate`` that has passed rings at once, so it rings at ``now`` too.
    """
    if scheduled_date:
        when = datetime.fromisoformat(scheduled_date)  # the loader checked it: zoned
        if when > now:
            return when
    return now
