"""The plan's ``policy`` section: what the safe-to-send checks found (design.md section 11).

One :class:`CampaignCheck` per campaign the plan POSTs; counts feed the ``outside-window``,
``over-frequency`` and ``cost`` guards. Amounts are strings of the currency's cents, rounded up
(``"12.35"``), so that the JSON says exactly what the text says. Serialized as camelCase JSON
inside the plan.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class _Frozen(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class SuppressedNumber(_Frozen):
    """A number dropped from a request: the list and line that name it, and why."""

    number: str
    listed_at: str
    reason: str = ""


class ZoneRow(_Frozen):
    """Recipients who may be in ``zone`` (of ``country``): local ring time and verdict."""

    country: str | None
    zone: str
    count: int
    #: ``2027-03-01T09:00:00+02:00``; None when libphonenumber cannot place the numbers.
    local_time: str | None
    window: str
    inside: bool


class CountryCost(_Frozen):
    country: str | None
    calls: int
    per_minute: str
    amount: str


class CampaignCheck(_Frozen):
    """The checks of one POST of the plan."""

    id: str
    #: When it rings: its ``scheduledDate``, or the apply time when immediate.
    ring_time: str
    immediate: bool
    #: Numbers declared (``to`` and ``toFile``) before suppression.
    declared: int
    suppressed: tuple[SuppressedNumber, ...] = ()
    #: Recipient sources the tool cannot see (``groups``, ``contacts``): not checked locally.
    unchecked: tuple[str, ...] = ()
    outside_window: int = 0
    zones: tuple[ZoneRow, ...] = ()
    over_frequency: tuple[str, ...] = ()
    #: Seconds of one answered call, and how that was estimated; None: unknown.
    call_seconds: int | None = None
    duration: str = ""
    cost: str | None = None
    cost_lines: tuple[CountryCost, ...] = ()

    @property
    def sent(self) -> int:
        return self.declared - len(self.suppressed)


class PolicyReport(_Frozen):
    """Every check of the plan's POSTs, and the settings they were made under."""

    #: The shipped defaults in force (``calling_window 09:00-20:00``, ``no frequency cap``).
    defaults_used: tuple[str, ...] = ()
    on_suppressed: str = "drop"
    #: ``2 calls per 7 days``, or None when there is no cap.
    frequency_cap: str | None = None
    currency: str | None = None
    max_cost: str | None = None
    #: The upper bound of every priced POST together (None without a ``[prices]`` table).
    total_cost: str | None = None
    campaigns: tuple[CampaignCheck, ...] = ()

    @property
    def outside_window(self) -> int:
        return sum(check.outside_window for check in self.campaigns)

    @property
    def over_frequency(self) -> int:
        return sum(len(check.over_frequency) for check in self.campaigns)

    @property
    def suppressed(self) -> int:
        return sum(len(check.suppressed) for check in self.campaigns)
