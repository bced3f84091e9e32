"""The diff: a pure function from (declarations, state, now) to a :class:`Plan` (design.md 4).

No I/O, no click, no httpx: everything it needs is passed in, so the same inputs always give the
same plan, which is what lets a saved plan be checked against a re-plan before it is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from reconciler.models.campaign import Campaign
from reconciler.models.intent import SubmitIntent
from reconciler.models.plan import Action, Plan, Problem
from reconciler.models.state import State
from reconciler.plan.actions import forget_action, resolve_action
from reconciler.plan.cautions import defaults_warning, request_warnings, shared_number_warnings
from reconciler.plan.decide import Context, decide
from reconciler.plan.guards import GuardLimits, build_guards
from reconciler.plan.seal import seal

DEFAULT_MARGIN = timedelta(minutes=10)


def diff(
    campaigns: Sequence[Campaign],
    state: State,
    now: datetime,
    *,
    limits: GuardLimits | None = None,
    margin: timedelta = DEFAULT_MARGIN,
    sealed: bool = True,
    replace: Iterable[str] = (),
) -> Plan:
    """The sealed plan that brings ``state`` to ``campaigns`` (unsealed with ``sealed=False``,
    for a caller that adds to it and seals it then: the checksum of a million numbers is not
    free).

    ``replace`` names ids to cancel and send again although unchanged (``--replace ID``, for a
    submission whose spec is unverified).

    Every intent with no outcome (``state.pending``: a killed apply's journal is folded into the
    state before a plan is made) becomes a ``resolve``, and its campaign waits for it.
    """
    in_flight = {p.intent.id for p in state.pending}
    declared = {c.id for c in campaigns}
    ctx = Context(state.lineage, now, margin, _sent_specs(state), frozenset(replace))
    actions: list[Action] = [resolve_action(p, p.intent.id in declared) for p in state.pending]
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for campaign in campaigns:
        if campaign.id in in_flight:
            continue
        decision = decide(campaign, state.campaigns.get(campaign.id), ctx)
        actions.extend([*decision.more, decision.action] if decision.action else [])
        errors.extend([decision.error] if decision.error else [])
        warnings.extend([decision.warning] if decision.warning else [])
        warnings.extend(decision.notices)
    actions.extend(
        forget_action(record, now)
        for record in state.campaigns.values()
        if record.id not in declared and record.id not in in_flight and not record.forgotten
    )
    actions.sort(key=lambda a: a.sort_key)
    warnings += request_warnings(actions, now) + shared_number_warnings(campaigns)
    warnings += defaults_warning(campaigns, state, actions)
    plan = Plan(
        workspace=state.workspace,
        lineage=state.lineage,
        serial=state.serial,
        generated_at=now.isoformat(),
        actions=tuple(actions),
        errors=_sorted(errors),
        warnings=_sorted(warnings),
        guards=build_guards(actions, now, limits or GuardLimits()),
    )
    return seal(plan) if sealed else plan


def _sent_specs(state: State) -> dict[str, dict[str, str]]:
    """Every spec already submitted (or possibly submitted): spec hash -> {id: name}."""
    specs: dict[str, dict[str, str]] = {}
    for record in state.campaigns.values():
        for submission in record.submissions:
            names = specs.setdefault(submission.spec_hash, {})
            names.setdefault(record.id, submission.submission_name)
    for pending in state.pending:
        intent = pending.intent
        if isinstance(intent, SubmitIntent) and intent.spec_hash:
            specs.setdefault(intent.spec_hash, {}).setdefault(intent.id, intent.submission_name)
    return specs


def _sorted(problems: list[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.id or "", p.message)))
