"""Canaries journalled like any submission (design.md 5.4): no kill leaves an unrecorded call.

:class:`JournalledCanaryClient` stands between the canary and Routee: before each POST it
journals a :class:`SubmitIntent` under the reserved id :data:`CANARY_ID`, before each DELETE a
:class:`CancelIntent`, and after each answer an outcome. Folding puts every canary that may still
be scheduled (accepted and not cancelled, or never answered) into ``State.canaries``, where
``campaigns status`` lists it and ``campaigns doctor --cancel-canaries`` cancels it
(:func:`cancel_leftovers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from reconciler.apply.ports import RecordSink, Routee, SubmitAnswer
from reconciler.apply.steps import new_key
from reconciler.canonical import digest
from reconciler.models.intent import (
    CANARY_ID,
    CancelIntent,
    CancelReason,
    OutcomeKind,
    SubmitIntent,
)
from reconciler.models.journal import Outcome
from reconciler.models.state import Canary
from reconciler.routee.errors import InDoubtError, NameConflict, NotFound, RouteeError

#: ``declHash`` of a canary intent: it has no declaration.
CANARY_DECL_HASH = "canary"


class JournalledCanaryClient:
    """The parts of :class:`~reconciler.apply.ports.Routee` the canary uses, journalled."""

    def __init__(self, client: Routee, journal: RecordSink, clock: Callable[[], str]) -> None:
        self._client = client
        self._journal = journal
        self._clock = clock
        self._posted: set[str] = set()

    def submit_campaign(self, body: dict[str, Any], name: str) -> SubmitAnswer:
        intent = SubmitIntent(
            key=new_key(),
            id=CANARY_ID,
            seq=1,
            revision=1,
            submission_name=name,
            spec_hash=digest(body),
            decl_hash=CANARY_DECL_HASH,
            request=body,
            resend=name in self._posted,
            at=self._clock(),
        )
        self._posted.add(name)
        self._journal.append(intent)
        try:
            answer = self._client.submit_campaign(body, name)
        except NameConflict:
            self._outcome(intent.key, OutcomeKind.RESOLVED, "409: this POST created nothing")
            raise
        except InDoubtError as exc:
            self._outcome(intent.key, OutcomeKind.IN_DOUBT, str(exc))
            raise
        except RouteeError as exc:
            self._outcome(intent.key, OutcomeKind.REJECTED, str(exc))
            raise
        self._outcome(intent.key, OutcomeKind.ACCEPTED, None, answer.tracking_id)
        return answer

    # Reads change nothing: passed through unjournalled.
    def analyze(self, body: dict[str, Any]) -> Any:
        return self._client.analyze(body)

    def search_by_campaign_name(self, name: str) -> Any:
        return self._client.search_by_campaign_name(name)

    def campaign_tracking(self, tracking_id: str) -> Any:
        return self._client.campaign_tracking(tracking_id)

    def cancel(self, tracking_id: str) -> None:
        intent = CancelIntent(
            key=new_key(),
            id=CANARY_ID,
            tracking_id=tracking_id,
            reason=CancelReason.CANCEL,
            at=self._clock(),
        )
        self._journal.append(intent)
        try:
            self._client.cancel(tracking_id)
        except NotFound:
            self._outcome(intent.key, OutcomeKind.CANCELLED, "404: gone", tracking_id)
            raise
        except InDoubtError as exc:
            self._outcome(intent.key, OutcomeKind.IN_DOUBT, str(exc))
            raise
        except RouteeError as exc:
            self._outcome(intent.key, OutcomeKind.REJECTED, str(exc))
            raise
        self._outcome(intent.key, OutcomeKind.CANCELLED, None, tracking_id)

    def _outcome(
        self, key: str, kind: OutcomeKind, message: str | None, tracking_id: str | None = None
    ) -> None:
        self._journal.append(
            Outcome(
                key=key, outcome=kind, tracking_id=tracking_id, message=message, at=self._clock()
            )
        )


def cancel_leftovers(
    client: JournalledCanaryClient, canaries: Iterable[Canary], *, cancel: bool
) -> list[str]:
    """A note for each recorded canary (left by a killed run) still standing or unknown; with
    ``cancel`` (asked for by a person, ``doctor --cancel-canaries``) those whose trackingId is
    known are cancelled first.

    Never by itself: the state file is a file of the repository, and a DELETE of a trackingId
    read from it must not happen because a pull request wrote one there.
    """
    notes = []
    for canary in canaries:
        if canary.tracking_id is None:
            notes.append(
                f"canary {canary.submission_name!r} got no answer and may be scheduled a year "
                "ahead: look for that name in Routee and cancel it"
            )
            continue
        if not cancel:
            notes.append(
                f"canary {canary.submission_name!r} (trackingId {canary.tracking_id}) may still "
                "be scheduled a year ahead: `campaigns doctor --cancel-canaries` cancels it"
            )
            continue
        try:
            client.cancel(canary.tracking_id)
        except NotFound:
            continue
        except RouteeError as exc:
            notes.append(
                f"canary {canary.submission_name!r} ({canary.tracking_id}) is still scheduled: "
                f"cancel it in Routee ({exc})"
            )
    return notes
