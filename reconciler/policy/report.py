"""Every check over a plan's POSTs, as the plan's ``policy`` section (a pure function).

The plan layer hands over what each POST will send (:class:`Send`, after suppression), the calls
already made or scheduled (:func:`earlier_calls` reads them from the state) and the clock;
:func:`check_sends` answers with a :class:`~reconciler.models.policy.PolicyReport`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any, TypeVar

from reconciler.models.policy import (
    CampaignCheck,
    CountryCost,
    PolicyReport,
    SuppressedNumber,
    ZoneRow,
)
from reconciler.models.state import State, SubmissionStatus
from reconciler.policy.cost import (
    CENT,
    PriceTable,
    call_seconds,
    campaign_cost,
    speech_seconds,
    words_per_minute,
)
from reconciler.policy.frequency import Call, PlannedCalls, over_cap
from reconciler.policy.settings import Policy
from reconciler.policy.suppression import Entry
from reconciler.policy.windows import WindowCheck, WindowRules, check_windows, ring_time_of
from reconciler.policy.zones import Location, countries, tally

#: Recipient sources Routee resolves: their numbers are not known locally.
UNSEEN_SOURCES = ("contacts", "groups")
_CANCELLED = (SubmissionStatus.CANCELLED, SubmissionStatus.CANCELLED_EXTERNALLY)


@dataclass(frozen=True)
class PolicyInputs:
    """What the checks need besides the plan: the policy in force and the suppressed numbers."""

    policy: Policy
    listed: Mapping[str, Entry] = field(default_factory=dict)


@dataclass(frozen=True)
class Send:
    """One POST of the plan as the checks see it: the request as it will be sent."""

    id: str
    request: Mapping[str, Any]
    #: Numbers declared before suppression (``to`` and ``toFile``).
    declared: int
    suppressed: tuple[Entry, ...] = ()
    #: ``estimatedSeconds`` of a ``fileURL`` declaration.
    estimated_seconds: int | None = None

    @property
    def numbers(self) -> Sequence[str]:
        return tuple(self.request.get("to", ()))


def amount(value: Decimal) -> str:
    """An amount as the plan writes it: cents, rounded up (``"12.35"``)."""
    return str(value.quantize(CENT, rounding=ROUND_CEILING))


def check_sends(
    sends: Sequence[Send],
    earlier: Callable[[Collection[str]], Iterable[Call]],
    policy: Policy,
    now: datetime,
) -> PolicyReport:
    """The checks of every POST in ``sends`` at the aware clock ``now``; ``earlier(numbers)``
    gives the calls already made or scheduled to those numbers (asked only under a cap)."""
    rings = {send.id: ring_time_of(send.request.get("scheduledDate"), now) for send in sends}
    cap = policy.cap
    over: Mapping[str, tuple[str, ...]] = {}
    if cap is not None and sends:
        planned = [PlannedCalls(s.id, rings[s.id], s.numbers) for s in sends]
        numbers = {number for send in sends for number in send.numbers}
        over = over_cap(planned, earlier(numbers), cap, numbers)
    prices = policy.price_table
    rules, rates = policy.window_rules, policy.rates
    shared: _Shared = {}
    checks = tuple(
        _check(
            send,
            rings[send.id],
            now,
            (rules, rates),
            over=over.get(send.id, ()),
            prices=prices,
            shared=shared,
        )
        for send in sends
    )
    return PolicyReport(
        defaults_used=tuple(policy.defaults_used()),
        on_suppressed=policy.settings.on_suppressed,
        frequency_cap=f"{cap.max_calls} calls per {cap.per_days} days" if cap else None,
        currency=prices.currency if prices else None,
        max_cost=_optional_amount(policy.settings.max_cost),
        total_cost=_total(checks) if prices else None,
        campaigns=checks,
    )


def _check(
    send: Send,
    ring: datetime,
    now: datetime,
    settings: tuple[WindowRules, Mapping[str, int]],
    *,
    over: tuple[str, ...],
    prices: PriceTable | None,
    shared: _Shared,
) -> CampaignCheck:
    rules, rates = settings
    located = tally(send.numbers)
    ring_time = sys.intern(ring.isoformat())
    outside, zones = _windows(located, ring, ring_time, rules, shared)
    seconds, duration = _call_length(send, rates)
    cost: str | None = None
    cost_lines: tuple[CountryCost, ...] = ()
    if prices is not None and seconds is not None:
        cost, cost_lines = _cost(countries(located), seconds, prices, shared)
    return CampaignCheck(
        id=send.id,
        ring_time=ring_time,
        immediate=ring == now,
        declared=send.declared,
        suppressed=tuple(
            SuppressedNumber(number=e.number, listed_at=e.where, reason=e.reason)
            for e in send.suppressed
        ),
        unchecked=tuple(key for key in UNSEEN_SOURCES if send.request.get(key)),
        outside_window=outside,
        zones=zones,
        over_frequency=over,
        call_seconds=seconds,
        duration=sys.intern(duration),
        cost=cost,
        cost_lines=cost_lines,
    )


def _cost(
    located: Mapping[str | None, int], seconds: int, prices: PriceTable, shared: _Shared
) -> tuple[str, tuple[CountryCost, ...]]:
    """The cost and its lines, computed once per call length and count per country."""
    key = ("cost", seconds, frozenset(located.items()))
    found = shared.get(key)
    if found is None:
        cost = campaign_cost(located, seconds, prices)
        lines = tuple(
            _one(
                shared,
                CountryCost,
                country=line.country,
                calls=line.calls,
                per_minute=str(line.per_minute),
                amount=amount(line.amount),
            )
            for line in cost.lines
        )
        found = shared[key] = (sys.intern(amount(cost.total)), lines)
    return found


#: Equal rows of a report, made once: most campaigns of a plan ring in the same zones at the
#: same times and cost the same per country (10,000 sends: ~19 MB less, design.md 9).
_Shared = dict[tuple[Any, ...], Any]
_Row = TypeVar("_Row", ZoneRow, CountryCost)


def _windows(
    located: Mapping[Location, int],
    ring: datetime,
    ring_time: str,
    rules: WindowRules,
    shared: _Shared,
) -> tuple[int, tuple[ZoneRow, ...]]:
    """Numbers outside their window and the zone rows, computed once per ring time (as
    written: the same instant written differently gives its own rows) and tally."""
    key = ("windows", ring_time, frozenset(located.items()))
    found = shared.get(key)
    if found is None:
        windows = check_windows(located, ring, rules)
        found = shared[key] = (windows.outside, _zone_rows(windows, shared))
    return found


def _one(shared: _Shared, model: type[_Row], **fields: Any) -> _Row:
    """``model(**fields)``, the same frozen instance for the same fields within one report."""
    key = (model, *fields.items())
    found = shared.get(key)
    if found is None:
        found = shared[key] = model(**fields)
    return found


def zone_rows(
    located: Mapping[Location, int], ring: datetime, rules: WindowRules
) -> tuple[ZoneRow, ...]:
    """The zone rows of numbers ``located`` ringing at ``ring`` (as a plan shows them)."""
    return _zone_rows(check_windows(located, ring, rules))


def _zone_rows(check: WindowCheck, shared: _Shared | None = None) -> tuple[ZoneRow, ...]:
    """A row per group of zones where the same recipients ring at the same local time (the
    four zones of a British number are one row), in the order of the first zone."""
    groups: dict[tuple[str | None, int, str | None, str, bool], list[str]] = {}
    for row in check.rows:
        local = row.local_time.isoformat() if row.local_time else None
        groups.setdefault((row.country, row.count, local, row.window, row.inside), []).append(
            row.zone
        )
    return tuple(
        _one(
            {} if shared is None else shared,
            ZoneRow,
            country=country,
            zone=", ".join(zones),
            count=count,
            local_time=local,
            window=window,
            inside=inside,
        )
        for (country, count, local, window, inside), zones in groups.items()
    )


def _call_length(send: Send, rates: Mapping[str, int]) -> tuple[int | None, str]:
    """Seconds of one answered call, and how they were estimated."""
    message = send.request.get("message")
    if isinstance(message, Mapping) and isinstance(message.get("text"), str):
        language = message.get("language")
        rate = words_per_minute(rates, language if isinstance(language, str) else None)
        spoken = speech_seconds(message["text"], rate)
        basis = f"{len(message['text'].split())} words at {rate} words/min"
    elif send.estimated_seconds is not None:
        spoken, basis = send.estimated_seconds, "estimatedSeconds"
    else:
        return None, "a fileURL campaign without estimatedSeconds"
    wait = send.request.get("collectDtmfAwaitSeconds")
    waited = math.ceil(wait) if isinstance(wait, int | float) else None
    if waited:
        basis += f" + {waited} s waiting for key presses"
    return call_seconds(spoken, waited), basis


def _total(checks: Iterable[CampaignCheck]) -> str:
    return amount(sum((Decimal(c.cost) for c in checks if c.cost is not None), Decimal(0)))


def _optional_amount(value: Decimal | None) -> str | None:
    return None if value is None else amount(value)


def earlier_calls(
    state: State, cancelled: Collection[str] = (), numbers: Collection[str] | None = None
) -> list[Call]:
    """Calls the state's submissions made or will make: every submission not cancelled, and not
    among the trackingIds ``cancelled`` by this plan, at its ring time (to ``numbers`` only,
    when given)."""
    calls: list[Call] = []
    for record in state.campaigns.values():
        for submission in record.submissions:
            if submission.status in _CANCELLED or submission.tracking_id in cancelled:
                continue
            to = submission.request.get("to", ())
            called = to if numbers is None else [n for n in to if n in numbers]
            if called:
                submitted = datetime.fromisoformat(submission.submitted_at)
                ring = ring_time_of(submission.request.get("scheduledDate"), submitted)
                calls.extend(Call(number, ring) for number in called)
    return calls


def submission_estimates(
    state: State, policy: Policy, estimated: Mapping[str, int] | None = None
) -> dict[str, str]:
    """Per campaign id, the upper bound of its last submission's cost under today's prices
    (``"0.05 EUR"``), to show beside the cost Routee reports; empty without ``[prices]``.

    ``estimated`` gives ``estimatedSeconds`` per id (a ``fileURL`` campaign has no length
    otherwise, and gets no estimate).
    """
    prices = policy.price_table
    if prices is None:
        return {}
    shown: dict[str, str] = {}
    for record in state.campaigns.values():
        last = record.last
        if last is None:
            continue
        send = Send(record.id, last.request, 0, estimated_seconds=(estimated or {}).get(record.id))
        seconds, _ = _call_length(send, policy.rates)
        if seconds is not None:
            cost = campaign_cost(countries(tally(send.numbers)), seconds, prices)
            shown[record.id] = f"{amount(cost.total)} {prices.currency}"
    return shown


def recorded_lengths(state: State) -> dict[str, int]:
    """``estimatedSeconds`` per campaign id, as the last apply loaded it (``State.sources``)."""
    return {
        item.id: item.estimated_seconds
        for source in state.sources.values()
        for item in source.campaigns
        if item.estimated_seconds is not None
    }
