"""Frequency caps: counted by ring time over earlier calls and the plan's sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from reconciler.policy.frequency import Call, Cap, PlannedCalls, counts, over_cap

DAY0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
A, B, C = "+306912345678", "+447400123401", "+12125550123"


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


def test_under_the_cap_nothing_is_over() -> None:
    planned = [PlannedCalls("promo", day(3), [A, B])]
    assert over_cap(planned, [Call(A, day(0))], Cap(2, 7)) == {"promo": ()}


def test_a_third_call_within_the_days_is_over() -> None:
    planned = [PlannedCalls("promo", day(3), [A, B, C])]
    earlier = [Call(A, day(0)), Call(A, day(6)), Call(B, day(-10)), Call(B, day(0))]
    assert over_cap(planned, earlier, Cap(2, 7)) == {"promo": (A,)}


def test_the_stretch_of_days_slides() -> None:
    """Calls on day 0 and 13 leave room on day 6.5 for 2 per 7 days: no 7-day stretch holds
    three. A call on day 10 would share one with day 6.5 and 13... still two at most."""
    earlier = [Call(A, day(0)), Call(A, day(13))]
    assert over_cap([PlannedCalls("x", day(6.5), [A])], earlier, Cap(2, 7)) == {"x": ()}
    crowded = [*earlier, Call(A, day(11))]
    assert over_cap([PlannedCalls("x", day(6.5), [A])], crowded, Cap(2, 7)) == {"x": (A,)}


def test_a_later_scheduled_call_counts_too() -> None:
    earlier = [Call(A, day(5))]  # already scheduled, rings later than the new send
    assert over_cap([PlannedCalls("x", day(1), [A])], earlier, Cap(1, 7)) == {"x": (A,)}
    assert over_cap([PlannedCalls("x", day(-3), [A])], earlier, Cap(1, 7)) == {"x": ()}


def test_two_planned_sends_count_each_other() -> None:
    planned = [PlannedCalls("a", day(0), [A, B]), PlannedCalls("b", day(1), [A])]
    over = over_cap(planned, [], Cap(1, 7))
    assert over == {"a": (A,), "b": (A,)}
    assert counts(over) == 2


@given(
    earlier=st.lists(st.integers(-30, 30), max_size=8),
    planned=st.lists(st.integers(-30, 30), min_size=1, max_size=4),
    max_calls=st.integers(1, 4),
    per_days=st.integers(1, 14),
)
def test_agrees_with_checking_every_stretch(
    earlier: list[int], planned: list[int], max_calls: int, per_days: int
) -> None:
    """Brute force: a planned call is over when some stretch [s, s + per_days) containing it,
    for s on a half-day grid wide enough to hold every start that matters, holds too many."""
    cap = Cap(max_calls, per_days)
    times = [day(d) for d in earlier] + [day(d) for d in planned]
    sends = [PlannedCalls(f"c{i}", day(d), [A]) for i, d in enumerate(planned)]
    over = over_cap(sends, [Call(A, day(d)) for d in earlier], cap)
    for index, planned_day in enumerate(planned):
        at = day(planned_day)
        starts = [t for t in times if at - cap.span < t <= at]
        worst = max(sum(1 for t in times if s <= t < s + cap.span) for s in starts)
        assert (A in over[f"c{index}"]) == (worst > max_calls)
