"""``campaigns apply`` from start to end: lock, plan, guards, execute, fold (design.md 5).

The workspace lock is held for the whole apply. The plan is made from the state with any leftover
journal folded in; guards are enforced before any remote call that changes anything; the journal
is created with the state's lineage and serial, starts with what was loaded per declaration file
(``State.sources``: later plans skip parsing files unchanged since), and is folded into the state
(one atomic write, serial + 1) and removed at the end, even when the apply stops part-way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from reconciler.apply.canary import (
    SANDBOX_CANARY_FROM,
    SANDBOX_CANARY_TO,
    CanaryResult,
    run_canary,
)
from reconciler.apply.canary_journal import JournalledCanaryClient
from reconciler.apply.dedupe import DedupeGate, request_name_key, verified_for
from reconciler.apply.executor import execute
from reconciler.apply.ports import Routee
from reconciler.apply.preflight import count_recipients, enforce, policy_tripped
from reconciler.apply.results import ActionResult, ApplyReport, ResultStatus, StepOutcome
from reconciler.apply.steps import StepContext, utc_now
from reconciler.apply.submit import HOLD_UNVERIFIED
from reconciler.clock import current_time
from reconciler.config import Config, Workspace
from reconciler.errors import CampaignsError, ExitCode, HumanNeeded
from reconciler.load.paths import require_campaigns_dir
from reconciler.load.project import default_sender
from reconciler.load.recorded import with_dropped
from reconciler.masking import mask_numbers
from reconciler.models.campaign import Campaign
from reconciler.models.journal import OutcomeKind, Sources, Track
from reconciler.models.plan import ActionKind, GuardKind, Plan
from reconciler.models.state import State
from reconciler.plan.errors import PlanRefused
from reconciler.plan.saved import check_saved_plan
from reconciler.routee.client import RouteeClient
from reconciler.routee.errors import RouteeError
from reconciler.state.journal import Journal
from reconciler.state.store import load_state, state_path
from reconciler.usecases import Target
from reconciler.usecases.plan import load_declarations, plan_for, policy_inputs
from reconciler.usecases.session import WorkspaceSession, open_session, require_state_dir


class ApplyCancelled(CampaignsError):
    """The plan was not approved."""


class ApplyFailed(CampaignsError):
    """At least one campaign failed definitively (exit 1)."""


class ApplyStopped(CampaignsError):
    """The access check failed before the approval prompt: nothing was sent (exit 1)."""


class ApplyView(Protocol):
    """How the command shows an apply: the CLI implements it with click."""

    def note(self, text: str) -> None: ...
    def show_plan(self, plan: Plan) -> None: ...
    def confirm(self) -> bool: ...
    def start(self, total: int) -> None: ...
    def finished(self, result: ActionResult) -> None: ...


@dataclass(frozen=True)
class ApplyOptions:
    plan_file: Path | None = None
    auto_approve: bool = False
    concurrency: int | None = None
    allow: Mapping[GuardKind, int] = field(default_factory=dict)
    #: ``--replace ID``: cancel and send again although unchanged (a spec unverified).
    replace: frozenset[str] = frozenset()


def apply_workspace(target: Target, options: ApplyOptions, view: ApplyView) -> ApplyReport:
    """Perform the plan for ``target``; returns the report (the caller maps it to an exit code)."""
    config, workspace = target.config, target.workspace
    require_campaigns_dir(config)  # before the sandbox state and data dir are created
    require_state_dir(config, workspace)
    saved = read_saved_plan(config, workspace, options.plan_file)
    with open_session(target, "apply") as session:
        for line in session.notes:
            view.note(line)
        loaded = load_declarations(config, session.state)
        plan = _plan(target, session.state, loaded.campaigns, saved, options.replace)
        listed = policy_inputs(config, workspace, session.state).listed
        sources = Sources(
            sources=with_dropped(loaded.sources, loaded.campaigns, listed), at=utc_now()
        )
        report = _apply_plan(session, without_errored(plan), options, view, sources)
        report.plan_errors = tuple(problem.text for problem in plan.errors)
        return report


def without_errored(plan: Plan) -> Plan:
    """``plan`` without the actions of campaigns that have a plan error (a policy check can
    refuse a campaign that has an action); an error about no campaign stops everything."""
    errored = {problem.id for problem in plan.errors}
    if None in errored:
        lines = "\n".join(problem.text for problem in plan.errors)
        raise PlanRefused(f"the plan has errors; nothing was applied:\n{lines}")
    if not errored:
        return plan
    kept = tuple(action for action in plan.actions if action.id not in errored)
    return plan.model_copy(update={"actions": kept})


def _apply_plan(
    session: WorkspaceSession,
    plan: Plan,
    options: ApplyOptions,
    view: ApplyView,
    sources: Sources,
) -> ApplyReport:
    """Perform the plan's actions; a campaign with a plan error has none (the others run)."""
    if not plan.changes:
        return _track_again(session, plan, sources)
    if policy_tripped(plan, options.allow):  # before any remote call, analysis included
        view.show_plan(plan)
        enforce(plan, options.allow)
    check_access(session.client, plan)
    checked = count_recipients(plan, session.client)
    view.show_plan(checked.plan)
    enforce(checked.plan, options.allow)
    if options.plan_file is None and not options.auto_approve and not view.confirm():
        raise ApplyCancelled("Apply cancelled.")
    return _perform(
        session,
        checked.plan,
        failures=checked.failures,
        options=options,
        view=view,
        sources=sources,
    )


def check_access(client: RouteeClient, plan: Plan) -> None:
    """Credentials and endpoints, checked once before the prompt when the plan calls Routee.

    A refused credential or an unreachable endpoint stops the apply here with one message,
    before anything is journalled: the state is left as it was.
    """
    if all(action.action is ActionKind.FORGET for action in plan.changes):
        return
    try:
        client.check_access()
    except RouteeError as exc:
        raise ApplyStopped(f"nothing was sent, the state is unchanged: {exc}") from exc


def read_saved_plan(config: Config, workspace: Workspace, plan_file: Path | None) -> Plan | None:
    """PLANFILE, checked against the state on disk before any credentials or connection.

    A missing, edited, foreign or stale plan fails fast. Under the lock the opened state (a
    leftover journal folded in) is checked again, with the re-plan's actions: it may have moved.
    """
    if plan_file is None:
        return None
    from reconciler.usecases.plan_file import read_plan  # only with PLANFILE

    saved = read_plan(plan_file)
    path = state_path(config, workspace.name)
    if path.exists() or not workspace.is_sandbox:  # the sandbox makes its state on connect
        check_saved_plan(saved, load_state(path), replanned=saved)  # actions: under the lock
    return saved


def _plan(
    target: Target,
    state: State,
    campaigns: list[Campaign],
    saved: Plan | None,
    replace: frozenset[str],
) -> Plan:
    """The plan to apply: made now, and the saved one's if one was given. Its errors stop only
    their campaigns (:func:`without_errored`): the report carries them and
    :func:`raise_for_report` exits 1 after the others ran (design.md 4).

    A saved plan's replaces are re-planned as replaces (a ``plan --replace ID --out`` file).
    """
    if saved is not None:
        replace |= {a.id for a in saved.actions if a.action is ActionKind.REPLACE}
    now = current_time(os.environ, sandbox=target.workspace.is_sandbox)
    plan = plan_for(target.config, target.workspace, state, campaigns, now, replace=replace)
    if saved is not None:
        check_saved_plan(saved, state, plan)
    return plan


def _perform(
    session: WorkspaceSession,
    plan: Plan,
    *,
    failures: dict[str, StepOutcome],
    options: ApplyOptions,
    view: ApplyView,
    sources: Sources,
) -> ApplyReport:
    """Execute ``plan`` under one journal, folded into the state at the end whatever happens."""
    workspace, state = session.workspace, session.state
    refused = _analysis_failures(plan, failures)
    view.start(len(plan.changes))  # refused analyses included: each gets its line
    for result in refused:  # printed like any failed action: the reason is Routee's answer
        view.finished(result)
    name_key = request_name_key(workspace.settings.name_key, state.dedupe)
    session.client.name_key = name_key
    try:
        with _start_journal(session, plan, sources) as journal:
            gate = DedupeGate(
                verified=verified_for(state.dedupe, name_key),
                journal=journal,
                clock=utc_now,
                canary=_canary(session.client, session.config, workspace, state, journal),
                detail=state.dedupe.detail,
                name_key=name_key,
            )
            report = execute(
                plan.actions,
                StepContext(session.client, journal, gate),
                concurrency=options.concurrency or workspace.settings.concurrency,
                on_result=view.finished,
                skip=failures,
            )
        if gate.canary_result is not None:
            view.note(canary_note(gate.canary_result, canary_number(workspace)))
    finally:
        session.fold()
    report.results[:0] = refused
    report.retracked = len(plan.retracks)
    return report


def _start_journal(session: WorkspaceSession, plan: Plan, sources: Sources) -> Journal:
    """The apply's journal, opening with its state-only records: sources, then re-tracks."""
    journal = session.start_journal("apply")
    try:
        journal.append(sources)  # folded into State.sources: what later plans need not parse
        for action in plan.retracks:  # the declaration is back, whatever becomes of its action
            journal.append(Track(id=action.id, source=action.source, at=sources.at))
    except BaseException:
        journal.close()
        raise
    return journal


def _track_again(session: WorkspaceSession, plan: Plan, sources: Sources) -> ApplyReport:
    """No remote change: only forgotten ids declared again need recording (serial + 1)."""
    if not plan.retracks:
        return ApplyReport()
    try:
        _start_journal(session, plan, sources).close()
    finally:
        session.fold()
    return ApplyReport(retracked=len(plan.retracks))


def canary_note(result: CanaryResult, number: str | None) -> str:
    """What the canary apply ran by itself found: it posted to a real number, so say so."""
    verdict = "verified" if result.verified else "NOT verified"
    return (
        f"A submission was in doubt, so apply checked name dedupe with a canary to {number} "
        f"(scheduled a year ahead, cancelled): {verdict}: {result.detail}"
    )


def _analysis_failures(plan: Plan, failures: dict[str, StepOutcome]) -> list[ActionResult]:
    return [
        ActionResult(
            action, ResultStatus.FAILED, failures[action.id], message=failures[action.id].message
        )
        for action in plan.changes
        if action.id in failures
    ]


def canary_number(workspace: Workspace) -> str | None:
    """The workspace's canary recipient; the sandbox always has one."""
    if workspace.settings.canary_to:
        return workspace.settings.canary_to
    return SANDBOX_CANARY_TO if workspace.is_sandbox else None


def canary_sender(config: Config, workspace: Workspace) -> str | None:
    """The canary's sender: ``canary_from``, else the ``from`` of defaults.yaml (design.md 5.4).

    The sandbox workspace falls back to a fixed fictional sender. Never the number called.
    """
    if workspace.settings.canary_from:
        return workspace.settings.canary_from
    sender = default_sender(config)
    if sender is None and workspace.is_sandbox:
        return SANDBOX_CANARY_FROM
    return sender


def missing_sender(sender: str | None, number: str, workspace: Workspace) -> str | None:
    """Why the canary cannot be sent from ``sender`` to ``number`` (None: it can)."""
    where = f"canary_from in campaigns.toml [workspaces.{workspace.name}]"
    if sender is None:
        return f"no sender for the canary: set {where}, or from in campaigns/defaults.yaml"
    if sender.lstrip("+") == number.lstrip("+"):
        return (
            f"the canary's sender {sender} is the number it calls: set {where} to a sender "
            "of yours (the canary is never sent from the number it calls)"
        )
    return None


def _canary(
    client: Routee, config: Config, workspace: Workspace, state: State, journal: Journal
) -> Callable[[], CanaryResult] | None:
    """The canary apply may run by itself: only where dedupe was never checked (doctor re-checks).

    Its POSTs and DELETEs are journalled like any submission (a killed apply leaves its canary
    recorded in ``State.canaries``, not an unrecorded call).
    """
    number = canary_number(workspace)
    if number is None or state.dedupe.checked_at is not None:
        return None
    sender = canary_sender(config, workspace)
    if sender is None or missing_sender(sender, number, workspace) is not None:
        return None  # held; doctor names what to set
    journalled = JournalledCanaryClient(client, journal, utc_now)
    return lambda: run_canary(journalled, number, datetime.now(UTC), sender=sender)


def raise_for_report(report: ApplyReport, workspace: Workspace) -> None:
    """Raise the error that gives the apply its exit code: 3 if anything is held, 1 if failed
    or if a campaign was left out for a plan error."""
    if report.held:
        raise HumanNeeded(held_message(report, workspace))
    problems = []
    if report.stopped:
        problems.append(
            f"the apply stopped: Routee refused the credentials; {report.not_started} "
            "campaign(s) not started (check ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET, "
            "then apply again: nothing is sent twice)"
        )
    if report.failed:
        names = ", ".join(sorted({r.action.id for r in report.failed}))
        problems.append(f"{len(report.failed)} action(s) failed ({names}); see above")
    if report.plan_errors:
        lines = "\n".join(report.plan_errors)
        problems.append(
            f"the plan has {len(report.plan_errors)} error(s); those campaigns were not applied "
            f"(the others were):\n{lines}"
        )
    if report.failed or report.stopped:
        raise ApplyFailed("\n".join(problems))
    if problems:
        raise PlanRefused("\n".join(problems))


def held_message(report: ApplyReport, workspace: Workspace) -> str:
    """Exit 3's message: each held action with its own reason, then what settles each kind."""
    ws = "--sandbox" if workspace.is_sandbox else f"--workspace {workspace.name}"
    kinds = {kind: [r for r in report.held if _hold_kind(r) == kind] for kind in _HOLD_ADVICE}
    lines = [
        f"{len(report.held)} action(s) in doubt and held. Nothing more is sent for them; the "
        "intents are kept in the state (`campaigns status` shows them):",
        *(f"  {_held_label(r)}: {mask_numbers(r.message or 'held')}" for r in report.held),
    ]
    number = canary_number(workspace) or "NUMBER"
    for kind, advice in _HOLD_ADVICE.items():
        if kinds[kind]:
            names = ", ".join(sorted({_held_label(r) for r in kinds[kind]}))
            lines.append(advice.format(names=names, ws=ws, number=number))
    lines.append(f"See `campaigns help recovery` (exit code {ExitCode.IN_DOUBT}).")
    return "\n".join(lines)


#: What settles a hold, per reason (docs/recovery.md); ``unverified`` is the only one doctor helps.
_HOLD_ADVICE = {
    "unverified": "Name dedupe is not verified here ({names}): `campaigns doctor --canary-to "
    "{number} {ws}`, then `campaigns apply {ws}`. If doctor cannot verify name dedupe, look for "
    "those names in Routee.",
    "refused": "A re-send was refused for {names}: apply will not send it again. Look for the "
    "name in Routee: found, `campaigns import ID --tracking-id T {ws}` records it; not found, "
    "remove that intent from `pending` in the state.",
    "unanswered": "Routee gave no usable answer for {names} (name dedupe is verified): "
    "`campaigns apply {ws}` again later re-sends under the same name, so nothing is sent twice; "
    "a held cancel is settled by `campaigns refresh {ws}`.",
}


def _hold_kind(result: ActionResult) -> str:
    if result.outcome is not None and result.outcome.kind is OutcomeKind.HELD_REFUSED:
        return "refused"
    if (result.message or "").startswith(HOLD_UNVERIFIED):
        return "unverified"
    return "unanswered"


def _held_label(result: ActionResult) -> str:
    action = result.action
    if action.submit is None and action.cancel is not None:
        return f"{action.id} (cancel of {action.tracking_id})"
    return f"{action.id} ({action.submission_name})" if action.submission_name else action.id
