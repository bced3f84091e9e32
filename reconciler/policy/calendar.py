"""A schedule people can look at: when each campaign rings, by day, in local time (design.md 11).

Two kinds of entries: the plan's POSTs (from its policy section) and the state's submissions that
may still ring (accepted, not cancelled, not cancelled by this plan, and not known to be
finished). A submission whose Routee state is unknown or not final may still ring, so it is
listed, with its last known state. Local times come from the same zone rows as the calling-window
check: per country, the local ring time, or the earliest and latest where its numbers may be in
several zones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from reconciler.enums import FINAL_CAMPAIGN_STATES
from reconciler.models.policy import PolicyReport, ZoneRow
from reconciler.models.state import State, SubmissionStatus
from reconciler.policy.report import zone_rows
from reconciler.policy.windows import WindowRules, ring_time_of
from reconciler.policy.zones import tally

_CANCELLED = (SubmissionStatus.CANCELLED, SubmissionStatus.CANCELLED_EXTERNALLY)
_FINAL = frozenset(state.value for state in FINAL_CAMPAIGN_STATES)


@dataclass(frozen=True, order=True)
class Ring:
    """One campaign ringing: when (UTC), how many numbers, and the local times per country."""

    ring_time: datetime
    campaign: str
    recipients: int
    #: ``planned`` (a POST of the plan) or the submission's last known state (``Scheduled``...).
    status: str
    immediate: bool = False
    name: str = ""
    local: tuple[tuple[str, str], ...] = ()

    @property
    def day(self) -> date:
        return self.ring_time.astimezone(UTC).date()


def local_times(rows: Iterable[ZoneRow]) -> tuple[tuple[str, str], ...]:
    """Per country: ``Mon 09:00``, or ``Sun 22:00 – Mon 05:00`` across several zones."""
    seen: dict[str, list[datetime]] = {}
    for row in rows:
        if row.local_time is not None:
            seen.setdefault(row.country or "??", []).append(datetime.fromisoformat(row.local_time))
    shown = []
    for country, times in sorted(seen.items()):
        walls = sorted({t.replace(tzinfo=None) for t in times})
        first, last = walls[0].strftime("%a %H:%M"), walls[-1].strftime("%a %H:%M")
        shown.append((country, first if first == last else f"{first} – {last}"))
    return tuple(shown)


def planned_rings(report: PolicyReport) -> list[Ring]:
    """The plan's POSTs as calendar entries."""
    return [
        Ring(
            ring_time=datetime.fromisoformat(check.ring_time).astimezone(UTC),
            campaign=check.id,
            recipients=check.sent,
            status="planned",
            immediate=check.immediate,
            local=local_times(check.zones),
        )
        for check in report.campaigns
    ]


def scheduled_rings(
    state: State, rules: WindowRules, cancelled: Collection[str] = ()
) -> list[Ring]:
    """The state's submissions that may still ring (none cancelled, by us or by ``cancelled``)."""
    rings = []
    for record in state.campaigns.values():
        for submission in record.submissions:
            if (
                submission.status in _CANCELLED
                or submission.tracking_id in cancelled
                or submission.state in _FINAL
            ):
                continue
            submitted = datetime.fromisoformat(submission.submitted_at)
            ring = ring_time_of(submission.request.get("scheduledDate"), submitted)
            numbers = submission.request.get("to", ())
            rows = zone_rows(tally(numbers), ring, rules)
            rings.append(
                Ring(
                    ring_time=ring.astimezone(UTC),
                    campaign=record.id,
                    recipients=len(numbers),
                    status=submission.state or "state unknown",
                    name=submission.submission_name,
                    local=local_times(rows),
                )
            )
    return rings


def by_day(rings: Iterable[Ring]) -> Mapping[date, Sequence[Ring]]:
    """Entries grouped by their UTC day, days and entries in time order."""
    days: dict[date, list[Ring]] = {}
    for ring in sorted(rings):
        days.setdefault(ring.day, []).append(ring)
    return days
