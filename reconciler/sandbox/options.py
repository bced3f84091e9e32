"""Every switch of the sandbox, in one mutable dataclass (changed at run time by /_sandbox/faults).

Defaults follow routee-voice-api.md, taking the harsher reading where the sources are unclear
(decision 8): names unique per account and read only from ``name`` (the published voice request
key, decision 1), the tracking of a campaign with no messages answering 404 ``404005000``
(decision 6), tokens valid for an hour, the 14 documented languages, tracking items without
``campaignTrackingId``, and short simulated timings so tests move by clock offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from reconciler.enums import DOCUMENTED_LANGUAGES, NameKey

#: Fault switches readable and settable through ``/_sandbox/faults``.
FAULT_RATES = ("error_rate", "rate_limit_rate", "reset_rate", "lose_response_rate")
FAULT_FIELDS = ("latency_ms", *FAULT_RATES)
NAME_KEYS = tuple(key.value for key in NameKey)
EMPTY_TRACKING_MODES = ("404", "page")
POST_DELETE_MODES = ("404", "record")


@dataclass
class SandboxOptions:
    """Behaviour switches; see docs/sandbox.md for what each one changes."""

    latency_ms: int = 0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    reset_rate: float = 0.0
    lose_response_rate: float = 0.0
    seed: int | None = None
    name_uniqueness: bool = True
    name_key: str = "name"
    token_ttl: int = 3600
    languages: tuple[str, ...] = DOCUMENTED_LANGUAGES
    tracking_includes_campaign_id: bool = False
    post_delete: str = "404"
    #: The tracking of a campaign with no messages: ``404`` (``404005000``) or an empty ``page``.
    empty_tracking: str = "404"
    callback_retries: int = 5
    callback_poll_seconds: float = 0.2
    queued_seconds: float = 1.0
    message_seconds: tuple[float, float] = (2.0, 5.0)
    price_per_second: float = 0.0005
    application_name: str = "default"
    contacts: dict[str, str] = field(default_factory=dict)
    #: Keys a number presses when a campaign collects DTMF (``collectDtmfDigits``) and the call
    #: completes: reported as the message's ``collectedTones``. None pressed by default.
    tones: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=lambda: {"All": []})

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Raise ``ValueError`` naming the first switch that is out of range."""
        for name in FAULT_RATES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must be >= 0, got {self.latency_ms}")
        if self.name_key not in NAME_KEYS:
            raise ValueError(f"name_key must be one of {', '.join(NAME_KEYS)}")
        if self.empty_tracking not in EMPTY_TRACKING_MODES:
            raise ValueError(f"empty_tracking must be one of {', '.join(EMPTY_TRACKING_MODES)}")
        if self.post_delete not in POST_DELETE_MODES:
            raise ValueError(f"post_delete must be one of {', '.join(POST_DELETE_MODES)}")
        low, high = self.message_seconds
        if not 0 < low <= high:
            raise ValueError("message_seconds must be (low, high) with 0 < low <= high")

    def faults(self) -> dict[str, Any]:
        """The fault switches as JSON (the body of ``GET /_sandbox/faults``)."""
        return {name: getattr(self, name) for name in FAULT_FIELDS}

    def set_faults(self, changes: dict[str, Any]) -> None:
        """Apply ``changes`` (a subset of :data:`FAULT_FIELDS`) all-or-nothing."""
        unknown = sorted(set(changes) - set(FAULT_FIELDS))
        if unknown:
            raise ValueError(f"unknown fault switch(es): {', '.join(unknown)}")
        previous = self.faults()
        for name, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            setattr(self, name, int(value) if name == "latency_ms" else float(value))
        try:
            self.check()
        except ValueError:
            for name, value in previous.items():
                setattr(self, name, value)
            raise

    def reset_faults(self) -> None:
        """Turn every fault off."""
        defaults = {f.name: f.default for f in fields(self) if f.name in FAULT_FIELDS}
        for name, value in defaults.items():
            setattr(self, name, value)
