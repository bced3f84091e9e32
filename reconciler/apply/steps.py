"""The collaborators every remote step of one apply shares: client, journal, dedupe gate, clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconciler.apply.dedupe import DedupeGate
from reconciler.apply.ports import RecordSink, Routee
from reconciler.apply.results import Refusal, StepOutcome
from reconciler.models.journal import Outcome, OutcomeKind
from reconciler.models.state import RecipientError
from reconciler.routee.errors import RouteeError

#: Re-sends of one in-doubt intent before it is held for a human (design.md 5.2).
MAX_RESENDS = 3


def utc_now() -> str:
    """The journal's timestamps: UTC, millisecond precision, ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_key() -> str:
    """A journal key, unique per intent (a re-send gets its own)."""
    return uuid.uuid4().hex


@dataclass
class StepContext:
    client: Routee
    journal: RecordSink
    gate: DedupeGate
    clock: Callable[[], str] = utc_now
    max_resends: int = MAX_RESENDS

    def settle(self, key: str, outcome: StepOutcome, state: str | None = None) -> StepOutcome:
        """Journal ``outcome`` for the intent ``key`` (fsynced) and return it."""
        self.journal.append(
            Outcome(
                key=key,
                outcome=outcome.kind,
                tracking_id=outcome.tracking_id,
                state=state,
                name_echoed=outcome.name_echoed,
                errors=list(outcome.errors),
                message=outcome.message,
                at=self.clock(),
            )
        )
        return outcome

    def note_in_doubt(self, key: str, message: str) -> None:
        self.settle(key, StepOutcome(OutcomeKind.IN_DOUBT, message=message))


def refused(kind: OutcomeKind, exc: RouteeError, message: str | None = None) -> StepOutcome:
    """An outcome carrying Routee's refusal (status, code, message) as well as the text."""
    refusal = Refusal(exc.status, exc.code, exc.developer_message or None)
    return StepOutcome(kind, message=message or str(exc), refusal=refusal)


def recipient_errors(raw: Any) -> tuple[RecipientError, ...]:
    """Routee's ``errors[]`` items, read leniently (unknown keys dropped)."""
    if not isinstance(raw, list | tuple):
        return ()
    errors = []
    for item in raw:
        if isinstance(item, RecipientError):
            errors.append(item)
        elif isinstance(item, dict):
            errors.append(
                RecipientError(
                    code=_text(item.get("code", item.get("errorCode"))),
                    developer_message=_text(item.get("developerMessage")),
                    property=_text(item.get("property")),
                )
            )
    return tuple(errors)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
