"""The ``[policy]`` and ``[prices]`` tables of ``campaigns.toml`` (docs/policy.md)::

    [policy]
    suppress = ["suppressions/do-not-call.csv"]   # paths relative to the project root
    on_suppressed = "drop"                        # or "error"
    calling_window = "09:00-20:00"                # default, in the recipient's local time
    calling_days = "mon-sat"
    max_calls = 2                                 # per number ...
    per_days = 7                                  # ... within this many days
    max_cost = 500                                # estimated upper bound per apply, in `currency`
    words_per_minute = 150                        # or a table: default = 150, "el-GR" = 140

    [policy.windows]                              # per ISO 3166 country code
    US = "08:00-21:00"

    [policy.days]                                 # allowed days per country
    DE = "mon-fri"

    [prices]                                      # per started minute (billing_seconds = 60)
    currency = "EUR"
    default = 0.02
    GR = 0.012

``[workspaces.NAME.policy]`` sets any of the ``[policy]`` keys for one workspace; a key set
there replaces the project's value whole (a ``windows`` table there replaces ``[policy.windows]``).
Without a ``[policy]`` table the shipped defaults apply: 09:00-20:00 Monday to Saturday, the US
08:00-21:00, no suppression list, no frequency cap, no cost guard. :meth:`Policy.defaults_used`
names the defaults in force, so a plan can say which it used.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from reconciler.policy.cost import PriceTable
from reconciler.policy.frequency import Cap
from reconciler.policy.windows import CallingWindow, WindowRules, parse_days, parse_window

DEFAULT_WINDOW = "09:00-20:00"
DEFAULT_DAYS = "mon-sat"
DEFAULT_COUNTRY_WINDOWS: dict[str, str] = {"US": "08:00-21:00"}
DEFAULT_WORDS_PER_MINUTE = 150
DEFAULT_PER_DAYS = 7
_LANGUAGE = re.compile(r"[a-z]{2,3}-[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def check_country(code: str) -> str:
    """``code`` if it is an ISO 3166 alpha-2 country libphonenumber knows; ValueError otherwise."""
    import phonenumbers  # on first use: every command reads the configuration (design.md 9)

    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{code!r} is not an ISO 3166 country code (two capitals, e.g. GR, US)")
    return code


def _check_window(text: str) -> str:
    parse_window(text)
    return text


def _check_days(text: str) -> str:
    parse_days(text)
    return text


def _check_suppress_path(text: str) -> str:
    path = PurePosixPath(text)
    if not text or path.is_absolute() or "\\" in text or ".." in path.parts:
        raise ValueError(
            f"{text!r}: a suppression file is named relative to the project root, "
            "without '..' (e.g. suppressions/do-not-call.csv)"
        )
    return text


def _check_rate_key(key: str) -> str:
    if key != "default" and not _LANGUAGE.fullmatch(key):
        raise ValueError(f"{key!r} is neither 'default' nor a language tag like el-GR")
    return key


def _rate_table(value: Any) -> Any:
    """``words_per_minute = 150`` is the table ``{default = 150}``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"default": value}
    return value


def _check_price_key(key: str) -> str:
    """A country key of ``[prices]``; a misspelt ``currency`` or ``default`` is named as such."""
    try:
        return check_country(key)
    except ValueError:
        close = difflib.get_close_matches(key, list(PriceSettings.model_fields), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(
            f"{key!r} is not a country code (two capitals, e.g. GR) nor a key of [prices]{hint}"
        ) from None


def _check_currency(code: str) -> str:
    if not _CURRENCY.fullmatch(code):
        raise ValueError(f"{code!r} is not a currency code (three capitals, e.g. EUR)")
    return code


Country = Annotated[str, AfterValidator(check_country)]
WindowText = Annotated[str, AfterValidator(_check_window)]
DaysText = Annotated[str, AfterValidator(_check_days)]
Rate = Annotated[int, Field(ge=30, le=600)]
RateTable = Annotated[
    dict[Annotated[str, AfterValidator(_check_rate_key)], Rate], BeforeValidator(_rate_table)
]
Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]


class PolicySettings(BaseModel):
    """``[policy]`` (and ``[workspaces.NAME.policy]``) as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suppress: list[Annotated[str, AfterValidator(_check_suppress_path)]] = Field(
        default_factory=list
    )
    on_suppressed: Literal["drop", "error"] = "drop"
    calling_window: WindowText = DEFAULT_WINDOW
    calling_days: DaysText = DEFAULT_DAYS
    windows: dict[Country, WindowText] = Field(
        default_factory=lambda: dict(DEFAULT_COUNTRY_WINDOWS)
    )
    days: dict[Country, DaysText] = Field(default_factory=dict)
    max_calls: int | None = Field(default=None, ge=1)
    per_days: int = Field(default=DEFAULT_PER_DAYS, ge=1, le=366)
    max_cost: Amount | None = None
    words_per_minute: RateTable = Field(
        default_factory=lambda: {"default": DEFAULT_WORDS_PER_MINUTE}
    )


class PriceSettings(BaseModel):
    """``[prices]``: ``currency``, ``default``, ``billing_seconds`` and one key per country."""

    model_config = ConfigDict(extra="allow", frozen=True)

    currency: Annotated[str, AfterValidator(_check_currency)]
    default: Amount
    billing_seconds: int = Field(default=60, ge=1, le=3600)
    __pydantic_extra__: dict[Annotated[str, AfterValidator(_check_price_key)], Amount] = Field(
        init=False
    )


#: What each default is, in the words a plan shows.
_DEFAULT_TEXT = {
    "calling_window": f"calling_window {DEFAULT_WINDOW}",
    "calling_days": f"calling_days {DEFAULT_DAYS}",
    "windows": "windows " + ", ".join(f"{c} {w}" for c, w in DEFAULT_COUNTRY_WINDOWS.items()),
    "suppress": "no suppression list",
    "max_calls": "no frequency cap",
    "max_cost": "no cost guard",
    "words_per_minute": f"words_per_minute {DEFAULT_WORDS_PER_MINUTE}",
}


@dataclass(frozen=True)
class Policy:
    """The policy in force for one workspace: the project's, with the workspace's keys over it."""

    settings: PolicySettings
    prices: PriceSettings | None
    #: Keys written in ``campaigns.toml`` (project or workspace), the rest being defaults.
    written: frozenset[str]

    @classmethod
    def resolve(
        cls,
        project: PolicySettings | None,
        workspace: PolicySettings | None,
        prices: PriceSettings | None,
    ) -> Policy:
        base = project or PolicySettings()
        written = set(base.model_fields_set)
        if workspace is not None:
            update = {key: getattr(workspace, key) for key in workspace.model_fields_set}
            base = base.model_copy(update=update)
            written |= workspace.model_fields_set
        return cls(base, prices, frozenset(written))

    def defaults_used(self) -> list[str]:
        """The shipped defaults in force, as a plan shows them (``calling_window 09:00-20:00``)."""
        return [text for key, text in _DEFAULT_TEXT.items() if key not in self.written]

    @property
    def window_rules(self) -> WindowRules:
        settings = self.settings
        default = _window(settings.calling_window, settings.calling_days)
        countries = set(settings.windows) | set(settings.days)
        return WindowRules(
            default,
            {
                country: _window(
                    settings.windows.get(country, settings.calling_window),
                    settings.days.get(country, settings.calling_days),
                )
                for country in sorted(countries)
            },
        )

    @property
    def cap(self) -> Cap | None:
        if self.settings.max_calls is None:
            return None
        return Cap(self.settings.max_calls, self.settings.per_days)

    @property
    def price_table(self) -> PriceTable | None:
        if self.prices is None:
            return None
        return PriceTable(
            currency=self.prices.currency,
            default=self.prices.default,
            countries=dict(self.prices.model_extra or {}),
            billing_seconds=self.prices.billing_seconds,
        )

    @property
    def rates(self) -> Mapping[str, int]:
        return {"default": DEFAULT_WORDS_PER_MINUTE, **self.settings.words_per_minute}


def _window(hours: str, days: str) -> CallingWindow:
    start, end = parse_window(hours)
    return CallingWindow(start, end, parse_days(days))
