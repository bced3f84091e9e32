"""What became of each action of an apply, and the summary line built from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from reconciler.models.journal import OutcomeKind
from reconciler.models.plan import Action, ActionKind
from reconciler.models.state import RecipientError


class ResultStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"  # definitive: nothing (more) happened for this campaign
    HELD = "held"  # in doubt and not settled automatically: a human must look (exit 3)


DONE_OUTCOMES = frozenset(
    {OutcomeKind.ACCEPTED, OutcomeKind.RESOLVED, OutcomeKind.ADOPTED, OutcomeKind.CANCELLED}
)


@dataclass(frozen=True)
class StepOutcome:
    """The settled answer to one remote step (a submit or a cancel, re-sends included)."""

    kind: OutcomeKind
    tracking_id: str | None = None
    message: str | None = None
    name_echoed: bool = True
    errors: tuple[RecipientError, ...] = ()

    @property
    def status(self) -> ResultStatus:
        if self.kind in DONE_OUTCOMES:
            return ResultStatus.DONE
        if self.kind in (OutcomeKind.HELD, OutcomeKind.HELD_REFUSED):
            return ResultStatus.HELD
        return ResultStatus.FAILED


@dataclass(frozen=True)
class ActionResult:
    """One plan action after the apply: its status, the final step, and what to tell the user."""

    action: Action
    status: ResultStatus
    outcome: StepOutcome | None = None
    message: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def tracking_id(self) -> str | None:
        return self.outcome.tracking_id if self.outcome else None

    @property
    def errors(self) -> tuple[RecipientError, ...]:
        return self.outcome.errors if self.outcome else ()


@dataclass
class ApplyReport:
    """All results of one apply, in the order they finished."""

    results: list[ActionResult] = field(default_factory=list)
    #: Forgotten ids declared again, recorded as tracked again (a state-only change).
    retracked: int = 0

    def count(self, status: ResultStatus) -> int:
        return sum(1 for r in self.results if r.status is status)

    def done(self, *kinds: ActionKind) -> int:
        return sum(
            1 for r in self.results if r.status is ResultStatus.DONE and r.action.action in kinds
        )

    @property
    def sent(self) -> int:
        return sum(
            1
            for r in self.results
            if r.status is ResultStatus.DONE
            and r.action.posts
            and r.action.action is not ActionKind.REPLACE  # counted as replaced
        )

    @property
    def cancelled(self) -> int:
        resolved_cancels = sum(
            1
            for r in self.results
            if r.status is ResultStatus.DONE
            and r.action.action is ActionKind.RESOLVE
            and r.action.cancel is not None
        )
        return self.done(ActionKind.CANCEL) + resolved_cancels

    @property
    def failed(self) -> list[ActionResult]:
        return [r for r in self.results if r.status is ResultStatus.FAILED]

    @property
    def held(self) -> list[ActionResult]:
        return [r for r in self.results if r.status is ResultStatus.HELD]

    def summary(self) -> str:
        return (
            f"Apply complete: {self.sent} sent, {self.done(ActionKind.REPLACE)} replaced, "
            f"{self.cancelled} cancelled, {self.done(ActionKind.FORGET)} forgotten, "
            f"{self._tracked_again}{len(self.failed)} failed, {len(self.held)} held."
        )

    @property
    def _tracked_again(self) -> str:
        return f"{self.retracked} tracked again, " if self.retracked else ""


def describe(result: ActionResult) -> str:
    """One line per finished action, e.g. ``+ send promo → Promo-abcd1234 (trackingId …)``."""
    action = result.action
    head = f"{action.action.symbol} {action.action.value} {action.id}".lstrip()
    if result.status is ResultStatus.FAILED:
        return f"! {action.action.value} {action.id} failed: {result.message}"
    if result.status is ResultStatus.HELD:
        return f"? {action.action.value} {action.id} held: {result.message}"
    if action.submission_name and action.posts:
        tracking = result.tracking_id or "pending"
        head += f" → {action.submission_name} (trackingId {tracking})"
    elif result.tracking_id:
        head += f" (trackingId {result.tracking_id})"
    notes = "".join(f"; {note}" for note in result.notes)
    return head + notes


def recipient_error_lines(results: Sequence[ActionResult]) -> list[str]:
    """Routee's ``errors[]`` (invalid recipients of accepted campaigns), one line each."""
    lines = []
    for result in results:
        for err in result.errors:
            what = err.property or "?"
            lines.append(
                f"  {result.action.id}: {what}: {err.developer_message or ''} ({err.code or '-'})"
            )
    return lines
