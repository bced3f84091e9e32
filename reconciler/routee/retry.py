"""The one retry policy: what is tried again, and how long to wait first (Retry-After read once).

A read (token, analysis, tracking) changes nothing at Routee, so any failure that may be
transient is retried: 429, 5xx, a connection that never opened, a timeout. A write (a submit or a
cancel) is repeated only while Routee answers "not processed" (429, or the request never left
this machine): then it acted on nothing and the very same request is safe to send again. Whether
to re-send a write whose outcome is unknown is the apply layer's decision (design.md 5.2).

Routee's ``Retry-After`` is honoured when it asks for longer than the backoff, up to
:data:`MAX_RETRY_AFTER_SECONDS`; the number of tries stays bounded either way. A ``deadline``
(a ``time.monotonic()`` value) bounds the wait too: no retry is started whose pause would end
past it, so a check that must fail fast (credentials and endpoints before an apply) does.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from reconciler.routee.errors import (
    NotProcessed,
    OutcomeUnknown,
    RateLimited,
    RouteeError,
    ServerError,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Failures worth another try for a request that changes nothing.
RETRYABLE_READ_ERRORS: tuple[type[RouteeError], ...] = (NotProcessed, ServerError, OutcomeUnknown)
#: Failures worth another try for a write: Routee did not act on it.
RETRYABLE_WRITE_ERRORS: tuple[type[RouteeError], ...] = (NotProcessed,)
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 30.0
#: A longer Retry-After is honoured only up to this; the retry budget then decides.
MAX_RETRY_AFTER_SECONDS = 60.0


def exponential_backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` (1-based): doubling, capped, half of it random jitter."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** min(attempt - 1, 32))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not secrecy


@dataclass(frozen=True)
class RetryPolicy:
    """Run a request up to ``retries + 1`` times, pausing between attempts."""

    retries: int
    backoff: Callable[[int], float] = exponential_backoff
    sleep: Callable[[float], None] = time.sleep

    def run(
        self,
        operation: str,
        attempt: Callable[[], T],
        retryable: tuple[type[RouteeError], ...] = RETRYABLE_READ_ERRORS,
        *,
        deadline: float | None = None,
    ) -> T:
        for number in range(1, self.retries + 1):
            try:
                return attempt()
            except retryable as exc:
                delay = self.delay(number, exc)
                if deadline is not None and time.monotonic() + delay >= deadline:
                    raise
                logger.warning(
                    "%s: %s; retry %d of %d in %.1fs",
                    operation,
                    type(exc).__name__,
                    number,
                    self.retries,
                    delay,
                )
                self.sleep(delay)
        return attempt()

    def delay(self, number: int, exc: Exception) -> float:
        """The backoff, or Routee's own Retry-After when that is longer (within reason)."""
        delay = self.backoff(number)
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            delay = max(delay, min(exc.retry_after, MAX_RETRY_AFTER_SECONDS))
        return delay
