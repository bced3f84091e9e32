from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reconciler.clock import current_time
from reconciler.errors import ConfigError


def test_the_system_clock_by_default() -> None:
    assert abs(current_time({}, sandbox=False) - datetime.now(UTC)) < timedelta(minutes=1)


def test_campaigns_now_sets_the_sandbox_clock() -> None:
    env = {"CAMPAIGNS_NOW": "2027-03-07T03:00:00+00:00"}
    assert current_time(env, sandbox=True) == datetime(2027, 3, 7, 3, 0, tzinfo=UTC)


def test_campaigns_now_is_refused_for_a_real_workspace() -> None:
    with pytest.raises(ConfigError, match="honoured only for the sandbox"):
        current_time({"CAMPAIGNS_NOW": "2027-03-07T03:00:00+00:00"}, sandbox=False)


@pytest.mark.parametrize("value", ["tomorrow", "2027-03-07T03:00:00"])
def test_campaigns_now_needs_a_zone(value: str) -> None:
    with pytest.raises(ConfigError, match="is not a date-time with a zone"):
        current_time({"CAMPAIGNS_NOW": value}, sandbox=True)
