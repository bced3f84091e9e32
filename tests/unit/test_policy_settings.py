"""``[policy]``, ``[workspaces.NAME.policy]`` and ``[prices]`` in campaigns.toml."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from reconciler.config import Config, load_config
from reconciler.errors import ConfigError
from reconciler.policy.frequency import Cap

ISSUE_EXAMPLE = """\
[policy]
suppress = ["suppressions/do-not-call.csv"]   # paths relative to the project root
on_suppressed = "drop"                        # or "error"
calling_window = "09:00-20:00"                # default, in the recipient's local time
calling_days = "mon-sat"
max_calls = 2                                 # per number ...
per_days = 7                                  # ... within this many days
max_cost = 500                                # estimated upper bound per apply, in `currency`
words_per_minute = 150

[policy.windows]                              # per ISO 3166 country code
US = "08:00-21:00"

[prices]                                      # per started minute
currency = "EUR"
default = 0.02
GR = 0.012
"""


def config(tmp_path: Path, text: str) -> Config:
    (tmp_path / "campaigns.toml").write_text(text)
    return load_config(tmp_path)


def test_no_policy_table_means_the_shipped_defaults(tmp_path: Path) -> None:
    policy = load_config(tmp_path).policy("production")
    assert policy.defaults_used() == [
        "calling_window 09:00-20:00",
        "calling_days mon-sat",
        "windows US 08:00-21:00",
        "no suppression list",
        "no frequency cap",
        "no cost guard",
        "words_per_minute 150",
    ]
    rules = policy.window_rules
    assert rules.default.text == "09:00-20:00 mon-sat"
    assert rules.for_country("US").text == "08:00-21:00 mon-sat"
    assert policy.cap is None
    assert policy.price_table is None
    assert policy.rates == {"default": 150}
    sunday = datetime(2027, 3, 7, 12, 0, tzinfo=UTC)
    assert not rules.default.allows(sunday)


def test_the_issue_s_example(tmp_path: Path) -> None:
    policy = config(tmp_path, ISSUE_EXAMPLE).policy("production")
    assert policy.defaults_used() == []
    assert policy.settings.suppress == ["suppressions/do-not-call.csv"]
    assert policy.cap == Cap(2, 7)
    assert policy.settings.max_cost == Decimal(500)
    prices = policy.price_table
    assert prices is not None
    assert (prices.currency, prices.default, prices.billing_seconds) == ("EUR", Decimal("0.02"), 60)
    assert prices.countries == {"GR": Decimal("0.012")}


def test_a_workspace_overrides_keys(tmp_path: Path) -> None:
    text = ISSUE_EXAMPLE + (
        "\n[workspaces.sandbox.policy]\nmax_calls = 5\n"
        'calling_days = "mon-sun"\nwindows = {GR = "10:00-18:00"}\n'
        'words_per_minute = {default = 140, "el-GR" = 120}\n'
        '[policy.days]\nDE = "mon-fri"\n'
    )
    loaded = config(tmp_path, text)
    sandbox = loaded.policy("sandbox")
    assert sandbox.cap == Cap(5, 7)
    assert sandbox.window_rules.for_country("GR").text == "10:00-18:00 mon-sun"
    assert sandbox.window_rules.for_country("US").text == "09:00-20:00 mon-sun"  # replaced whole
    assert sandbox.rates == {"default": 140, "el-GR": 120}
    production = loaded.policy("production")
    assert production.cap == Cap(2, 7)
    assert production.window_rules.for_country("DE").text == "09:00-20:00 mon-fri"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[policy]\nsuppress = ["../dnc.csv"]\n',
            "campaigns.toml:2:1: policy.suppress.0: '../dnc.csv'",
        ),
        ('[policy]\nsuppress = ["/etc/dnc.csv"]\n', "campaigns.toml:2:1: policy.suppress.0"),
        ('[policy]\non_suppressed = "skip"\n', "campaigns.toml:2:1: policy.on_suppressed"),
        (
            '[policy]\ncalling_window = "9-20"\n',
            "campaigns.toml:2:1: policy.calling_window: '9-20' is not a window",
        ),
        (
            '[policy]\ncalling_days = "weekdays"\n',
            "campaigns.toml:2:1: policy.calling_days: 'weekdays'",
        ),
        ("[policy]\nmax_calls = 0\n", "campaigns.toml:2:1: policy.max_calls"),
        ("[policy]\nper_days = 0\n", "campaigns.toml:2:1: policy.per_days"),
        ("[policy]\nwords_per_minute = 5\n", "campaigns.toml:2:1: policy.words_per_minute"),
        (
            "[policy]\nwords_per_minute = {english = 150}\n",
            "'english' is neither 'default' nor a language",
        ),
        (
            "[policy]\ncalling_windw = '09:00-20:00'\n",
            "policy.calling_windw: unknown key (did you mean calling_window?)",
        ),
        (
            '[policy.windows]\nUSA = "08:00-21:00"\n',
            "campaigns.toml:2:1: policy.windows.USA: 'USA' is not an ISO 3166",
        ),
        (
            '[policy.windows]\nUS = "08:00-08:00"\n',
            "policy.windows.US: '08:00-08:00' starts where it ends",
        ),
        ('[policy.days]\nUS = "mon-funday"\n', "campaigns.toml:2:1: policy.days.US"),
        (
            "[policy]\nmax_cost = 500\n",
            "campaigns.toml:2:1: policy.max_cost: max_cost needs a [prices] table",
        ),
        (
            "[workspaces.p.policy]\nmax_cost = 5\n",
            "campaigns.toml:2:1: workspaces.p.policy.max_cost: max_cost needs",
        ),
        ('[prices]\ncurrency = "EUR"\n', "campaigns.toml:1:1: prices.default: Field required"),
        (
            '[prices]\ncurrency = "euro"\ndefault = 1\n',
            "campaigns.toml:2:1: prices.currency: 'euro'",
        ),
        (
            '[prices]\ncurency = "EUR"\n',
            "prices.curency: 'curency' is not a country code (two capitals, e.g. GR) nor a key of [prices] (did you mean currency?)",
        ),
        ('[prices]\ncurrency = "EUR"\ndefault = 1\nGR = -1\n', "campaigns.toml:4:1: prices.GR"),
        ('[prices]\ncurrency = "EUR"\ndefault = nan\n', "campaigns.toml:3:1: prices.default"),
        (
            '[workspaces.p.policy]\ncalling_window = "x"\n',
            "campaigns.toml:2:1: workspaces.p.policy.calling_window",
        ),
    ],
)
def test_every_key_is_checked_with_its_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        config(tmp_path, text)
    assert expected in str(raised.value)
