"""The plan's JSON view of an action: its kind, the flat keys every kind shows, and the
helpers that read a saved action's keys back into intents (``reconciler.models.actions``).

Every action appears in the plan's JSON (``--format json``, saved plans) with the same keys
(:data:`FLAT_FIELDS`; ``null`` where its kind has nothing), documented per kind by
:class:`ActionJson` in ``schema/plan.schema.json``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

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
        return _ORDER[self]

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


#: Each kind's place in :class:`ActionKind` (a plan sorts its actions by it: 10,000 lookups).
_ORDER = {kind: index for index, kind in enumerate(ActionKind)}

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


def submit_of(flat: dict[str, Any], key: str = "") -> SubmitIntent | None:
    """The POST a saved action's keys stand for (``None`` without a request)."""
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


def cancel_of(flat: dict[str, Any], reason: CancelReason, key: str = "") -> CancelIntent | None:
    """The DELETE a saved action's keys stand for (``None`` without a trackingId)."""
    if not isinstance(flat.get("trackingId"), str):
        return None
    return CancelIntent(
        key=key, id=flat.get("id") or "", tracking_id=flat["trackingId"], reason=reason
    )
