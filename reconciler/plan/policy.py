"""The safe-to-send checks in the plan (design.md 11, docs/policy.md). Pure, like the diff.

:func:`plan_with_policy` is the diff with the checks around it: suppression screens the
declarations before the diff (a dropped number changes the spec, so a still-scheduled campaign
plans a ``replace`` without it), and the other checks run on the plan's POSTs after it. Their
findings become the plan's ``policy`` section, plan errors, and three more guards that apply
enforces like the others: ``outside-window``, ``over-frequency`` (when a cap is set) and
``cost`` (when ``max_cost`` is set), each with limit ``0`` or ``max_cost`` and an override that
must echo the exact count (``--allow-outside-window 12``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from reconciler.models.campaign import Campaign
from reconciler.models.plan import Action, ActionKind, Guard, GuardKind, Plan, Problem
from reconciler.models.policy import PolicyReport
from reconciler.models.state import State
from reconciler.plan.diff import diff
from reconciler.plan.guards import posting_actions
from reconciler.plan.seal import seal
from reconciler.policy.report import PolicyInputs, Send, check_sends, earlier_calls
from reconciler.policy.screening import Screening, screen_campaigns

NOT_CHECKED_NOTE = "+ groups/contacts not checked locally"


def plan_with_policy(
    campaigns: Sequence[Campaign],
    state: State,
    now: datetime,
    inputs: PolicyInputs,
    *,
    sealed: bool = True,
    **diff_options: Any,
) -> Plan:
    """``diff`` of the screened declarations, with the policy section, errors and guards;
    ``sealed=False`` leaves the checksum out (a plan shown as text or markdown never shows it:
    hashing a 10,000-send plan is a tenth of its CPU time, design.md 9)."""
    screening = screen_campaigns(campaigns, inputs.listed, inputs.policy.settings.on_suppressed)
    plan = diff(screening.campaigns, state, now, sealed=False, **diff_options)
    return add_policy(plan, screening, state, inputs, now, sealed=sealed)


def add_policy(
    plan: Plan,
    screening: Screening,
    state: State,
    inputs: PolicyInputs,
    now: datetime,
    *,
    sealed: bool = True,
) -> Plan:
    """``plan`` with the checks of its POSTs: section, errors and guards, sealed again (unless
    ``sealed=False``)."""
    by_id = {campaign.id: campaign for campaign in screening.campaigns}
    refused = {campaign.id for campaign, _ in screening.errors}
    sends = [_send(action, screening, refused, by_id) for action in posting_actions(plan)]
    cancelled = {
        action.tracking_id
        for action in plan.actions
        if action.action in (ActionKind.CANCEL, ActionKind.REPLACE) and action.tracking_id
    }
    report = check_sends(
        sends, lambda numbers: earlier_calls(state, cancelled, numbers), inputs.policy, now
    )
    errors = [*plan.errors, *_screening_errors(screening), *_cost_errors(report, by_id)]
    warnings = [*plan.warnings, *_resent_suppressed(plan, inputs)]
    checked = plan.model_copy(
        update={
            "errors": tuple(sorted(errors, key=lambda p: (p.id or "", p.message))),
            "warnings": tuple(sorted(warnings, key=lambda p: (p.id or "", p.message))),
            "guards": (*plan.guards, *policy_guards(report)),
            "policy": report,
        }
    )
    return seal(checked) if sealed else checked


def _send(
    action: Action, screening: Screening, refused: set[str], by_id: Mapping[str, Campaign]
) -> Send:
    """What the checks see of one POST; a resolve re-sends its recorded request as it is."""
    request = action.request or {}
    if action.action is ActionKind.RESOLVE or action.id not in by_id:
        return Send(action.id, request, len(request.get("to", ())))
    return Send(
        id=action.id,
        request=request,
        declared=screening.declared.get(action.id, len(request.get("to", ()))),
        suppressed=() if action.id in refused else screening.suppressed.get(action.id, ()),
        estimated_seconds=by_id[action.id].estimated_seconds,
    )


def _resent_suppressed(plan: Plan, inputs: PolicyInputs) -> list[Problem]:
    """A resolve re-sends its recorded request unchanged (exactly-once needs the same body under
    the same name): say so when that request calls a number suppressed since."""
    problems = []
    for action in posting_actions(plan):
        if action.action is not ActionKind.RESOLVE:
            continue
        listed = [n for n in (action.request or {}).get("to", ()) if n in inputs.listed]
        if listed:
            problems.append(
                Problem(
                    id=action.id,
                    source=action.source,
                    message=(
                        f"its in-doubt submission is re-sent as recorded, with {len(listed)} "
                        f"number(s) suppressed since (first: {inputs.listed[listed[0]].where}); "
                        "if it never reached Routee they will be called: the next plan replaces "
                        "it without them while it is still Scheduled, or cancel it"
                    ),
                )
            )
    return problems


def _screening_errors(screening: Screening) -> list[Problem]:
    return [
        Problem(id=campaign.id, source=str(campaign.source), message=message)
        for campaign, message in screening.errors
    ]


def _cost_errors(report: PolicyReport, by_id: Mapping[str, Campaign]) -> list[Problem]:
    """Under a cost guard, a POST whose cost cannot be bounded is an error, not a zero."""
    if report.max_cost is None:
        return []
    return [
        Problem(
            id=check.id,
            source=str(by_id[check.id].source) if check.id in by_id else None,
            message=(
                "its cost cannot be bounded (a fileURL campaign without estimatedSeconds) and "
                "campaigns.toml sets max_cost: declare estimatedSeconds (the recording's length)"
            ),
        )
        for check in report.campaigns
        if check.cost is None
    ]


def policy_guards(report: PolicyReport) -> tuple[Guard, ...]:
    """The guards of the checks: outside-window always; over-frequency and cost when set."""
    unseen = any(check.unchecked for check in report.campaigns)
    note = NOT_CHECKED_NOTE if unseen else None
    guards = [Guard(kind=GuardKind.OUTSIDE_WINDOW, count=report.outside_window, limit=0, note=note)]
    if report.frequency_cap is not None:
        guards.append(
            Guard(kind=GuardKind.OVER_FREQUENCY, count=report.over_frequency, limit=0, note=note)
        )
    if report.max_cost is not None and report.total_cost is not None:
        guards.append(
            Guard(
                kind=GuardKind.COST,
                count=math.ceil(Decimal(report.total_cost)),
                limit=math.floor(Decimal(report.max_cost)),
                note=f"{report.currency}, upper bound rounded up" + (f" {note}" if note else ""),
            )
        )
    return tuple(guards)
