"""A campaign's state inferred from its messages (reconciler.apply.tracking)."""

from __future__ import annotations

from typing import Any

from reconciler.usecases.tracking import progress_of


def items(*statuses: str) -> list[dict[str, Any]]:
    return [{"status": {"status": s, "date": "T"}, "price": 0.5} for s in statuses]


def test_every_message_final_is_sent() -> None:
    progress = progress_of(items("Completed", "Busy", "NoAnswer"))
    assert progress.state("Scheduled") == "Sent"
    assert progress.cost == 1.5


def test_unknown_is_not_final_until_the_campaign_is() -> None:
    """The two versions of Routee's statuses page disagree on ``Unknown``: it keeps reading."""
    progress = progress_of(items("Completed", "Unknown"))
    assert progress.state("Running") == "Running"
    assert progress_of(items("Unknown")).state(None) == "Running"


def test_no_messages_keeps_the_state_and_queued_is_queued() -> None:
    assert progress_of([]).state("Scheduled") == "Scheduled"
    assert progress_of(items("Queued", "Queued")).state("Scheduled") == "Queued"
