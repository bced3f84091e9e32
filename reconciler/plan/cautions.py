"""Plan warnings that do not block an apply but deserve a reviewer's eye (design.md section 4).

Duplicate numbers inside one campaign cannot reach here: the loader rejects them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from reconciler.models.campaign import Campaign
from reconciler.models.plan import Action, ActionKind, Problem
from reconciler.models.state import State, Submission
from reconciler.plan.guards import is_late


def request_warnings(actions: Iterable[Action], now: datetime) -> list[Problem]:
    """``ignoreDnd: true``, ``respectQuietHours`` not true, or a past ``scheduledDate``, on
    actions that POST."""
    found: list[Problem] = []
    for action in actions:
        if not action.posts or action.request is None:
            continue
        if is_late(action.scheduled_date, now):
            found.append(
                _warn(
                    action,
                    f"scheduledDate {action.scheduled_date} has already passed: Routee would "
                    f"call at once (the late guard counts it)",
                )
            )
        if action.request.get("ignoreDnd") is True:
            found.append(_warn(action, "ignoreDnd is true: calls ignore the Do-Not-Disturb list"))
        if action.request.get("respectQuietHours") is not True:
            found.append(
                _warn(action, "respectQuietHours is not true: calls may ring during quiet hours")
            )
    return found


def shared_number_warnings(campaigns: Sequence[Campaign]) -> list[Problem]:
    """One warning per pair of declared, not-cancelled campaigns that share numbers."""
    active = [campaign for campaign in campaigns if not campaign.cancel]
    if not _any_shared(active):
        return []  # the usual case, decided at C speed (a plan may hold a million numbers)
    owner: dict[str, str] = {}
    shared: dict[tuple[str, str], list[str]] = {}
    for campaign in sorted(campaigns, key=lambda c: c.id):
        if campaign.cancel:
            continue
        for number in campaign.numbers:
            first = owner.setdefault(number, campaign.id)
            if first != campaign.id:
                shared.setdefault((first, campaign.id), []).append(number)
    sources = {c.id: str(c.source) for c in campaigns}
    return [
        Problem(
            id=first,
            source=sources[first],
            message=f"{_count(numbers)} in both {first} and {second} (e.g. {numbers[0]})",
        )
        for (first, second), numbers in sorted(shared.items())
    ]


def _any_shared(campaigns: Sequence[Campaign]) -> bool:
    """Whether any number occurs twice across ``campaigns`` (or within one: the slow path decides)."""
    seen: set[str] = set()
    for campaign in campaigns:
        numbers = campaign.request.get("to", ())
        before = len(seen)
        seen.update(numbers)
        if len(seen) - before != len(numbers):
            return True
    return False


def _count(numbers: list[str]) -> str:
    return "1 number is" if len(numbers) == 1 else f"{len(numbers)} numbers are"


def _warn(action: Action, message: str) -> Problem:
    return Problem(id=action.id, source=action.source, message=message)


def defaults_warning(
    campaigns: Sequence[Campaign], state: State, actions: Sequence[Action]
) -> list[Problem]:
    """One warning listing every declared campaign whose next submission ``defaults.yaml``
    changes: its own declaration (and files) is as last sent, but the request it makes is not."""
    kinds = {a.id: a.action for a in actions}
    changed = []
    for campaign, last in sorted(_changed_by_defaults(campaigns, state), key=lambda c: c[0].id):
        fields = ", ".join(_changed_keys(last.request, campaign.request))
        kind = kinds.get(campaign.id)
        when = _DEFAULTS_EFFECT.get(kind, "in its next submission") if kind else "not planned"
        changed.append(f"{campaign.id} ({fields}: {when})")
    if not changed:
        return []
    noun = "campaign" if len(changed) == 1 else "campaigns"
    message = f"defaults.yaml changes the next submission of {len(changed)} {noun}: " + "; ".join(
        changed
    )
    return [Problem(message=message)]


def _changed_by_defaults(
    campaigns: Sequence[Campaign], state: State
) -> list[tuple[Campaign, Submission]]:
    """Each campaign (with its last submission) whose declaration is as last sent but whose
    request is not, in declaration order (few or none: sorted by the caller)."""
    found = []
    for campaign in campaigns:
        record = state.campaigns.get(campaign.id)
        last = record.last if record else None
        if last is None or campaign.cancel or campaign.decl_hash != last.decl_hash:
            continue
        if campaign.spec_hash != last.spec_hash:
            found.append((campaign, last))
    return found


_DEFAULTS_EFFECT = {
    ActionKind.REPLACE: "replaced by this plan",
    ActionKind.RESEND: "in this plan's resend",
    ActionKind.SEND: "in this plan's send",
    ActionKind.NOOP: "already sent; in its next resend",
}


def _changed_keys(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> list[str]:
    """The dotted paths whose values differ (``message.text``, ``from``), sorted."""
    keys = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            keys += _changed_keys(old, new, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys
