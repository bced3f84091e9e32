"""The plan: small frozen actions with a fixed order, and the plan that holds them (design.md 4).

The diff (``reconciler.plan.diff``) produces a :class:`Plan`; renderers show it; apply performs it.
Serialized as camelCase JSON (``campaigns plan --format json`` / ``--out``), documented by
``schema/plan.schema.json``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator
from pydantic.alias_generators import to_camel, to_snake
from pydantic.json_schema import SkipJsonSchema

from reconciler.models.intent import CancelIntent, CancelReason, SubmitIntent
from reconciler.models.policy import PolicyReport

PLAN_FORMAT_VERSION: Final = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class ActionKind(StrEnum):
    """Plan actions, in the order they run (design.md section 4)."""

    RESOLVE = "resolve"
    CANCEL = "cancel"
    REPLACE = "replace"
    SEND = "send"
    RESEND = "resend"
    FORGET = "forget"
    NOOP = "no-op"

    @property
    def order(self) -> int:
        return list(ActionKind).index(self)

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_SYMBOLS = {
    ActionKind.RESOLVE: "?",
    ActionKind.CANCEL: "-",
    ActionKind.REPLACE: "-/+",
    ActionKind.SEND: "+",
    ActionKind.RESEND: "+",
    ActionKind.FORGET: "~",
    ActionKind.NOOP: " ",
}


class Action(_Frozen):
    """One campaign's change: the remote calls it makes (its intents) and what people are shown.

    ``submit`` and ``cancel`` are the exact intents apply journals, stamped with a key and a time
    (a ``replace`` has both: the DELETE runs first; a ``resolve`` re-sends one recorded intent).
    They are not part of the plan's JSON: the other fields are, flat, for people and for saved
    plans (``schema/plan.schema.json``); a saved plan read back gets its intents from them.
    Display fields not relevant to an action are ``None``.
    """

    model_config = ConfigDict(json_schema_mode_override="serialization")

    id: str
    action: ActionKind
    #: ``path:line:col`` of the declaration (None for forget/resolve of an undeclared id).
    source: str | None = None
    #: The seq of the submission this action creates (send, resend, replace, resolve of a submit).
    seq: int | None = None
    #: The name it POSTs under (design.md 5.1), or re-sends under (resolve).
    submission_name: str | None = None
    #: The trackingId a cancel or replace DELETEs (and a resolve of a cancel re-DELETEs).
    tracking_id: str | None = None
    revision: int | None = None
    spec_hash: str | None = None
    decl_hash: str | None = None
    #: The body to POST, without the name; for a resolve, the journal intent's recorded body.
    request: dict[str, Any] | None = None
    #: For display: the last submitted request (before) and the declared one (after).
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    #: Recipients countable offline (``to`` + ``contacts``); groups are counted by analysis.
    recipients: int = 0
    groups: tuple[str, ...] = ()
    #: ``scheduledDate`` of the submission, if any.
    scheduled_date: str | None = None
    #: The state holds this id as forgotten (its file was deleted) and it is declared again:
    #: apply journals a ``track`` record so the state follows it again (design.md 4).
    retrack: bool = False
    #: A resolve whose re-send Routee refused (``heldRefused``): apply will not send it again,
    #: so it counts toward no guard; a human settles it (docs/recovery.md).
    held: bool = False
    notes: tuple[str, ...] = ()
    #: The POST this action makes (send, resend, replace, resolve of a submit).
    submit: SkipJsonSchema[SubmitIntent | None] = Field(default=None, exclude=True)
    #: The DELETE this action makes (cancel, the first half of a replace, resolve of a cancel).
    cancel: SkipJsonSchema[CancelIntent | None] = Field(default=None, exclude=True)
    #: For a held resolve: why its re-send was refused (the state's pending entry says).
    held_message: SkipJsonSchema[str | None] = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _intents_of_saved_plan(cls, data: Any) -> Any:
        """A saved plan's action (JSON) carries its intents as flat fields: rebuild them."""
        if isinstance(data, dict) and "intent" in data:
            data = dict(data)
            kind = data.pop("intent")
            key = data.pop("journalKey", None) or data.pop("journal_key", None)
            data.update(intents_from_fields(data, kind, key or ""))
        return data

    @model_validator(mode="after")
    def _calls_fit_the_kind(self) -> Action:
        """Each kind carries exactly the intents it journals: a send cannot lack its POST."""
        calls = (self.cancel is not None, self.submit is not None)
        allowed = _CALLS[self.action]
        if calls not in allowed:
            have = " and ".join(n for n, c in zip(("cancel", "submit"), calls, strict=True) if c)
            raise ValueError(f"a {self.action.value} action cannot carry {have or 'no intent'}")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def intent(self) -> Literal["submit", "cancel"] | None:
        """For a resolve: which kind of intent it re-sends (``submit`` or ``cancel``)."""
        if self.action is not ActionKind.RESOLVE:
            return None
        return "submit" if self.submit is not None else "cancel"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def journal_key(self) -> str | None:
        """For a resolve: the key of the journalled intent it settles."""
        if self.action is not ActionKind.RESOLVE:
            return None
        call = self.submit or self.cancel
        return call.key if call else None

    @property
    def posts(self) -> bool:
        """Whether performing this action POSTs a campaign: the one answer, for guards and apply."""
        return self.submit is not None and not self.held

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.action.order, self.id)


def intents_from_fields(
    data: dict[str, Any], kind: str | None, key: str
) -> dict[str, SubmitIntent | CancelIntent]:
    """The intents a saved plan's action stands for, from its flat fields (not executed: apply
    re-plans; they make the action equal to the one it was saved from)."""

    def get(alias: str) -> Any:
        return data.get(alias, data.get(to_snake(alias)))

    action = ActionKind(get("action"))
    calls: dict[str, SubmitIntent | CancelIntent] = {}
    cancels = action in (ActionKind.CANCEL, ActionKind.REPLACE) or kind == "cancel"
    if cancels and isinstance(get("trackingId"), str):
        reason = CancelReason.REPLACE if action is ActionKind.REPLACE else CancelReason.CANCEL
        calls["cancel"] = CancelIntent(
            key=key, id=get("id"), tracking_id=get("trackingId"), reason=reason
        )
    if (action in _POSTING or kind == "submit") and isinstance(get("request"), dict):
        calls["submit"] = SubmitIntent(
            key=key,
            id=get("id"),
            seq=get("seq") or 0,
            revision=get("revision") or 0,
            submission_name=get("submissionName") or "",
            spec_hash=get("specHash") or "",
            decl_hash=get("declHash") or "",
            request=get("request"),
            source=get("source"),
        )
    return calls


_POSTING = (ActionKind.SEND, ActionKind.RESEND, ActionKind.REPLACE)

#: Which intents (cancel?, submit?) each kind of action carries: the one it journals, if any.
_CALLS: dict[ActionKind, frozenset[tuple[bool, bool]]] = {
    ActionKind.RESOLVE: frozenset({(True, False), (False, True)}),
    ActionKind.CANCEL: frozenset({(True, False)}),
    ActionKind.REPLACE: frozenset({(True, True)}),
    ActionKind.SEND: frozenset({(False, True)}),
    ActionKind.RESEND: frozenset({(False, True)}),
    ActionKind.FORGET: frozenset({(False, False)}),
    ActionKind.NOOP: frozenset({(False, False)}),
}


class Problem(_Frozen):
    """A plan error (blocks apply) or warning, about one campaign id (or the whole plan)."""

    id: str | None = None
    source: str | None = None
    message: str

    @property
    def text(self) -> str:
        """One line for people: errors already start with their file; others get ``id (source):``."""
        path = (self.source or "").split(":")[0]
        if path and self.message.startswith(f"{path}:"):
            return self.message
        where = f" ({self.source})" if self.source else ""
        return f"{self.id}{where}: {self.message}" if self.id else self.message


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
