"""Backoff for answers that mean "not processed" (429, no connection): the same request again.

Routee acted on nothing, so sending the very same request again (same intent, same name) is safe.
The number of tries is bounded: an endpoint that keeps refusing fails the campaign instead of
hanging the apply.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from reconciler.routee.errors import NotProcessed, RateLimited

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before repeating a request Routee did not process."""

    attempts: int = 8
    base_seconds: float = 0.1
    cap_seconds: float = 3.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int, hint: float | None) -> float:
        """Exponential backoff with jitter; Routee's ``Retry-After`` wins when it asks for less."""
        computed = min(self.cap_seconds, self.base_seconds * (2**attempt))
        jittered = computed * (0.5 + random.random() / 2)
        return min(hint, self.cap_seconds) if hint is not None else jittered

    def call(self, request: Callable[[], T]) -> T:
        """Run ``request``, repeating it while Routee answers "not processed"; re-raise at the end."""
        for attempt in range(self.attempts):
            try:
                return request()
            except NotProcessed as exc:
                if attempt == self.attempts - 1:
                    raise
                hint = exc.retry_after if isinstance(exc, RateLimited) else None
                self.sleep(self.delay(attempt, hint))
        raise AssertionError("unreachable")  # pragma: no cover
