"""Frequency caps across campaigns: at most ``max_calls`` per number within ``per_days``.

Calls are counted by ring time over the state's submissions that were not cancelled (and that
the plan does not cancel) and the plan's own sends. A planned call is over the cap when some
stretch of ``per_days`` days that contains it holds more than ``max_calls`` calls to the same
number, counting itself: with 2 calls per 7 days, calls on day 0 and day 6 leave no room for one
on day 3, but one on day 13 is fine. The stretch may also reach forward, to a call already
scheduled later: a new call between two scheduled ones can break the cap of either.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain


@dataclass(frozen=True)
class Cap:
    max_calls: int
    per_days: int

    @property
    def span(self) -> timedelta:
        return timedelta(days=self.per_days)


@dataclass(frozen=True)
class Call:
    """A call that rang or may ring: the number and when (aware)."""

    number: str
    ring_time: datetime


@dataclass(frozen=True)
class PlannedCalls:
    """The numbers one planned send will call, and when."""

    campaign: str
    ring_time: datetime
    numbers: Sequence[str]


def over_cap(
    planned: Iterable[PlannedCalls],
    earlier: Iterable[Call],
    cap: Cap,
    numbers: AbstractSet[str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Per planned campaign, the numbers (in order) whose call there would break ``cap``
    (``numbers``: every planned number, when the caller has the set already)."""
    sends = list(planned)
    busy, earlier = _busy(sends, earlier, cap, numbers)
    times: dict[str, list[datetime]] = defaultdict(list)
    for send in sends:
        hit = busy.intersection(send.numbers)
        if hit:
            listed = Counter(send.numbers)  # a number listed twice in one send rings twice
            for number in hit:
                times[number].extend([send.ring_time] * listed[number])
    for call in earlier:
        if call.number in busy:
            times[call.number].append(call.ring_time)
    for number in busy:
        times[number].sort()
    return {
        send.campaign: tuple(
            n for n in send.numbers if n in busy and _breaks(times[n], send.ring_time, cap)
        )
        for send in sends
    }


def _busy(
    sends: Sequence[PlannedCalls],
    earlier: Iterable[Call],
    cap: Cap,
    numbers: AbstractSet[str] | None,
) -> tuple[set[str], list[Call]]:
    """The numbers called more than ``max_calls`` times in all, and the earlier calls to the
    plan's numbers. When the plan calls no number twice (the usual case) each of its numbers
    counts once plus its earlier calls, and no count of every number is made (a plan may call
    a million numbers; design.md 9)."""
    if numbers is None:
        numbers = set(chain.from_iterable(send.numbers for send in sends))
    earlier = [call for call in earlier if call.number in numbers]
    if cap.max_calls >= 1 and len(numbers) == sum(len(send.numbers) for send in sends):
        before = Counter(call.number for call in earlier)
        return {number for number, count in before.items() if count >= cap.max_calls}, earlier
    calls = Counter(chain.from_iterable(send.numbers for send in sends))
    calls.update(call.number for call in earlier)
    return {number for number, count in calls.items() if count > cap.max_calls}, earlier


def _breaks(times: Sequence[datetime], at: datetime, cap: Cap) -> bool:
    """Whether some stretch of ``cap.span`` containing ``at`` holds over ``max_calls`` of
    the sorted ``times`` (which include ``at``). Such a stretch can start at a call."""
    first = bisect_right(times, at - cap.span)
    last = bisect_right(times, at)
    for index in range(first, last):
        end = bisect_left(times, times[index] + cap.span)
        if end - index > cap.max_calls:
            return True
    return False


def counts(over: Mapping[str, tuple[str, ...]]) -> int:
    """How many planned calls break the cap, over every campaign."""
    return sum(len(numbers) for numbers in over.values())
