"""What every kind of plan action has (``reconciler.models.actions``): the shared fields, the
questions every kind answers (``posts``, ``seq``, ``request``...), the flat JSON projection and
its reading back, and the mixins for "this kind has no POST / DELETE / hold".
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema as cs

from reconciler.models.action_view import FLAT_FIELDS, ActionJson, ActionKind
from reconciler.models.intent import CancelIntent, SubmitIntent

#: Each key of the plan's JSON and the attribute it shows, worked out once (``to_snake`` is a
#: few regular expressions: 20 per action, for every action the plan dumps; design.md 9).
_FLAT_ATTRIBUTES = tuple((name, to_snake(name)) for name in FLAT_FIELDS)


class ActionBase(BaseModel):
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
        return (_order_of(type(self)), self.id)

    @classmethod
    def _kind(cls) -> ActionKind:
        kind = cls.model_fields["action"].default
        assert isinstance(kind, ActionKind)
        return kind

    # -- the JSON projection and its reading back --------------------------------------------

    @model_serializer(mode="plain")
    def flat(self) -> dict[str, Any]:
        """The action as the plan's JSON shows it: every key of :data:`FLAT_FIELDS`."""
        view = {name: getattr(self, attribute) for name, attribute in _FLAT_ATTRIBUTES}
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
        """Each kind is documented as the flat projection with its ``action`` fixed, the keys
        it always fills not null and the keys it never has null (:data:`SHOWN`)."""
        base = handler(ActionJson.__pydantic_core_schema__)
        always, never = SHOWN[cls._kind()]
        properties: dict[str, Any] = {"action": {"const": cls._kind().value}}
        properties |= {key: {"not": {"type": "null"}} for key in sorted(always)}
        properties |= {key: {"type": "null"} for key in sorted(never)}
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        return {
            "title": cls.__name__,
            "description": " ".join(doc.split()),
            "allOf": [base, {"properties": properties}],
        }


@functools.cache
def _order_of(kind: type[ActionBase]) -> int:
    """A kind's place in the plan, worked out once per kind (a plan sorts 10,000 actions)."""
    return kind._kind().order


_POSTED = frozenset(
    {"seq", "submissionName", "revision", "specHash", "declHash", "request", "after"}
)
_RESOLVE_ONLY = frozenset({"intent", "journalKey"})
_SILENT = frozenset({"seq", "declHash", "request", "before", "after", "scheduledDate"})
#: Per kind: the flat keys it always fills, and the keys that are always null.
SHOWN: dict[ActionKind, tuple[frozenset[str], frozenset[str]]] = {
    ActionKind.SEND: (_POSTED, _RESOLVE_ONLY | {"trackingId"}),
    ActionKind.RESEND: (_POSTED, _RESOLVE_ONLY | {"trackingId"}),
    ActionKind.REPLACE: (_POSTED | {"trackingId", "before"}, _RESOLVE_ONLY),
    ActionKind.CANCEL: (
        frozenset({"trackingId", "submissionName", "revision", "specHash", "declHash", "before"}),
        _RESOLVE_ONLY | {"seq", "request", "after"},
    ),
    ActionKind.NOOP: (frozenset(), _RESOLVE_ONLY | _SILENT),
    ActionKind.FORGET: (frozenset(), _RESOLVE_ONLY | _SILENT | {"revision", "specHash"}),
    ActionKind.RESOLVE: (_RESOLVE_ONLY, frozenset({"before"})),
}


class NotHeld:
    """Every kind but a resolve: never held."""

    @property
    def held(self) -> bool:
        return False

    @property
    def held_message(self) -> str | None:
        return None


class NoSubmit:
    @property
    def submit(self) -> SubmitIntent | None:
        return None


class NoCancel:
    @property
    def cancel(self) -> CancelIntent | None:
        return None
