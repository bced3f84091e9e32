"""Performs a plan's actions: campaigns concurrently, each campaign's own steps in order.

Order: resolve, cancel, replace, send/resend (campaign groups are started in that order), then the
state-only ``forget``s. A campaign whose step fails or is held runs no further steps; the other
campaigns carry on, and every failure is reported at the end. The executor never writes the state:
it journals intents and outcomes, and the caller folds the journal.

An interrupt (Ctrl-C) stops the run: no campaign starts
another step, campaigns not yet started never start, the steps already running finish and journal
their outcome, and the exception is raised again once they have.

A refused credential (401/403 after the client's one token renewal) stops the run the same way:
every later call would be refused too, so the campaigns not started yet are counted in
``ApplyReport.not_started`` with the one reason (``stopped``), not failed one line each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby

from reconciler.apply.cancel import cancel
from reconciler.apply.results import ActionResult, ApplyReport, ResultStatus, StepOutcome
from reconciler.apply.steps import StepContext
from reconciler.apply.submit import resend_blocker, submit
from reconciler.models.journal import Forget, OutcomeKind
from reconciler.models.plan import Action, ActionKind

ResultCallback = Callable[[ActionResult], None]


def execute(
    actions: Iterable[Action],
    context: StepContext,
    *,
    concurrency: int = 8,
    on_result: ResultCallback | None = None,
    skip: Iterable[str] = (),
) -> ApplyReport:
    """Run every changing action; ``skip`` names campaigns already failed (e.g. by analysis)."""
    report = ApplyReport()
    lock = threading.Lock()

    def finished(result: ActionResult) -> None:
        with lock:
            report.results.append(result)
        if on_result is not None:
            on_result(result)

    runner = _CampaignRunner(context, finished)
    skipped = set(skip)
    changes = [a for a in actions if a.action is not ActionKind.NOOP and a.id not in skipped]
    remote = [a for a in changes if a.action is not ActionKind.FORGET]
    _run_concurrently(runner, campaign_groups(remote), concurrency)
    for action in changes:
        if action.action is ActionKind.FORGET:
            runner.run([action])
    if runner.stopped_by is not None:
        report.stopped = runner.stopped_by
        report.not_started = len({a.id for a in changes} - runner.started)
    return report


def _run_concurrently(
    runner: _CampaignRunner, groups: list[list[Action]], concurrency: int
) -> None:
    """Each group on the pool; on an interrupt, start nothing more and wait for what runs."""
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
    try:
        futures = [pool.submit(runner.run, steps) for steps in groups]
        for future in futures:
            future.result()
    except KeyboardInterrupt:
        runner.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def campaign_groups(actions: Iterable[Action]) -> list[list[Action]]:
    """Actions grouped per campaign, each group in run order, groups by their first action."""
    ordered = sorted(actions, key=lambda a: (a.id, a.action.order))
    groups = [list(steps) for _, steps in groupby(ordered, key=lambda a: a.id)]
    return sorted(groups, key=lambda steps: steps[0].sort_key)


class _CampaignRunner:
    def __init__(self, context: StepContext, finished: ResultCallback) -> None:
        self._context = context
        self._finished = finished
        self._stopped = threading.Event()
        #: Ids of the campaigns that started a step.
        self.started: set[str] = set()
        #: Why the run stopped by itself (a refused credential), if it did.
        self.stopped_by: str | None = None

    def stop(self) -> None:
        """Start no further step; a step already running finishes."""
        self._stopped.set()

    def run(self, steps: list[Action]) -> None:
        for index, action in enumerate(steps):
            if self._stopped.is_set():
                return
            self.started.add(action.id)
            result = self.perform(action)
            if _credentials_refused(result) and self.stopped_by is None:
                self.stopped_by = result.message or "Routee refused the credentials"
                self.stop()
            self._finished(result)
            if result.status is not ResultStatus.DONE:
                for later in steps[index + 1 :]:
                    self._finished(
                        ActionResult(
                            later, ResultStatus.FAILED, message="not run: an earlier step did not"
                        )
                    )
                return

    def perform(self, action: Action) -> ActionResult:
        """Journal and make the action's calls: its cancel first, then its submit."""
        if action.action is ActionKind.FORGET:
            self._context.journal.append(Forget(id=action.id, at=self._context.clock()))
            return ActionResult(action, ResultStatus.DONE)
        resend = action.action is ActionKind.RESOLVE
        if action.cancel is not None:
            cancelled = cancel(self._context, action.cancel, resend=resend)
            if action.submit is None or cancelled.kind is not OutcomeKind.CANCELLED:
                return _result(action, cancelled)
        if action.submit is None:
            return ActionResult(action, ResultStatus.DONE)
        if resend:
            held = self._held(action)
            if held is not None:
                return held
        return _result(action, submit(self._context, action.submit, resend=resend))

    def _held(self, action: Action) -> ActionResult | None:
        """A resolve that must not re-send now: refused before, or dedupe unverified."""
        if action.held:
            message = f"not re-sent: {action.held_message or 'a re-send of it was refused'}"
            held = StepOutcome(OutcomeKind.HELD_REFUSED, message=message)
            return ActionResult(action, ResultStatus.HELD, held, message=message)
        blocker = resend_blocker(self._context)
        return None if blocker is None else ActionResult(action, ResultStatus.HELD, message=blocker)


def _credentials_refused(result: ActionResult) -> bool:
    """401/403 after the client's token renewal: every later call would be refused too."""
    refusal = result.refusal
    return refusal is not None and refusal.status in (401, 403)


def _result(action: Action, outcome: StepOutcome) -> ActionResult:
    notes = []
    if outcome.kind is OutcomeKind.ADOPTED:
        notes.append("spec unverified (409: adopted an existing campaign of this name)")
    if outcome.kind is OutcomeKind.RESOLVED and not outcome.tracking_id:
        notes.append("trackingId pending: `campaigns refresh` finds it once the campaign starts")
    if not outcome.name_echoed:
        notes.append("NAME NOT ECHOED: this endpoint gives no name dedupe")
    message = outcome.message if outcome.status is not ResultStatus.DONE else None
    return ActionResult(action, outcome.status, outcome, message=message, notes=tuple(notes))
