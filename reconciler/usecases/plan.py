"""``campaigns plan`` below the CLI: load, read the workspace, diff; returns what to show.

Offline unless asked to refresh first, and read-only: the workspace is read with
:func:`reconciler.state.workspace.read_workspace`, which creates, locks and writes nothing (a
running apply does not block a plan; a leftover journal is folded in memory only). Invalid declarations are reported before a workspace
that cannot be opened (no state, another endpoint): the load runs either way, and the opening
error is raised only when there is nothing else to report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from reconciler.collector import collector_paused
from reconciler.config import Config, Workspace
from reconciler.errors import CampaignsError
from reconciler.load import LoadError, LoadResult, load_project
from reconciler.load.paths import require_campaigns_dir
from reconciler.load.prefetch import Prefetch
from reconciler.load.suppression import read_policy
from reconciler.models.campaign import Campaign
from reconciler.models.plan import Plan, Problem
from reconciler.models.state import State
from reconciler.plan.guards import GuardLimits
from reconciler.plan.policy import plan_with_policy
from reconciler.plan.seal import seal
from reconciler.policy.optouts import suppressed_by_opt_outs
from reconciler.policy.report import PolicyInputs
from reconciler.state.seal import state_key
from reconciler.state.store import state_path
from reconciler.state.workspace import OpenedWorkspace, read_workspace
from reconciler.usecases import Target

if TYPE_CHECKING:  # refresh (and httpx with it) loads only for plan --refresh
    from reconciler.usecases.refresh import RefreshReport


@dataclass(frozen=True)
class PlanResult:
    """What ``plan`` has to show, in order: the refresh, the opening notes, then the plan."""

    loaded: LoadResult
    #: ``None`` when the declarations are invalid (``loaded.findings``): no plan was made.
    plan: Plan | None
    notes: list[str] = field(default_factory=list)
    refresh: RefreshReport | None = None
    #: The state planned against (``campaigns calendar`` lists its submissions too).
    state: State | None = None


def load_declarations(config: Config, state: State | None = None) -> LoadResult:
    """Load (files unchanged since ``state`` recorded them are not parsed); findings stop here."""
    loaded = load_project(config, state)
    if loaded.findings:
        lines = "\n".join(str(f) for f in loaded.findings)
        raise LoadError(f"invalid declarations (run `campaigns validate`):\n{lines}")
    return loaded


def declared_campaigns(config: Config) -> list[Campaign]:
    """The valid declarations; any finding stops the command (as ``validate`` shows them)."""
    return load_declarations(config).campaigns


def guard_limits(workspace: Workspace) -> GuardLimits:
    settings = workspace.settings
    return GuardLimits(max_sends=settings.max_sends, max_recipients=settings.max_recipients)


def plan_for(
    config: Config,
    workspace: Workspace,
    state: State,
    campaigns: list[Campaign],
    now: datetime,
    *,
    replace: Iterable[str] = (),
    sealed: bool = True,
) -> Plan:
    """The diff of the declarations against ``state`` with the safe-to-send checks
    (docs/policy.md: suppression lists read here), and the workspace's guard limits.

    ``replace``: ids to cancel and send again although unchanged (``--replace ID``);
    ``sealed=False``: without the checksum (for a plan only shown as text or markdown).
    """
    inputs = policy_inputs(config, workspace, state)
    limits = guard_limits(workspace)
    return plan_with_policy(
        campaigns, state, now, inputs, sealed=sealed, limits=limits, replace=replace
    )


def policy_inputs(config: Config, workspace: Workspace, state: State) -> PolicyInputs:
    """The policy in force and every suppressed number: the lists' and the state's opt-outs
    (a list's entry wins for a number in both)."""
    inputs = read_policy(config, workspace.name)
    if not state.opt_outs:
        return inputs
    return PolicyInputs(inputs.policy, {**suppressed_by_opt_outs(state.opt_outs), **inputs.listed})


def plan_workspace(
    target: Target,
    now: datetime,
    *,
    refresh: bool = False,
    replace: Iterable[str] = (),
    sealed: bool = True,
    review: Review | None = None,
) -> PlanResult:
    """Plan ``target``'s workspace (reading Routee tracking first with ``refresh``);
    ``sealed=False``: without the checksum (a plan only shown as text or markdown);
    ``review``: what ``--base`` adds to a pull request's plan, sealed with the rest."""
    require_campaigns_dir(target.config)
    report = _refresh(target) if refresh else None
    with collector_paused():  # what a plan builds lives until it ends (design.md 9)
        result = _plan(target, now, report, replace)
    if result.plan is None:
        return result
    plan = result.plan if review is None else review.added_to(result.plan)
    return dataclasses.replace(result, plan=seal(plan) if sealed else plan)


@dataclass(frozen=True)
class Review:
    """What ``plan --base REF`` adds for a pull request's review (design.md 10), in the plan
    before it is sealed, so that a saved plan's checksum covers it.

    ``protected``: a plan error per file only apply writes that changed since ``base``, found
    before anything is planned, so that the command names them even when the edit breaks the
    state. Then, once planned, a warning per guard trailer the next apply would honour.
    """

    target: Target
    base: str
    protected: tuple[Problem, ...]

    @classmethod
    def of(cls, target: Target, base: str) -> Review:
        from reconciler.protected import protected_changes

        changed = protected_changes(target.config.root, base)
        return cls(
            target, base, tuple(Problem(source=c.path, message=c.message(base)) for c in changed)
        )

    def added_to(self, plan: Plan) -> Plan:
        from reconciler.apply.trailers import trailers_in_force

        found = trailers_in_force(self.target.config.root, self.target.workspace.name)
        errors = (*self.protected, *plan.errors)
        warnings = (*plan.warnings, *(Problem(message=t.describe()) for t in found))
        return plan.model_copy(update={"errors": errors, "warnings": warnings})


def _plan(
    target: Target,
    now: datetime,
    report: RefreshReport | None,
    replace: Iterable[str],
) -> PlanResult:
    config, workspace = target.config, target.workspace
    # The declaration files are read by a worker while the state is read here (design.md 9).
    prefetch = Prefetch.start(config, state_path(config, workspace.name))
    try:
        opened: OpenedWorkspace | None = None
        try:
            opened = read_workspace(config, workspace)
        except CampaignsError as exc:
            unopened = exc
        state = opened.state if opened else None
        loaded = load_project(config, state, sources=False, prefetch=prefetch)
    finally:
        if prefetch is not None:
            prefetch.stop()
    notes = opened.notes if opened else []
    if loaded.findings:
        return PlanResult(loaded, None, notes, report)
    if opened is None:
        raise unopened
    notes = [*notes, *_seal_note(workspace, opened)]
    plan = plan_for(
        config, workspace, opened.state, loaded.campaigns, now, replace=replace, sealed=False
    )
    return PlanResult(loaded, plan, notes, report, opened.state)


def _seal_note(workspace: Workspace, opened: OpenedWorkspace) -> list[str]:
    """Without the key the seal cannot be checked here; say what that means (not for sandbox)."""
    if workspace.is_sandbox or state_key() is not None:
        return []
    if opened.state.seal is None:
        return [f"{opened.path}: not sealed (CAMPAIGNS_STATE_KEY is not set here)"]
    return [
        f"{opened.path}: sealed; the seal is checked by apply, not here (no CAMPAIGNS_STATE_KEY)"
    ]


def _refresh(target: Target) -> RefreshReport:
    from reconciler.usecases.refresh import refresh_workspace

    return refresh_workspace(target)
