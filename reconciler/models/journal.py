"""Journal records: ``state/<workspace>.journal``, one JSON object per line (design.md 5.3).

The first line is a :class:`JournalHeader`. Every remote call is preceded by an intent record and
followed, when an answer came, by an outcome record with the same ``key``. State-only changes
made by an apply (``forget``, ``track``, dedupe proof, the declaration files it loaded) are
journal records too, so folding the journal is the only way an apply changes the state.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from reconciler.models.state import CancelReason, RecipientError, SourceRecord


class _Record(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class JournalHeader(_Record):
    type: Literal["header"] = "header"
    lineage: str
    #: The state serial this journal was started on; it is folded into serial ``base_serial + 1``.
    base_serial: int
    started_at: str
    operation: str = "apply"


class SubmitIntent(_Record):
    """About to POST ``request`` (plus the name) for campaign ``id``."""

    type: Literal["submit"] = "submit"
    key: str
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
    at: str


class CancelIntent(_Record):
    """About to DELETE ``tracking_id`` (the last submission of campaign ``id``)."""

    type: Literal["cancel"] = "cancel"
    key: str
    id: str
    tracking_id: str
    reason: CancelReason
    resend: bool = False
    at: str


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


class Outcome(_Record):
    type: Literal["outcome"] = "outcome"
    key: str
    outcome: OutcomeKind
    tracking_id: str | None = None
    #: Response fields worth keeping: ``state``, ``cost``, ``statuses``.
    state: str | None = None
    name_echoed: bool = True
    errors: list[RecipientError] = Field(default_factory=list)
    message: str | None = None
    at: str


class Forget(_Record):
    type: Literal["forget"] = "forget"
    id: str
    at: str


class Track(_Record):
    """A forgotten id is declared again (at ``source``): the state tracks it again."""

    type: Literal["track"] = "track"
    id: str
    source: str | None = None
    at: str


class DedupeProof(_Record):
    type: Literal["dedupe"] = "dedupe"
    verified: bool
    method: str
    detail: str | None = None
    at: str


class Sources(_Record):
    """What the apply loaded, per declaration file: it replaces ``State.sources`` when folded.

    Written once, when the apply starts; it holds every declaration file of the project (an
    apply loads them all), so files deleted since the last apply drop out.
    """

    type: Literal["sources"] = "sources"
    sources: dict[str, SourceRecord]
    at: str


JournalRecord = Annotated[
    JournalHeader | SubmitIntent | CancelIntent | Outcome | Forget | Track | DedupeProof | Sources,
    Field(discriminator="type"),
]
