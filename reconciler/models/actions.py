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

from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    TypeAdapter,
    model_serializer,
)

from reconciler.models.action_base import ActionBase, NoCancel, NoSubmit, NotHeld
from reconciler.models.action_view import (
    FLAT_FIELDS,
    ActionKind,
    cancel_of,
    direct_recipients,
    groups_of,
    scheduled_of,
    submit_of,
)
from reconciler.models.intent import CancelIntent, CancelReason, SubmitIntent

__all__ = [
    "FLAT_FIELDS",
    "Action",
    "ActionKind",
    "Cancel",
    "Forget",
    "NoOp",
    "PostingAction",
    "Replace",
    "Resend",
    "Resolve",
    "Send",
    "action_from_flat",
    "direct_recipients",
    "groups_of",
]


class _Posting(NotHeld, ActionBase):
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
        return {"submit": submit_of(flat)}


class Send(NoCancel, _Posting):
    """POST a campaign never sent (or whose last submission was cancelled by a replace)."""

    action: Literal[ActionKind.SEND] = ActionKind.SEND

    @property
    def tracking_id(self) -> str | None:
        return None


class Resend(NoCancel, _Posting):
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
        return {"submit": submit_of(flat), "cancel": cancel_of(flat, CancelReason.REPLACE)}


class Cancel(NoSubmit, NotHeld, ActionBase):
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
        return {"cancel": cancel_of(flat, CancelReason.CANCEL)}


class _Silent(NoSubmit, NoCancel, NotHeld, ActionBase):
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


#: A no-op's JSON projection before its own fields: every key of FLAT_FIELDS, in that order,
#: with the values a no-op always has.
_NOOP_VIEW: dict[str, Any] = {
    **dict.fromkeys(FLAT_FIELDS),
    "action": ActionKind.NOOP.value,
    "held": False,
    "recipients": 0,
}


class NoOp(_Silent):
    """Nothing to do for a declared campaign (notes say why, when it is not plain "no changes")."""

    action: Literal[ActionKind.NOOP] = ActionKind.NOOP
    revision: int | None = None
    spec_hash: str | None = None
    retrack: bool = False

    @model_serializer(mode="plain")
    def flat(self) -> dict[str, Any]:
        """:meth:`ActionBase.flat` for the kind most plans are made of (a plan of 10,000 unchanged
        campaigns dumps 10,000 of them): the keys it never fills are constants, and only plain
        JSON values are filled in, so the view is its own JSON (``plan.seal``, design.md 9)."""
        view = dict(_NOOP_VIEW)
        view["groups"] = []
        view["id"] = self.id
        view["notes"] = list(self.notes)
        view["retrack"] = self.retrack
        view["revision"] = self.revision
        view["source"] = self.source
        view["specHash"] = self.spec_hash
        view["submissionName"] = self.submission_name
        view["trackingId"] = self.tracking_id
        return view


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


class Resolve(ActionBase):
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
            return {"call": cancel_of(flat, CancelReason.CANCEL, key)}
        return {"call": submit_of(flat, key)}


#: One action of a plan: the kind is its ``action`` key.
Action = Annotated[
    Resolve | Cancel | Replace | Send | Resend | Forget | NoOp, Field(discriminator="action")
]
#: The kinds that POST a campaign (a resolve of a submit re-POSTs a recorded one).
PostingAction = Send | Resend | Replace


def action_from_flat(data: dict[str, Any]) -> Action:
    """The action a flat (JSON-projection) dict stands for, its intents rebuilt from its fields.

    Keys may be camelCase or snake_case; ``intent`` says, for a resolve, which call it re-sends.
    """
    return _ADAPTER.validate_python({"intent": None, **data})


_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)
