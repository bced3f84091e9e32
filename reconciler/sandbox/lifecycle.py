"""Campaign and message states as pure functions of a campaign record and the sandbox clock.

Nothing runs in the background: every read computes where a campaign stands at "now", which keeps
the sandbox deterministic and lets tests jump through a campaign's life by advancing the clock.

Timeline of a campaign: ``Scheduled`` until its ``scheduledDate`` (only if that was in the future
when it was accepted), ``Queued`` for ``queued_seconds``, then ``Running`` while any message is not
final, then ``Sent``. A cancelled campaign stays ``Scheduled`` for ever and has no messages.

Each message starts when the campaign starts running and moves Queued -> Initiated -> Ringing ->
InProgress -> Completed, or ends Busy / NoAnswer / Failed. The outcome and the timings depend only
on a hash of the number (:func:`call_plan`), so a test knows in advance what each number will do.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from reconciler.enums import CampaignState, VoiceStatus

#: Outcome by ``hash % 10``: 60 % answered, then no answer, busy, failed.
OUTCOMES = (
    (VoiceStatus.COMPLETED,) * 6
    + (VoiceStatus.NO_ANSWER,) * 2
    + (VoiceStatus.BUSY, VoiceStatus.FAILED)
)
RINGING_AT = 0.15
ANSWERED_AT = 0.4


@dataclass(frozen=True)
class CallPlan:
    """What a call to one number does: its steps (seconds after start, status) and billed seconds."""

    steps: tuple[tuple[float, VoiceStatus], ...]
    duration: int

    @property
    def outcome(self) -> VoiceStatus:
        return self.steps[-1][1]

    @property
    def length(self) -> float:
        return self.steps[-1][0]


@dataclass(frozen=True)
class Message:
    """One message of a campaign as seen at some instant."""

    message_id: str
    number: str
    groups: list[str]
    country: str
    status: VoiceStatus
    since: float
    duration: int
    price: float


def call_plan(number: str, low: float, high: float) -> CallPlan:
    """The deterministic fate of a call to ``number`` when calls last ``low``..``high`` seconds."""
    digest = int.from_bytes(hashlib.sha256(number.encode()).digest()[:8], "big")
    outcome = OUTCOMES[digest % 10]
    total = low + ((digest >> 8) % 1001) / 1000 * (high - low)
    steps: list[tuple[float, VoiceStatus]] = [(0.0, VoiceStatus.INITIATED)]
    if outcome is VoiceStatus.FAILED:
        return CallPlan((*steps, (total * RINGING_AT, outcome)), 0)
    steps.append((total * RINGING_AT, VoiceStatus.RINGING))
    if outcome is VoiceStatus.BUSY:
        return CallPlan((*steps, (total * ANSWERED_AT, outcome)), 0)
    if outcome is VoiceStatus.NO_ANSWER:
        return CallPlan((*steps, (total, outcome)), 0)
    steps.append((total * ANSWERED_AT, VoiceStatus.IN_PROGRESS))
    duration = max(1, round(total * (1 - ANSWERED_AT)))
    return CallPlan((*steps, (total, outcome)), duration)


def message_id(tracking_id: str, index: int) -> str:
    """A stable UUID (version-4 shaped) for the ``index``-th message of a campaign."""
    digest = hashlib.sha256(f"{tracking_id}/{index}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def run_start(record: dict[str, Any]) -> float:
    """When the campaign's calls begin (sandbox clock, epoch seconds)."""
    return float(record["startAt"]) + float(record["timing"]["queued"])


def campaign_state(record: dict[str, Any], now: float) -> CampaignState:
    if record.get("cancelled") or now < record["startAt"]:
        return CampaignState.SCHEDULED
    begin = run_start(record)
    if now < begin:
        return CampaignState.QUEUED
    return CampaignState.RUNNING if now < begin + _longest_call(record) else CampaignState.SENT


def messages(record: dict[str, Any], now: float) -> list[Message]:
    """The campaign's messages at ``now``; none before it leaves ``Scheduled`` (nor if cancelled)."""
    if record.get("cancelled") or now < record["startAt"]:
        return []
    begin = run_start(record)
    return [
        _message(record, index, (number, groups), now - begin, begin)
        for index, (number, groups) in enumerate(record["recipients"])
    ]


def statuses(found: list[Message]) -> dict[str, int]:
    """The campaign ``statuses`` counter: all 11 voice statuses, 0 when none."""
    counts = {status.value: 0 for status in VoiceStatus}
    for message in found:
        counts[message.status.value] += 1
    return counts


def cost(found: list[Message]) -> float:
    return round(sum(m.price for m in found), 6)


def _message(
    record: dict[str, Any], index: int, recipient: Any, elapsed: float, begin: float
) -> Message:
    number, groups = recipient
    timing = record["timing"]
    plan = call_plan(number, timing["low"], timing["high"])
    status, since = VoiceStatus.QUEUED, float(record["startAt"])
    for offset, step in plan.steps:
        if elapsed >= offset:
            status, since = step, begin + offset
    final = status is plan.outcome and elapsed >= plan.length
    duration = plan.duration if final else 0
    return Message(
        message_id=message_id(record["trackingId"], index),
        number=number,
        groups=groups,
        country=record["countries"][number],
        status=status,
        since=since,
        duration=duration,
        price=round(duration * float(timing["pricePerSecond"]), 6),
    )


def longest_call(recipients: list[Any], low: float, high: float) -> float:
    """Seconds from the first ring to the last final status of a campaign's calls."""
    return max((call_plan(n, low, high).length for n, _ in recipients), default=0.0)


def _longest_call(record: dict[str, Any]) -> float:
    timing = record["timing"]
    if "longest" in timing:
        return float(timing["longest"])
    plans = (call_plan(n, timing["low"], timing["high"]) for n, _ in record["recipients"])
    return max((p.length for p in plans), default=0.0)
