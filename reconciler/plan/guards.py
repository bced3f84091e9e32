"""Guards: people and money counted on the plan, enforced by apply (design.md section 4).

A guard counts what an apply would do (submissions, recipients, late sends) against a limit. The
plan only reports them; apply stops before any remote call when one trips, unless the user
echoes the exact count (``--allow-sends 120``). Echoing the exact number, not "any number", means
the person approving has read this plan's figure and a bigger plan is not waved through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from reconciler.models.plan import Action, Guard, GuardKind, Plan

GROUPS_NOTE = "+ groups counted at apply"


@dataclass(frozen=True)
class GuardLimits:
    """Per-apply limits; the defaults are design.md's (configurable per workspace)."""

    max_sends: int = 100
    max_recipients: int = 50_000
    allow_late: int = 0


def posting_actions(plan: Plan) -> tuple[Action, ...]:
    """The actions of ``plan`` that POST a campaign."""
    return tuple(a for a in plan.actions if a.posts)


def is_late(scheduled_date: str | None, now: datetime) -> bool:
    """A POST whose ``scheduledDate`` has passed rings people at once."""
    when = parse_instant(scheduled_date)
    return when is not None and when <= now


def parse_instant(value: str | None) -> datetime | None:
    """An ISO-8601 instant with an offset, or ``None`` if absent or unreadable (no guessing)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def build_guards(
    actions: Iterable[Action], now: datetime, limits: GuardLimits
) -> tuple[Guard, ...]:
    """The three guards for the POSTing actions among ``actions``."""
    posting = [a for a in actions if a.posts]
    recipients = sum(a.recipients for a in posting)
    has_groups = any(a.groups for a in posting)
    late = sum(1 for a in posting if is_late(a.scheduled_date, now))
    return (
        Guard(kind=GuardKind.SENDS, count=len(posting), limit=limits.max_sends),
        Guard(
            kind=GuardKind.RECIPIENTS,
            count=recipients,
            limit=limits.max_recipients,
            note=GROUPS_NOTE if has_groups else None,
        ),
        Guard(kind=GuardKind.LATE, count=late, limit=limits.allow_late),
    )


def tripped_guards(plan: Plan, allow: Mapping[GuardKind, int]) -> list[Guard]:
    """Guards that stop an apply: over the limit and not allowed by echoing the exact count."""
    return [g for g in plan.guards if g.count > g.limit and allow.get(g.kind) != g.count]


def tripped_message(tripped: Iterable[Guard]) -> str:
    """One line per tripped guard, naming the count, the limit and the flag that overrides it."""
    return "\n".join(
        f"{g.kind.value} guard: this apply would make {g.count} (limit {g.limit}); "
        f"re-run with {g.flag} to allow exactly that"
        for g in tripped
    )
