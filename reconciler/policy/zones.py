"""Where a number may ring: its country (ISO 3166) and every time zone libphonenumber gives it.

libphonenumber maps a geographic number to the zones of its area (``+1 212`` is New York) and a
non-geographic one (most mobiles) to every zone of its country (a Russian mobile: 16 zones).
:func:`locate` answers exactly what ``phonenumbers.region_code_for_number`` and
``phonenumbers.timezone.time_zones_for_number`` answer for a valid number, which costs about
0.2 ms a number; a plan may hold a million. So the common case is answered from the metadata
in advance: a calling code of one region whose every time-zone entry is the same (``+30``:
Greece, Europe/Athens) gives that region and those zones for every valid number under it, since
libphonenumber's own lookup there can only end on one of those entries. Everything else (``+1``,
``+7``, ``+44``, ``+61``, ...) is asked of phonenumbers itself. ``tests/unit/test_policy_zones.py``
compares both answers on every region's example numbers.

Numbers must already be valid E.164 (the loader checks them).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reconciler.models.phone import calling_code

#: libphonenumber's answer when it cannot place a number.
UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True, order=True)
class Location:
    """A number's country (``None`` when libphonenumber cannot tell) and possible zones."""

    country: str | None
    zones: tuple[str, ...]

    @property
    def known(self) -> bool:
        return UNKNOWN_ZONE not in self.zones


def locate(number: str) -> Location:
    """The country and possible time zones of the valid E.164 ``number``."""
    fixed = _fixed_for_prefix(number[1:4])
    return fixed if fixed is not None else _ask_phonenumbers(number)


def tally(numbers: Iterable[str]) -> Counter[Location]:
    """How many of ``numbers`` are at each :class:`Location`.

    Calling codes are prefix-free and at most three digits long, so a number's first three
    digits decide whether its location is fixed: numbers are counted by those digits first
    (in C), and only those under a code of several locations are looked up one by one.
    """
    numbers = list(numbers)
    prefixes = {number[1:4] for number in numbers}
    if len(prefixes) == 1:  # one campaign's numbers are mostly of one country: one lookup
        fixed = _fixed_for_prefix(prefixes.pop())
        if fixed is not None:
            return Counter({fixed: len(numbers)})
    by_prefix = Counter(number[1:4] for number in numbers)
    located: Counter[Location] = Counter()
    slow: set[str] = set()
    for prefix, count in by_prefix.items():
        fixed = _fixed_for_prefix(prefix)
        if fixed is None:
            slow.add(prefix)
        else:
            located[fixed] += count
    if slow:
        located.update(_ask_phonenumbers(n) for n in numbers if n[1:4] in slow)
    return located


def countries(located: Mapping[Location, int]) -> Counter[str | None]:
    """How many numbers of a :func:`tally` are in each country."""
    counted: Counter[str | None] = Counter()
    for location, count in located.items():
        counted[location.country] += count
    return counted


def _ask_phonenumbers(number: str) -> Location:
    import phonenumbers  # imported on first use: a plan that sends nothing never asks
    from phonenumbers import timezone

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return Location(None, (UNKNOWN_ZONE,))
    region = phonenumbers.region_code_for_number(parsed)
    zones = tuple(str(zone) for zone in timezone.time_zones_for_number(parsed))
    return Location(region, zones or (UNKNOWN_ZONE,))


@functools.cache
def _fixed_for_prefix(prefix: str) -> Location | None:
    """The fixed location of numbers whose first three digits are ``prefix``, if any."""
    split = calling_code(prefix) if prefix.isdigit() and len(prefix) == 3 else None
    return None if split is None else _fixed_location(split[0])


@functools.cache
def _fixed_location(code: int) -> Location | None:
    """The one location of every valid number under calling ``code``, when there is one."""
    import phonenumbers
    from phonenumbers.tzdata import TIMEZONE_DATA

    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if len(regions) != 1 or regions[0] == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        return None
    prefix = str(code)
    country_level = TIMEZONE_DATA.get(prefix)
    if country_level is None:
        return None
    entries = {zones for key, zones in TIMEZONE_DATA.items() if key.startswith(prefix)}
    if entries != {country_level}:
        return None
    return Location(regions[0], tuple(str(zone) for zone in country_level))
