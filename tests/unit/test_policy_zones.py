"""The fast location of a number answers what phonenumbers itself answers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType, timezone

from reconciler.policy.zones import UNKNOWN_ZONE, Location, locate, tally

TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE)


def example_numbers() -> list[str]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None and phonenumbers.is_valid_number(example):
                found.append(phonenumbers.format_number(example, PhoneNumberFormat.E164))
    return found


def slow_location(number: str) -> Location:
    parsed = phonenumbers.parse(number, None)
    zones = tuple(timezone.time_zones_for_number(parsed))
    return Location(phonenumbers.region_code_for_number(parsed), zones)


def test_every_region_s_example_numbers() -> None:
    numbers = example_numbers()
    assert len(numbers) > 400
    differ = [n for n in numbers if locate(n) != slow_location(n)]
    assert differ == []


@given(
    st.sampled_from(["30", "49", "33", "1", "7", "44", "61", "55"]),
    st.text("0123456789", min_size=6, max_size=12),
)
def test_random_valid_numbers(code: str, digits: str) -> None:
    number = f"+{code}{digits}"
    parsed = phonenumbers.parse(number, None)
    if phonenumbers.is_valid_number(parsed):
        assert locate(number) == slow_location(number)


@pytest.mark.parametrize(
    ("number", "country", "zones"),
    [
        ("+306912345678", "GR", ("Europe/Athens",)),
        ("+12125550123", "US", ("America/New_York",)),
        ("+14165550123", "CA", ("America/Toronto",)),
        ("+5592991234567", "BR", ("America/Manaus",)),
    ],
)
def test_known_places(number: str, country: str, zones: tuple[str, ...]) -> None:
    assert locate(number) == Location(country, zones)
    assert locate(number).known


def test_an_unplaceable_number_is_unknown() -> None:
    odd = locate("+80012345678")  # international freephone: no country, no zone
    assert odd.zones == (UNKNOWN_ZONE,)
    assert not odd.known
    assert locate("+1") == Location(None, (UNKNOWN_ZONE,))


def test_tally_counts_numbers_per_location() -> None:
    counted = tally(["+306912345678", "+306912345679", "+12125550123"])
    assert counted[Location("GR", ("Europe/Athens",))] == 2
    assert sum(counted.values()) == 3


def test_every_zone_libphonenumber_names_is_known_to_zoneinfo() -> None:
    from zoneinfo import ZoneInfo

    from phonenumbers.tzdata import TIMEZONE_DATA

    names = {zone for zones in TIMEZONE_DATA.values() for zone in zones} - {UNKNOWN_ZONE}
    assert len(names) > 250
    for name in sorted(names):
        assert ZoneInfo(name).key == name
