"""What became of each action of an apply (``reconciler.render.apply`` shows it)."""

from __future__ import annotations

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
class Refusal:
    """What Routee answered when it refused a call (``None`` fields: not in the answer)."""

    status: int | None
    code: str | None
    message: str | None


@dataclass(frozen=True)
class StepOutcome:
    """The settled answer to one remote step (a submit or a cancel, re-sends included)."""

    kind: OutcomeKind
    tracking_id: str | None = None
    message: str | None = None
    name_echoed: bool = True
    errors: tuple[RecipientError, ...] = ()
    #: Routee's answer when it refused the call: HTTP status, ``code``, ``developerMessage``.
    refusal: Refusal | None = None

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

    @property
    def refusal(self) -> Refusal | None:
        return self.outcome.refusal if self.outcome else None


@dataclass
class ApplyReport:
    """All results of one apply, in the order they finished."""

    results: list[ActionResult] = field(default_factory=list)
    #: Forgotten ids declared again, recorded as tracked again (a state-only change).
    retracked: int = 0
    #: The plan's errors: those campaigns had no action (the apply still exits 1).
    plan_errors: tuple[str, ...] = ()
    #: Why the run stopped by itself (Routee refused the credentials), and how many campaigns
    #: it did not start because of that.
    stopped: str | None = None
    not_started: int = 0

    def count(self, status: ResultStatus) -> int:
        return sum(1 for r in self.results if r.status is status)

    def done(self, *kinds: ActionKind) -> int:
        return sum(
            1 for r in self.results if r.status is ResultStatus.DONE and r.action.action in kinds
        )

    def posted(self, *kinds: OutcomeKind) -> int:
        """Actions whose POST ended in one of ``kinds`` (a replace is counted as replaced)."""
        return sum(
            1
            for r in self.results
            if r.status is ResultStatus.DONE
            and r.action.posts
            and r.action.action is not ActionKind.REPLACE
            and r.outcome is not None
            and r.outcome.kind in kinds
        )

    @property
    def sent(self) -> int:
        """Routee accepted a POST of this apply (200): a campaign it created now."""
        return self.posted(OutcomeKind.ACCEPTED)

    @property
    def adopted(self) -> int:
        """A fresh POST answered 409: a campaign of that name existed (spec unverified)."""
        return self.posted(OutcomeKind.ADOPTED)

    @property
    def settled(self) -> int:
        """An in-doubt POST re-sent and answered 409: the earlier attempt had landed."""
        return self.posted(OutcomeKind.RESOLVED)

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
