"""Fault injection for ``POST /voice/campaign`` and ``DELETE /voice/campaign/{id}``.

Each request draws, in a fixed order, whether its connection is reset before processing, answered
500, answered 429, or processed and then left without a response. The random source is seeded when
``seed`` is set, so a test sees the same faults on every run.
"""

from __future__ import annotations

import random
import threading
from enum import Enum

from reconciler.sandbox.options import SandboxOptions


class Fault(Enum):
    NONE = "none"
    RESET = "reset"
    ERROR = "error"
    RATE_LIMIT = "rate_limit"
    LOSE_RESPONSE = "lose_response"


class FaultInjector:
    """Draws faults from the options' current rates; rates may change while the server runs."""

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self._random = random.Random(options.seed)
        self._lock = threading.Lock()

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self._random = random.Random(seed)

    def draw(self) -> Fault:
        """The fault for one request (at most one)."""
        rates = (
            (Fault.RESET, self.options.reset_rate),
            (Fault.ERROR, self.options.error_rate),
            (Fault.RATE_LIMIT, self.options.rate_limit_rate),
            (Fault.LOSE_RESPONSE, self.options.lose_response_rate),
        )
        with self._lock:
            for fault, rate in rates:
                if rate > 0 and self._random.random() < rate:
                    return fault
        return Fault.NONE
