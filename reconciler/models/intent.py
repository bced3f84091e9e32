"""The one record of a remote call: :class:`SubmitIntent` (a POST) or :class:`CancelIntent` (a
DELETE), and the outcomes an answer can have (design.md 5.2, 5.3).

An intent is made by the plan (an action carries the exact intent it will journal), journalled
before its call with a fresh ``key`` and time, answered by an ``Outcome`` record with the same
``key``, and, while it has no definitive outcome, kept in the state as a
:class:`reconciler.models.state.Pending` entry, from which the next plan makes a ``resolve``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class CancelReason(StrEnum):
    CANCEL = "cancel"  # ``cancel: true`` in the declaration
    REPLACE = "replace"  # the first half of a replace


class OutcomeKind(StrEnum):
    ACCEPTED = "accepted"  # submit: 200 with a trackingId
    RESOLVED = "resolved"  # submit re-send: 409 409009003, the earlier attempt landed
    ADOPTED = "adopted"  # fresh submit: 409 409009003, most likely our own lost attempt
    REJECTED = "rejected"  # definitive 4xx: nothing was created (submit) / nothing cancelled
    IN_DOUBT = "inDoubt"  # timeout, dropped connection, 5xx: unknown whether it happened
    CANCELLED = "cancelled"  # cancel: 200, or 404 for a trackingId we created
    NOT_SCHEDULED = "notScheduled"  # cancel: 400009002, the campaign has started
    HELD = "held"  # in doubt and dedupe unverified: a human must settle it (exit 3)
    #: A re-send of an in-doubt submit refused with a non-409 4xx: Routee may check a request
    #: before its name, so the first attempt may have landed. Held (exit 3), never re-sent by
    #: itself: ``campaigns import`` settles it if the name is found in Routee.
    HELD_REFUSED = "heldRefused"


#: The id a dedupe canary's intents are journalled under (design.md 5.4). It can never be a
#: declared id (``ID_PATTERN`` allows no parenthesis), and folding keeps canary intents out of
#: ``State.campaigns`` and ``State.pending`` (no plan ever re-sends a canary): a canary that may
#: still be scheduled goes to ``State.canaries``.
CANARY_ID = "(canary)"

#: Outcomes that leave an intent pending: the call may have happened, nobody knows yet.
UNSETTLED = frozenset({OutcomeKind.IN_DOUBT, OutcomeKind.HELD, OutcomeKind.HELD_REFUSED})

#: What an intent acts on: a later intent with the same slot supersedes an earlier one.
Slot = tuple[str, str, str]


class _Intent(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class SubmitIntent(_Intent):
    """POST ``request`` (plus the name) for campaign ``id``: a submission under ``seq``.

    ``key`` (unique per journalled call; a re-send gets its own) and ``at`` are empty in a plan's
    action and stamped when the intent is journalled.
    """

    type: Literal["submit"] = "submit"
    key: str = ""
    id: str
    seq: int
    revision: int
    submission_name: str
    spec_hash: str
    decl_hash: str
    request: dict[str, Any]
    source: str | None = None
    #: True when this is a re-send of an earlier in-doubt intent (a ``resolve``).
    resend: bool = False
    at: str = ""

    @property
    def slot(self) -> Slot:
        """A submit's slot is ``(id, seq)``: a re-send of the same seq supersedes the original."""
        return ("submit", self.id, str(self.seq))


class CancelIntent(_Intent):
    """DELETE ``tracking_id`` (a submission of campaign ``id``); ``key``/``at`` as for a submit."""

    type: Literal["cancel"] = "cancel"
    key: str = ""
    id: str
    tracking_id: str
    reason: CancelReason
    resend: bool = False
    at: str = ""

    @property
    def slot(self) -> Slot:
        """A cancel's slot is ``(id, trackingId)``."""
        return ("cancel", self.id, self.tracking_id)


Intent = Annotated[SubmitIntent | CancelIntent, Field(discriminator="type")]
IntentT = TypeVar("IntentT", SubmitIntent, CancelIntent)


def journalled(intent: IntentT, *, key: str, at: str, resend: bool) -> IntentT:
    """``intent`` as it is journalled: with its own key and time, marked a re-send or not."""
    return intent.model_copy(update={"key": key, "at": at, "resend": resend})
