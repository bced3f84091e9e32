"""Calling windows: parsing, the window test itself, and the check over numbers and zones.

Every test uses a fixed clock; the dates are chosen around real daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.policy.windows import (
    CallingWindow,
    WindowRules,
    check_windows,
    days_text,
    parse_days,
    parse_window,
    ring_time_of,
)
from reconciler.policy.zones import locate, tally

EVERY_DAY = frozenset(range(7))
WEDNESDAY_NOON = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)
NEW_YORK = "+12125550123"
LOS_ANGELES = "+13105550123"
ALASKA = "+19075550123"  # Anchorage or Adak: two zones
MOSCOW_MOBILE = "+79161234567"  # a Russian mobile: any of 16 zones
VLADIVOSTOK = "+74212123456"
AU_MOBILE = "+61412345678"  # any Australian zone
SAO_PAULO = "+5511987654321"
MANAUS = "+5592991234567"
ATHENS = "+306912345678"


def window(text: str, days: str = "mon-sun") -> CallingWindow:
    start, end = parse_window(text)
    return CallingWindow(start, end, parse_days(days))


def rules(text: str = "09:00-20:00", days: str = "mon-sun", **countries: str) -> WindowRules:
    return WindowRules(window(text, days), {c: window(w, days) for c, w in countries.items()})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00-20:00", (32400, 72000)), ("00:00-24:00", (0, 86400)), ("20:30-02:15", (73800, 8100))],
)
def test_parse_window(text: str, expected: tuple[int, int]) -> None:
    assert parse_window(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-20", "is not a window like"),
        ("09:00-20:00x", "is not a window like"),
        ("24:00-05:00", "hours are 00-23"),
        ("09:60-10:00", "minutes 00-59"),
        ("09:00-24:30", "24:00 only as an end"),
        ("10:00-10:00", "starts where it ends"),
        ("00:00-00:00", "starts where it ends"),
    ],
)
def test_bad_window(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_window(text)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("mon-fri,sun", {0, 1, 2, 3, 4, 6}),
        ("sat-mon", {5, 6, 0}),
        ("Wed", {2}),
        ("mon-sun", set(range(7))),
    ],
)
def test_parse_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "monday", "mon-", "mon-tue-wed", "mon;tue"])
def test_bad_days(text: str) -> None:
    with pytest.raises(ValueError, match="is not a list of days"):
        parse_days(text)


@given(st.sets(st.integers(0, 6), min_size=1))
def test_days_text_reads_back(days: set[int]) -> None:
    assert parse_days(days_text(days)) == days


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """1 March 2027 is a Monday: ``at(0, 9)`` is Monday 09:00 in Athens."""
    return datetime(2027, 3, 1 + day, hour, minute, tzinfo=ZoneInfo("Europe/Athens"))


def test_a_window_includes_its_start_and_excludes_its_end() -> None:
    daytime = window("09:00-20:00", "mon-sat")
    assert daytime.allows(at(0, 9))
    assert not daytime.allows(at(0, 8, 59))
    assert daytime.allows(at(0, 19, 59))
    assert not daytime.allows(at(0, 20))
    assert not daytime.allows(at(6, 12))  # Sunday


def test_a_window_spanning_midnight_belongs_to_the_day_it_starts() -> None:
    night = window("20:00-02:00", "mon-fri")
    assert night.allows(at(4, 23))  # Friday 23:00
    assert night.allows(at(5, 1, 59))  # Saturday 01:59: Friday's window
    assert not night.allows(at(5, 2))  # Saturday 02:00: over
    assert not night.allows(at(5, 20))  # Saturday 20:00: no window starts on Saturday
    assert not night.allows(at(0, 1))  # Monday 01:00 belongs to Sunday
    assert not night.allows(at(2, 12))  # Wednesday noon


@given(
    start=st.integers(0, 23 * 60 + 59),
    length=st.integers(1, 24 * 60 - 1),
    days=st.sets(st.integers(0, 6), min_size=1),
    moment=st.integers(0, 14 * 24 * 60 - 1),
)
def test_allows_agrees_with_listing_every_open_minute(
    start: int, length: int, days: set[int], moment: int
) -> None:
    """A window is the set of minutes from ``start`` for ``length`` minutes on each allowed
    day; ``allows`` must say exactly that, whether the window spans midnight or not."""
    end = (start + length) % (24 * 60) or 24 * 60
    tested = CallingWindow(start * 60, end * 60, frozenset(days))
    local = datetime(2027, 3, 1, tzinfo=UTC) + timedelta(minutes=moment)
    open_minutes = {
        day * 24 * 60 + start + step
        for day in range(-1, 15)
        for step in range(length)
        if day % 7 in days
    }
    assert tested.allows(local) == (moment in open_minutes)


def test_each_zone_of_a_multi_zone_country_gets_its_own_local_time() -> None:
    # 14:00 UTC on Wednesday 3 March: 09:00 in New York, 06:00 in Los Angeles.
    ring = datetime(2027, 3, 3, 14, 0, tzinfo=UTC)
    check = check_windows(
        tally([NEW_YORK, LOS_ANGELES, LOS_ANGELES]), ring, rules(US="08:00-21:00")
    )
    rows = {row.zone: row for row in check.rows}
    assert rows["America/New_York"].inside
    assert rows["America/New_York"].local_time == datetime(
        2027, 3, 3, 9, 0, tzinfo=ZoneInfo("America/New_York")
    )
    assert not rows["America/Los_Angeles"].inside
    assert rows["America/Los_Angeles"].count == 2
    assert rows["America/Los_Angeles"].window == "08:00-21:00 mon-sun"
    assert (check.checked, check.outside) == (3, 2)


def test_a_number_with_several_zones_is_outside_when_any_of_them_is() -> None:
    # 07:00 UTC: 10:00 in Moscow (inside) but 17:00 in Vladivostok and 19:00 in Kamchatka...
    ring = datetime(2027, 3, 3, 7, 0, tzinfo=UTC)
    check = check_windows(tally([MOSCOW_MOBILE]), ring, rules("09:00-18:00"))
    verdicts = {row.zone: row.inside for row in check.rows}
    assert verdicts["Europe/Moscow"]
    assert not verdicts["Asia/Kamchatka"]
    assert len(check.rows) == 16
    assert check.outside == 1
    # A fixed line in Vladivostok has one zone: 17:00 there is inside.
    assert check_windows(tally([VLADIVOSTOK]), ring, rules("09:00-18:00")).outside == 0


def test_australian_mobile_and_brazilian_areas() -> None:
    # 23:00 UTC on Tuesday: 10:00 Wednesday in Sydney (summer time), 07:00 in Perth;
    # 20:00 Tuesday in Sao Paulo, 19:00 in Manaus.
    ring = datetime(2027, 3, 2, 23, 0, tzinfo=UTC)
    checked = check_windows(tally([AU_MOBILE, SAO_PAULO, MANAUS]), ring, rules("08:00-19:30"))
    verdicts = {row.zone: row.inside for row in checked.rows}
    assert verdicts["Australia/Sydney"]
    assert not verdicts["Australia/Perth"]
    assert not verdicts["America/Sao_Paulo"]
    assert verdicts["America/Manaus"]
    assert checked.outside == 2  # the mobile (Perth possible) and Sao Paulo


def test_daylight_saving_time_is_applied_on_its_date() -> None:
    """New York moves to UTC-4 on Sunday 14 March 2027 at 02:00: 12:30 UTC is 07:30 the day
    before (outside 08:00-21:00) and 08:30 that day (inside)."""
    us = rules(US="08:00-21:00")
    before = check_windows(tally([NEW_YORK]), datetime(2027, 3, 13, 12, 30, tzinfo=UTC), us)
    after = check_windows(tally([NEW_YORK]), datetime(2027, 3, 14, 12, 30, tzinfo=UTC), us)
    assert (before.outside, after.outside) == (1, 0)
    assert after.rows[0].local_time is not None
    assert after.rows[0].local_time.utcoffset() == timedelta(hours=-4)


def test_daylight_saving_time_ends_too() -> None:
    """Athens leaves summer time on Sunday 31 October 2027 at 04:00 local: 06:30 UTC is 09:30
    on the Saturday (inside 09:00-20:00) and 08:30 on the Sunday (outside)."""
    athens = rules()
    saturday = check_windows(tally([ATHENS]), datetime(2027, 10, 30, 6, 30, tzinfo=UTC), athens)
    sunday = check_windows(tally([ATHENS]), datetime(2027, 10, 31, 6, 30, tzinfo=UTC), athens)
    assert (saturday.outside, sunday.outside) == (0, 1)


def test_allowed_days_are_the_recipient_s_days() -> None:
    """23:30 UTC on Saturday is Sunday 09:30 in Sydney (AEDT ends in April) while it is still
    Saturday evening in Europe: with mon-sat, Sydney is outside."""
    ring = datetime(2027, 3, 6, 22, 30, tzinfo=UTC)
    check = check_windows(tally(["+61212345678"]), ring, rules("09:00-23:00", "mon-sat"))
    assert check.outside == 1
    assert check.rows[0].local_time is not None
    assert check.rows[0].local_time.strftime("%a %H:%M") == "Sun 09:30"


def test_country_window_overrides_the_default() -> None:
    ring = datetime(2027, 3, 3, 12, 30, tzinfo=UTC)  # 07:30 in New York, 14:30 in Athens
    check = check_windows(tally([NEW_YORK, ATHENS]), ring, rules("09:00-20:00", US="07:00-21:00"))
    assert check.outside == 0


def test_ring_time_needs_a_zone() -> None:
    with pytest.raises(ValueError, match="must carry a time zone"):
        check_windows(tally([ATHENS]), datetime(2027, 3, 3, 12, 0), rules())


def test_ring_time_is_the_scheduled_date_or_now() -> None:
    assert ring_time_of(None, WEDNESDAY_NOON) == WEDNESDAY_NOON
    later = "2027-03-05T09:00:00+02:00"
    assert ring_time_of(later, WEDNESDAY_NOON) == datetime(2027, 3, 5, 7, 0, tzinfo=UTC)
    # A scheduledDate that has passed rings at once.
    assert ring_time_of("2027-03-01T09:00:00Z", WEDNESDAY_NOON) == WEDNESDAY_NOON


NUMBERS = [
    NEW_YORK,
    LOS_ANGELES,
    ALASKA,
    MOSCOW_MOBILE,
    VLADIVOSTOK,
    AU_MOBILE,
    SAO_PAULO,
    MANAUS,
    ATHENS,
    "+447400123401",
    "+14165550123",
]


@given(
    numbers=st.lists(st.sampled_from(NUMBERS), max_size=20),
    minutes=st.integers(0, 366 * 24 * 60),
    start=st.integers(0, 23),
    hours=st.integers(1, 23),
)
def test_outside_count_is_the_worst_case_per_number(
    numbers: list[str], minutes: int, start: int, hours: int
) -> None:
    """Counted per number: outside if the window rejects the ring time in any of its zones."""
    ring = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    end = (start + hours) % 24
    tested = rules(f"{start:02d}:00-{end:02d}:00", "mon-fri")
    check = check_windows(tally(numbers), ring, tested)
    expected = sum(
        1
        for number in numbers
        if not all(
            tested.default.allows(ring.astimezone(ZoneInfo(z))) for z in locate(number).zones
        )
    )
    assert check.outside == expected
    assert check.checked == len(numbers)
    assert sum(row.count for row in check.rows) == sum(len(locate(n).zones) for n in numbers)
