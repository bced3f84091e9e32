"""The plan's actions: one frozen value per kind, each holding only what that kind has (design.md 4).

A :class:`Send`, :class:`Resend` or :class:`Replace` holds the exact :class:`SubmitIntent` it will
journal (a replace also the :class:`CancelIntent` that runs first), a :class:`Cancel` its
``CancelIntent``, a :class:`Resolve` the recorded intent it re-sends; :class:`Forget` and
:class:`NoOp` call nothing. Everything else an action shows (seq, name, recipients, dates) is
read from those intents and requests, so it cannot disagree with what apply will send.

The plan's JSON (``--format json``, saved plans) shows every action flat, with the same keys for
every kind (:data:`FLAT_FIELDS`; ``null`` where a kind has nothing): :meth:`flat` writes that
projection and the kind's validator reads it back (a saved plan's intents are rebuilt from it).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    TypeAdapter,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema as cs

from reconciler.models.intent import CancelIntent, CancelReason, SubmitIntent


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

#: The keys of every action in the plan's JSON, whatever its kind (camelCase).
FLAT_FIELDS = (
    "action",
    "after",
    "before",
    "declHash",
    "groups",
    "held",
    "id",
    "intent",
    "journalKey",
    "notes",
    "recipients",
    "request",
    "retrack",
    "revision",
    "scheduledDate",
    "seq",
    "source",
    "specHash",
    "submissionName",
    "trackingId",
)


class ActionJson(BaseModel):
    """The JSON projection of an action (documentation only: ``schema/plan.schema.json``)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    id: str
    action: ActionKind
    #: ``path:line:col`` of the declaration (None for forget/resolve of an undeclared id).
    source: str | None
    #: The seq of the submission this action creates (send, resend, replace, resolve of a submit).
    seq: int | None
    #: The name it POSTs under (design.md 5.1), or re-sends under (resolve).
    submission_name: str | None
    #: The trackingId a cancel or replace DELETEs (and a resolve of a cancel re-DELETEs).
    tracking_id: str | None
    revision: int | None
    spec_hash: str | None
    decl_hash: str | None
    #: The body to POST, without the name; for a resolve, the journal intent's recorded body.
    request: dict[str, Any] | None
    #: For display: the last submitted request (before) and the declared one (after).
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: Recipients countable offline (``to`` + ``contacts``); groups are counted by analysis.
    recipients: int
    groups: list[str]
    scheduled_date: str | None
    #: A forgotten id declared again: apply journals a ``track`` record (design.md 4).
    retrack: bool
    #: A resolve whose re-send Routee refused (``heldRefused``): never sent again by apply.
    held: bool
    notes: list[str]
    #: For a resolve: which kind of intent it re-sends, and the journal key it settles.
    intent: Literal["submit", "cancel"] | None
    journal_key: str | None


def direct_recipients(request: dict[str, Any] | None) -> int:
    """Recipients countable offline: numbers plus contact ids (groups need Routee's analysis)."""
    request = request or {}
    return len(request.get("to", ())) + len(request.get("contacts", ()))


def groups_of(request: dict[str, Any] | None) -> tuple[str, ...]:
    return tuple(str(g) for g in (request or {}).get("groups", ()))


def scheduled_of(request: dict[str, Any] | None) -> str | None:
    value = (request or {}).get("scheduledDate")
    return value if isinstance(value, str) else None


class _Action(BaseModel):
    """What every kind has; each kind adds its own fields and answers the same questions."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    id: str
    source: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def posts(self) -> bool:
        """Whether performing this action POSTs a campaign: the one answer, for guards and apply."""
        return False

    @property
    def seq(self) -> int | None:
        """The seq of the submission this action creates (or a resolve re-sends)."""
        return None

    @property
    def request(self) -> dict[str, Any] | None:
        """The body it POSTs, without the name (for a resolve, the recorded body)."""
        return None

    @property
    def after(self) -> dict[str, Any] | None:
        """For display: the request declared now (``before`` is the last one submitted)."""
        return self.request

    @property
    def intent(self) -> Literal["submit", "cancel"] | None:
        """For a resolve: which kind of intent it re-sends."""
        return None

    @property
    def journal_key(self) -> str | None:
        """For a resolve: the key of the journalled intent it settles."""
        return None

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self._kind().order, self.id)

    @classmethod
    def _kind(cls) -> ActionKind:
        kind = cls.model_fields["action"].default
        assert isinstance(kind, ActionKind)
        return kind

    # -- the JSON projection and its reading back --------------------------------------------

    @model_serializer(mode="plain")
    def flat(self) -> dict[str, Any]:
        """The action as the plan's JSON shows it: every key of :data:`FLAT_FIELDS`."""
        view = {name: getattr(self, to_snake(name)) for name in FLAT_FIELDS}
        view["action"] = view["action"].value
        for name in ("groups", "notes"):
            view[name] = list(view[name])
        return view

    @model_validator(mode="before")
    @classmethod
    def _from_flat(cls, data: Any) -> Any:
        """A saved plan's action (flat JSON): this kind's own fields, its intents rebuilt.

        The other keys are read from those (a saved plan's checksum, over its text, catches
        an edited count or name: ``plan.saved.parse_plan``).
        """
        if not isinstance(data, dict) or "intent" not in data:
            return data
        flat = {to_camel(k): v for k, v in data.items()}
        own: dict[str, Any] = {k: v for k, v in flat.items() if k not in FLAT_FIELDS}
        for name in cls.model_fields:
            alias = to_camel(name)
            if alias in flat:
                own[name] = flat[alias]
        own.update(cls._intents(flat))
        return own

    @classmethod
    def _intents(cls, flat: dict[str, Any]) -> dict[str, Any]:
        return {}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: cs.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Each kind is documented as the flat projection with its ``action`` fixed."""
        base = handler(ActionJson.__pydantic_core_schema__)
        return {
            "title": cls.__name__,
            "allOf": [base, {"properties": {"action": {"const": cls._kind().value}}}],
        }


class _NotHeld:
    """Every kind but a resolve: never held."""

    @property
    def held(self) -> bool:
        return False

    @property
    def held_message(self) -> str | None:
        return None


class _NoSubmit:
    @property
    def submit(self) -> SubmitIntent | None:
        return None


class _NoCancel:
    @property
    def cancel(self) -> CancelIntent | None:
        return None


class _Posting(_NotHeld, _Action):
    """A send, resend or replace: POSTs ``submit`` (everything shown is read from it)."""

    submit: SubmitIntent
    #: The last submitted request, if any (what ``after`` is compared with).
    before: dict[str, Any] | None = None
    #: A forgotten id declared again: apply journals a ``track`` record (design.md 4).
    retrack: bool = False

    @property
    def posts(self) -> bool:
        return True

    @property
    def seq(self) -> int | None:
        return self.submit.seq

    @property
    def submission_name(self) -> str:
        return self.submit.submission_name

    @property
    def revision(self) -> int:
        return self.submit.revision

    @property
    def spec_hash(self) -> str:
        return self.submit.spec_hash

    @property
    def decl_hash(self) -> str:
        return self.submit.decl_hash

    @property
    def request(self) -> dict[str, Any] | None:
        return self.submit.request

    @property
    def recipients(self) -> int:
        return direct_recipients(self.submit.request)

    @property
    def groups(self) -> tuple[str, ...]:
        return groups_of(self.submit.request)

    @property
    def scheduled_date(self) -> str | None:
        return scheduled_of(self.submit.request)

    @classmethod
    def _intents(cls, flat: dict[str, Any]) -> dict[str, Any]:
        return {"submit": _submit_of(flat)}


class Send(_NoCancel, _Posting):
    """POST a campaign never sent (or whose last submission was cancelled by a replace)."""

    action: Literal[ActionKind.SEND] = ActionKind.SEND

    @property
    def tracking_id(self) -> str | None:
        return None


class Resend(_NoCancel, _Posting):
    """POST a higher revision as a new submission."""

    action: Literal[ActionKind.RESEND] = ActionKind.RESEND

    @property
    def tracking_id(self) -> str | None:
        return None


class Replace(_Posting):
    """DELETE the Scheduled last submission (``cancel``), then POST ``submit``."""

    action: Literal[ActionKind.REPLACE] = ActionKind.REPLACE
    cancel: CancelIntent

    @property
    def tracking_id(self) -> str | None:
        return self.cancel.tracking_id

    @classmethod
    def _intents(cls, flat: dict[str, Any]) -> dict[str, Any]:
        return {"submit": _submit_of(flat), "cancel": _cancel_of(flat, CancelReason.REPLACE)}


class Cancel(_NoSubmit, _NotHeld, _Action):
    """DELETE a Scheduled submission (``cancel: true``); ``before`` is what it would have sent."""

    action: Literal[ActionKind.CANCEL] = ActionKind.CANCEL
    cancel: CancelIntent
    submission_name: str
    revision: int
    spec_hash: str
    decl_hash: str
    before: dict[str, Any]
    retrack: bool = False

    @property
    def tracking_id(self) -> str | None:
        return self.cancel.tracking_id

    @property
    def after(self) -> dict[str, Any] | None:
        return None

    @property
    def recipients(self) -> int:
        return direct_recipients(self.before)

    @property
    def groups(self) -> tuple[str, ...]:
        return groups_of(self.before)

    @property
    def scheduled_date(self) -> str | None:
        return scheduled_of(self.before)

    @classmethod
    def _intents(cls, flat: dict[str, Any]) -> dict[str, Any]:
        return {"cancel": _cancel_of(flat, CancelReason.CANCEL)}


class _Silent(_NoSubmit, _NoCancel, _NotHeld, _Action):
    """A kind that calls nothing: no request, no recipients."""

    submission_name: str | None = None
    tracking_id: str | None = None

    @property
    def before(self) -> dict[str, Any] | None:
        return None

    @property
    def decl_hash(self) -> str | None:
        return None

    @property
    def recipients(self) -> int:
        return 0

    @property
    def groups(self) -> tuple[str, ...]:
        return ()

    @property
    def scheduled_date(self) -> str | None:
        return None


class NoOp(_Silent):
    """Nothing to do for a declared campaign (notes say why, when it is not plain "no changes")."""

    action: Literal[ActionKind.NOOP] = ActionKind.NOOP
    revision: int | None = None
    spec_hash: str | None = None
    retrack: bool = False


class Forget(_Silent):
    """Stop tracking an id whose file is gone; no remote call (history is kept)."""

    action: Literal[ActionKind.FORGET] = ActionKind.FORGET

    @property
    def revision(self) -> int | None:
        return None

    @property
    def spec_hash(self) -> str | None:
        return None

    @property
    def retrack(self) -> bool:
        return False


class Resolve(_Action):
    """Settle an intent with no outcome: re-send its recorded POST (``call``) or DELETE.

    ``held``: Routee refused its re-send (``heldRefused``), so apply will not send it again and it
    counts toward no guard; ``held_message`` says why (not in the plan's JSON).
    """

    action: Literal[ActionKind.RESOLVE] = ActionKind.RESOLVE
    call: Annotated[SubmitIntent | CancelIntent, Field(discriminator="type")]
    held: bool = False
    held_message: str | None = None

    @property
    def submit(self) -> SubmitIntent | None:
        return self.call if isinstance(self.call, SubmitIntent) else None

    @property
    def cancel(self) -> CancelIntent | None:
        return self.call if isinstance(self.call, CancelIntent) else None

    @property
    def posts(self) -> bool:
        return self.submit is not None and not self.held

    @property
    def intent(self) -> Literal["submit", "cancel"] | None:
        return self.call.type

    @property
    def journal_key(self) -> str | None:
        return self.call.key

    @property
    def seq(self) -> int | None:
        return self.submit.seq if self.submit else None

    @property
    def submission_name(self) -> str | None:
        return self.submit.submission_name if self.submit else None

    @property
    def tracking_id(self) -> str | None:
        return self.cancel.tracking_id if self.cancel else None

    @property
    def revision(self) -> int | None:
        return self.submit.revision if self.submit else None

    @property
    def spec_hash(self) -> str | None:
        return self.submit.spec_hash if self.submit else None

    @property
    def decl_hash(self) -> str | None:
        return self.submit.decl_hash if self.submit else None

    @property
    def request(self) -> dict[str, Any] | None:
        return self.submit.request if self.submit else None

    @property
    def before(self) -> dict[str, Any] | None:
        return None

    @property
    def recipients(self) -> int:
        return direct_recipients(self.request)

    @property
    def groups(self) -> tuple[str, ...]:
        return groups_of(self.request)

    @property
    def scheduled_date(self) -> str | None:
        return scheduled_of(self.request)

    @property
    def retrack(self) -> bool:
        return False

    @classmethod
    def _intents(cls, flat: dict[str, Any]) -> dict[str, Any]:
        key = flat.get("journalKey") or ""
        if flat.get("intent") == "cancel":
            return {"call": _cancel_of(flat, CancelReason.CANCEL, key)}
        return {"call": _submit_of(flat, key)}


#: One action of a plan: the kind is its ``action`` key.
Action = Annotated[
    Resolve | Cancel | Replace | Send | Resend | Forget | NoOp, Field(discriminator="action")
]
#: The kinds that POST a campaign (a resolve of a submit re-POSTs a recorded one).
PostingAction = Send | Resend | Replace


def _submit_of(flat: dict[str, Any], key: str = "") -> SubmitIntent | None:
    if not isinstance(flat.get("request"), dict):
        return None
    return SubmitIntent(
        key=key,
        id=flat.get("id") or "",
        seq=flat.get("seq") or 0,
        revision=flat.get("revision") or 0,
        submission_name=flat.get("submissionName") or "",
        spec_hash=flat.get("specHash") or "",
        decl_hash=flat.get("declHash") or "",
        request=flat["request"],
        source=flat.get("source"),
    )


def _cancel_of(flat: dict[str, Any], reason: CancelReason, key: str = "") -> CancelIntent | None:
    if not isinstance(flat.get("trackingId"), str):
        return None
    return CancelIntent(
        key=key, id=flat.get("id") or "", tracking_id=flat["trackingId"], reason=reason
    )


def action_from_flat(data: dict[str, Any]) -> Action:
    """The action a flat (JSON-projection) dict stands for, its intents rebuilt from its fields.

    Keys may be camelCase or snake_case; ``intent`` says, for a resolve, which call it re-sends.
    """
    return _ADAPTER.validate_python({"intent": None, **data})


_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)
