"""Reading a campaign's progress from Routee's message tracking (routee-voice-api.md 6.3).

Tracking returns messages, not the campaign, so the campaign's state is inferred: no messages
yet → unchanged (still ``Scheduled``); every message final → ``Sent``; any message past
``Queued`` → ``Running``; otherwise ``Queued``. ``Unknown`` is not final here: the two versions of
Routee's statuses page disagree, so it counts as final only once the campaign is reported final,
and messages alone never report that. Cost is the sum of the messages' prices.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reconciler.enums import FINAL_VOICE_STATUSES, CampaignState, VoiceStatus


@dataclass(frozen=True)
class Progress:
    messages: int
    statuses: dict[str, int] = field(default_factory=dict)
    cost: float = 0.0

    def state(self, previous: str | None) -> str | None:
        if not self.messages:
            return previous
        final = sum(n for s, n in self.statuses.items() if s in FINAL_VOICE_STATUSES)
        if final == self.messages:
            return CampaignState.SENT.value
        if self.statuses.get(VoiceStatus.QUEUED.value, 0) < self.messages:
            return CampaignState.RUNNING.value
        return CampaignState.QUEUED.value


def progress_of(items: Any) -> Progress:
    """Per-status counts and total price of tracking records (malformed items are skipped)."""
    records = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    counts: Counter[str] = Counter()
    cost = 0.0
    for item in records:
        status = _status(item.get("status"))
        if status:
            counts[status] += 1
        price = item.get("price")
        if isinstance(price, int | float) and not isinstance(price, bool):
            cost += float(price)
    return Progress(
        messages=len(records), statuses=dict(sorted(counts.items())), cost=round(cost, 6)
    )


def _status(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("status", value.get("name"))
        return name if isinstance(name, str) else None
    return None
