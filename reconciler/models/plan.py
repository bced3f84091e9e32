"""The plan: its actions (one frozen value per kind, ``models.actions``), guards and problems.

The diff (``reconciler.plan.diff``) produces a :class:`Plan`; renderers show it; apply performs it.
Serialized as camelCase JSON (``campaigns plan --format json`` / ``--out``), documented by
``schema/plan.schema.json``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from reconciler.escape import for_terminal
from reconciler.models.actions import (
    Action,
    ActionKind,
    Cancel,
    Forget,
    NoOp,
    PostingAction,
    Replace,
    Resend,
    Resolve,
    Send,
)
from reconciler.models.policy import PolicyReport

__all__ = [
    "PLAN_FORMAT_VERSION",
    "Action",
    "ActionKind",
    "Cancel",
    "Forget",
    "Guard",
    "GuardKind",
    "NoOp",
    "Plan",
    "PostingAction",
    "Problem",
    "Replace",
    "Resend",
    "Resolve",
    "Send",
]

PLAN_FORMAT_VERSION: Final = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class Problem(_Frozen):
    """A plan error (blocks apply) or warning, about one campaign id (or the whole plan)."""

    id: str | None = None
    source: str | None = None
    message: str

    @property
    def text(self) -> str:
        """One line for people: errors already start with their file; others get ``id (source):``.
        One line whatever a file name, id or message holds (a line break shows as ``\\u000a``):
        commands print it to CI logs as it is."""
        path = (self.source or "").split(":")[0]
        if path and self.message.startswith(f"{path}:"):
            return for_terminal(self.message, single_line=True)
        where = f" ({self.source})" if self.source else ""
        line = f"{self.id}{where}: {self.message}" if self.id else self.message
        return for_terminal(line, single_line=True)


class GuardKind(StrEnum):
    SENDS = "sends"
    RECIPIENTS = "recipients"
    LATE = "late"
    #: Recipients whose phone would ring outside their calling window (docs/policy.md).
    OUTSIDE_WINDOW = "outside-window"
    #: Calls over the frequency cap (``max_calls`` per number within ``per_days``).
    OVER_FREQUENCY = "over-frequency"
    #: The estimated upper bound of the cost, in whole units of the currency, rounded up.
    COST = "cost"


class Guard(_Frozen):
    """One guard: what this plan would do, the limit, and the flag that overrides it."""

    kind: GuardKind
    count: int
    limit: int
    #: What the count leaves out, e.g. "+ groups counted at apply" for recipients.
    note: str | None = None

    @property
    def tripped(self) -> bool:
        return self.count > self.limit

    @property
    def flag(self) -> str:
        return f"--allow-{self.kind.value} {self.count}"


class Plan(_Frozen):
    #: Bumped on any incompatible change; readers refuse other versions.
    format_version: Literal[1] = PLAN_FORMAT_VERSION
    workspace: str
    lineage: str
    serial: int
    generated_at: str
    actions: tuple[Action, ...] = ()
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    guards: tuple[Guard, ...] = Field(default=())
    #: The safe-to-send checks of the plan's POSTs (design.md 11); absent when not checked.
    policy: PolicyReport | None = Field(default=None, exclude_if=lambda value: value is None)
    #: ``digest`` of the plan's canonical JSON without ``checksum`` and ``generatedAt``.
    checksum: str = ""

    @property
    def errored(self) -> bool:
        return bool(self.errors)

    @property
    def changes(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.action is not ActionKind.NOOP)

    @property
    def retracks(self) -> tuple[Action, ...]:
        """Actions of forgotten ids declared again: apply records them even with no changes."""
        return tuple(a for a in self.actions if a.retrack)
