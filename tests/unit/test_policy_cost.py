"""Cost: an upper bound from a price table and an estimated duration."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.policy.cost import (
    CostLine,
    PriceTable,
    call_seconds,
    campaign_cost,
    show_amount,
    speech_seconds,
    total_cost,
    words_per_minute,
)
from reconciler.policy.zones import countries, tally

PRICES = PriceTable("EUR", Decimal("0.02"), {"GR": Decimal("0.012"), "US": Decimal("0.015")})
GR = ["+306912345678", "+306912345679"]
US = ["+12125550123"]
GB = ["+447400123401"]


def test_speech_seconds_round_up() -> None:
    assert speech_seconds("one two three", 150) == 2  # 1.2 s
    assert speech_seconds(" ".join(["word"] * 150), 150) == 60
    assert speech_seconds("", 150) == 1


def test_a_call_waits_for_key_presses() -> None:
    assert call_seconds(20, 5) == 25
    assert call_seconds(20, None) == 20


def test_billing_per_started_minute() -> None:
    assert PRICES.per_call("GR", 1) == Decimal("0.012")
    assert PRICES.per_call("GR", 60) == Decimal("0.012")
    assert PRICES.per_call("GR", 61) == Decimal("0.024")
    per_second = PriceTable("EUR", Decimal("0.06"), billing_seconds=1)
    assert per_second.per_call(None, 30) == Decimal("0.03")


def test_campaign_cost_by_country() -> None:
    cost = campaign_cost(countries(tally(GR + US + GB)), 90, PRICES)
    assert cost.lines == (
        CostLine("GB", 1, Decimal("0.02"), Decimal("0.04")),
        CostLine("GR", 2, Decimal("0.012"), Decimal("0.048")),
        CostLine("US", 1, Decimal("0.015"), Decimal("0.030")),
    )
    assert cost.total == Decimal("0.118")
    assert total_cost([cost, cost]) == Decimal("0.236")


def test_amounts_are_shown_rounded_up() -> None:
    assert show_amount(Decimal("0.118"), "EUR") == "0.12 EUR"
    assert show_amount(Decimal("1234.561"), "EUR") == "1,234.57 EUR"
    assert show_amount(Decimal(0), "EUR") == "0.00 EUR"


def test_words_per_minute_per_language() -> None:
    table = {"default": 150, "el-GR": 120}
    assert words_per_minute(table, "el-GR") == 120
    assert words_per_minute(table, "en-GB") == 150
    assert words_per_minute(table, None) == 150


@given(
    seconds=st.integers(1, 3600),
    calls=st.integers(0, 50),
    step=st.sampled_from([1, 6, 30, 60]),
)
def test_the_bound_is_never_below_billing_by_the_second(
    seconds: int, calls: int, step: int
) -> None:
    prices = PriceTable("EUR", Decimal("0.013"), billing_seconds=step)
    bound = campaign_cost(countries(tally(["+306912345678"] * calls)), seconds, prices).total
    assert bound >= Decimal("0.013") * seconds / 60 * calls
    assert bound < Decimal("0.013") * (seconds + step) / 60 * calls or calls == 0


@pytest.mark.parametrize("numbers", [[], GR])
def test_empty_or_not_the_total_adds_up(numbers: list[str]) -> None:
    cost = campaign_cost(countries(tally(numbers)), 30, PRICES)
    assert cost.total == sum((line.amount for line in cost.lines), Decimal(0))
