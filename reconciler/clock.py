"""The clock a plan is made at: the system's, or ``CAMPAIGNS_NOW`` for the sandbox.

Everything that depends on the time (late sends, calling windows, frequency caps) takes the
clock as an input; this is the one place that reads it. ``CAMPAIGNS_NOW`` (an ISO-8601 date-time
with a zone, e.g. ``2027-03-07T03:00:00+00:00``) sets it for tests and demos, so that a plan can
be shown at 03:00 on a Sunday whatever the hour. It is honoured only for the ``sandbox``
workspace, which rings no one; for any other workspace it is an error, not ignored, because a
clock set by hand would move calls past the calling-window guard.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from reconciler.errors import ConfigError

CLOCK_VARIABLE = "CAMPAIGNS_NOW"


def current_time(env: Mapping[str, str], *, sandbox: bool) -> datetime:
    """Now (aware), from the system or from ``CAMPAIGNS_NOW`` in ``env`` (sandbox only)."""
    value = env.get(CLOCK_VARIABLE)
    if not value:
        return datetime.now(UTC)
    if not sandbox:
        raise ConfigError(
            f"{CLOCK_VARIABLE} is set ({value!r}) but is honoured only for the sandbox "
            "workspace (tests and demos): unset it; a real workspace uses the system clock"
        )
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ConfigError(
            f"{CLOCK_VARIABLE}={value!r} is not a date-time with a zone "
            "(e.g. 2027-03-07T03:00:00+00:00)"
        )
    return when
