"""Before any remote call that changes anything: count recipients, enforce the guards.

Recipients named in ``groups``/``contacts`` are only known to Routee, so the actions that have
them are counted with ``POST /voice/analysis`` (a read) and the plan's recipients guard is
recomputed with those counts. A campaign whose analysis Routee refuses (an unknown contact id,
say) fails here, before anything is sent, and is left out of the apply; the others go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.apply.ports import Routee
from reconciler.apply.results import StepOutcome
from reconciler.apply.steps import refused
from reconciler.errors import GuardTripped
from reconciler.models.intent import OutcomeKind
from reconciler.models.plan import Action, Guard, GuardKind, Plan
from reconciler.plan.guards import posting_actions, tripped_guards, tripped_message
from reconciler.routee.errors import RouteeRejected


@dataclass(frozen=True)
class Preflight:
    """The plan with analysed recipient counts, and campaigns that failed their analysis."""

    plan: Plan
    failures: dict[str, StepOutcome] = field(default_factory=dict)


def needs_analysis(action: Action) -> bool:
    request = action.request or {}
    return bool(request.get("groups") or request.get("contacts"))


def count_recipients(plan: Plan, client: Routee) -> Preflight:
    """Recompute the recipients guard, asking Routee only for actions with groups/contacts."""
    total = 0
    failures: dict[str, StepOutcome] = {}
    for action in posting_actions(plan):
        if not needs_analysis(action):
            total += action.recipients
            continue
        try:
            analysis = client.analyze(dict(action.request or {}))
        except RouteeRejected as exc:
            message = f"Routee refused its recipient analysis: {exc}"
            failures[action.id] = refused(OutcomeKind.REJECTED, exc, message)
            continue
        total += _recipients(analysis, action)
    guards = tuple(_recount(g, total) for g in plan.guards)
    return Preflight(plan.model_copy(update={"guards": guards}), failures)


#: Guards whose counts are final before Routee is asked anything (no group to analyse).
POLICY_GUARDS = frozenset({GuardKind.OUTSIDE_WINDOW, GuardKind.OVER_FREQUENCY, GuardKind.COST})


def policy_tripped(plan: Plan, allow: Mapping[GuardKind, int]) -> bool:
    """Whether a safe-to-send guard stops ``plan``: checked before any remote call."""
    return any(g.kind in POLICY_GUARDS for g in tripped_guards(plan, allow))


def enforce(plan: Plan, allow: Mapping[GuardKind, int]) -> None:
    """Raise :class:`GuardTripped` (exit 4) naming each count and its ``--allow-...`` flag."""
    tripped = tripped_guards(plan, allow)
    if tripped:
        raise GuardTripped(
            "a guard stopped the apply before anything was sent:\n" + tripped_message(tripped)
        )


def _recipients(analysis: object, action: Action) -> int:
    if isinstance(analysis, dict):
        count = analysis.get("numberOfRecipients")
        if isinstance(count, int) and not isinstance(count, bool):
            return count
    return action.recipients


def _recount(guard: Guard, total: int) -> Guard:
    if guard.kind is not GuardKind.RECIPIENTS:
        return guard
    return guard.model_copy(update={"count": total, "note": None})
