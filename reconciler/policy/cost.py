"""What an apply may cost, at most (design.md section 11).

Routee bills answered calls by the second (routee-voice-api.md section 10), at a per-minute price
that depends on the country called. Before sending, the tool knows neither who will answer nor how
long a call lasts, so it gives an upper bound: every call answered and listened to the end,
billed per started ``billing_seconds`` (60: per started minute, unless configured otherwise).

A call lasts as long as its message, plus the seconds it waits for key presses
(``collectDtmfAwaitSeconds``). A text message lasts its word count at ``words_per_minute`` of its
language; a recorded one (``fileURL``) lasts what its declaration says (``estimatedSeconds``),
since the tool does not fetch the audio. Numbers behind ``groups``/``contacts`` are not known
locally and not priced: the plan says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PriceTable:
    """Per-minute prices per country (ISO 3166), a default for the rest, and the billing step."""

    currency: str
    default: Decimal
    countries: Mapping[str, Decimal] = field(default_factory=dict)
    billing_seconds: int = 60

    def per_minute(self, country: str | None) -> Decimal:
        return self.countries.get(country or "", self.default)

    def per_call(self, country: str | None, seconds: int) -> Decimal:
        """The price of one answered call of ``seconds``, billed per started step."""
        steps = math.ceil(seconds / self.billing_seconds)
        return self.per_minute(country) * steps * self.billing_seconds / 60


def speech_seconds(text: str, words_per_minute: int) -> int:
    """How long ``text`` takes to say at ``words_per_minute`` (rounded up; at least 1 second)."""
    words = len(text.split())
    return max(1, math.ceil(words * 60 / words_per_minute))


def call_seconds(message_seconds: int, dtmf_await_seconds: int | None) -> int:
    """A call's length: its message and the wait for key presses after it."""
    return message_seconds + (dtmf_await_seconds or 0)


@dataclass(frozen=True)
class CostLine:
    """The calls of one campaign to one country: how many, at what price, for how much."""

    country: str | None
    calls: int
    per_minute: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CampaignCost:
    """The upper bound for one campaign: every call answered, ``seconds`` long."""

    seconds: int
    lines: tuple[CostLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def campaign_cost(
    countries: Mapping[str | None, int], seconds: int, prices: PriceTable
) -> CampaignCost:
    """The most that calling ``countries[c]`` numbers in each country ``c`` for ``seconds``
    each can cost under ``prices``."""
    lines = tuple(
        CostLine(
            country,
            calls,
            prices.per_minute(country),
            prices.per_call(country, seconds) * calls,
        )
        for country, calls in sorted(countries.items(), key=lambda item: item[0] or "")
    )
    return CampaignCost(seconds, lines)


def total_cost(costs: Iterable[CampaignCost]) -> Decimal:
    return sum((cost.total for cost in costs), Decimal(0))


def show_amount(amount: Decimal, currency: str) -> str:
    """``Decimal("12.3401")`` as ``12.35 EUR``: rounded up to the cent, it stays a bound."""
    return f"{amount.quantize(CENT, rounding=ROUND_CEILING):,} {currency}"


def words_per_minute(table: Mapping[str, int], language: str | None) -> int:
    """The rate for ``language`` in ``table``, else its ``default`` entry."""
    return table.get(language or "", table["default"])
