"""What apply needs from its collaborators, as structural types (so unit tests can fake them).

``reconciler.routee.client.RouteeClient`` and ``reconciler.state.journal.Journal`` satisfy these.
"""

from __future__ import annotations

from typing import Any, Protocol

from reconciler.models.journal import CancelIntent, DedupeProof, Forget, Outcome, SubmitIntent


class SubmitAnswer(Protocol):
    """The parts of ``SubmitResult`` apply reads."""

    @property
    def tracking_id(self) -> str: ...
    @property
    def state(self) -> str | None: ...
    @property
    def name_echoed(self) -> bool: ...
    @property
    def errors(self) -> Any: ...


class Routee(Protocol):
    def submit_campaign(self, body: dict[str, Any], name: str) -> SubmitAnswer: ...
    def cancel(self, tracking_id: str) -> None: ...
    def analyze(self, body: dict[str, Any]) -> Any: ...
    def search_by_campaign_name(self, name: str) -> Any: ...
    def campaign_tracking(self, tracking_id: str) -> Any: ...


JournalEntry = SubmitIntent | CancelIntent | Outcome | Forget | DedupeProof


class RecordSink(Protocol):
    """The journal as apply writes it: one fsynced record per call, from any thread."""

    def append(self, record: JournalEntry) -> None: ...
