"""Conversion between journal intents and the state's :class:`PendingIntent`.

An intent stays pending until a definitive outcome is seen for its *slot*: a submit's slot is
``(id, seq)`` (a resend of the same seq supersedes the original), a cancel's is
``(id, trackingId)``.
"""

from __future__ import annotations

from reconciler.models.journal import CancelIntent, SubmitIntent
from reconciler.models.state import PendingIntent, State

Intent = SubmitIntent | CancelIntent
Slot = tuple[str, str, str]


def slot_of(intent: Intent | PendingIntent) -> Slot:
    """What an intent acts on: a later intent with the same slot supersedes an earlier one."""
    if intent.type == "submit":
        return ("submit", intent.id, str(intent.seq))
    return ("cancel", intent.id, str(intent.tracking_id))


def to_pending(
    intent: Intent, *, outcome: str | None, message: str | None, found_at: str | None
) -> PendingIntent:
    """Keep ``intent`` in the state, with the last (non-definitive) outcome seen for it."""
    fields = intent.model_dump(exclude={"type"})
    return PendingIntent(
        type=intent.type, outcome=outcome, message=message, found_at=found_at, **fields
    )


def to_intent(pending: PendingIntent) -> Intent:
    """The journal intent a pending entry came from (what a ``resolve`` re-sends)."""
    if pending.type == "submit":
        return SubmitIntent.model_validate(pending.model_dump(include=_SUBMIT_FIELDS))
    return CancelIntent.model_validate(pending.model_dump(include=_CANCEL_FIELDS))


def pending_intents(state: State) -> list[Intent]:
    """Every unresolved intent of ``state``, oldest first, as journal intents."""
    return [to_intent(p) for p in state.pending]


_SUBMIT_FIELDS = set(SubmitIntent.model_fields) - {"type"}
_CANCEL_FIELDS = set(CancelIntent.model_fields) - {"type"}
