"""Journal records: ``state/<workspace>.journal``, one JSON object per line (design.md 5.3).

The first line is a :class:`JournalHeader`. Every remote call is preceded by its intent
(:mod:`reconciler.models.intent`, the one record of a remote call) and followed, when an answer came, by an outcome record with the same ``key``. State-only changes
made by an apply (``forget``, ``track``, dedupe proof, the declaration files it loaded) are
journal records too, so folding the journal is the only way an apply changes the state.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from reconciler.models.intent import CancelIntent, OutcomeKind, SubmitIntent
from reconciler.models.state import RecipientError, SourceRecord

__all__ = [
    "CancelIntent",
    "DedupeProof",
    "Forget",
    "JournalHeader",
    "JournalRecord",
    "Outcome",
    "OutcomeKind",
    "Sources",
    "SubmitIntent",
    "Track",
]


class _Record(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class JournalHeader(_Record):
    type: Literal["header"] = "header"
    lineage: str
    #: The state serial this journal was started on; it is folded into serial ``base_serial + 1``.
    base_serial: int
    started_at: str
    operation: str = "apply"


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
    #: The request key the name was sent under (``name`` or ``campaignName``).
    name_key: str | None = None


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
