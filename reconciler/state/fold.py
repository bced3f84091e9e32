"""Folding a journal into the state: a pure function of (state, records, now).

Rules (design.md 5.3, docs/state.md):

- The header's lineage must be the state's; a header whose ``baseSerial`` is behind the state's
  serial belongs to a journal that was already folded (the state is returned unchanged with
  ``already_folded``); one ahead of it comes from a state this copy never saw.
- A journal with at least one record after its header yields ``serial = baseSerial + 1``. When
  nothing in it changes a campaign, a pending intent or the dedupe record (only ``sources``: every
  call was refused, or none was made), the result says ``only_sources`` and the state file is
  left as it was, serial included: an apply that sent nothing changes nothing (CI then commits
  nothing, and the guard trailers of the commits it did not apply stay in force).
- Submits answered ``accepted``/``resolved``/``adopted`` become submissions; ``rejected`` leaves no
  trace (the seq is not consumed); ``inDoubt``/``held``/``heldRefused``/no answer leave the
  intent pending, in ``State.pending``, until a later intent for the same slot gets a definitive
  answer.
- Cancels answered ``cancelled`` mark the submission cancelled; ``notScheduled``/``rejected`` only
  add a note; ``inDoubt``/``held``/no answer leave it pending.
- A ``forget`` record marks the campaign ``forgotten`` (its history is kept); a ``track`` record
  (the id is declared again) clears it and records the declaration's new ``source``.
- A ``sources`` record (what the apply loaded, per declaration file) replaces ``State.sources``
  whole: the apply loaded every file, so a file deleted since drops out.
- Intents of dedupe canaries (id ``CANARY_ID``) never touch ``campaigns`` or ``pending``: a canary
  submit answered ``accepted``, ``inDoubt`` or not at all becomes a ``State.canaries`` entry (it
  may be scheduled a year ahead); any other answer created nothing; a canary cancel answered
  ``cancelled`` removes the entries with that trackingId. With name uniqueness verified, an
  unanswered canary POST whose re-send under the same name was accepted created nothing: dropped.

Nothing is mutated: records that change are copied, the rest is shared with the input state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconciler.models.intent import CANARY_ID, UNSETTLED, Slot
from reconciler.models.journal import (
    CancelIntent,
    DedupeProof,
    Forget,
    JournalHeader,
    JournalRecord,
    Outcome,
    OutcomeKind,
    Sources,
    SubmitIntent,
    Track,
)
from reconciler.models.state import (
    CampaignRecord,
    Canary,
    DedupeCheck,
    Pending,
    State,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
)
from reconciler.state.errors import LineageMismatch, StateBehind, StateCorrupt

_SUBMITTED = {
    OutcomeKind.ACCEPTED: SubmissionOrigin.APPLY,
    OutcomeKind.RESOLVED: SubmissionOrigin.RESOLVED,
    OutcomeKind.ADOPTED: SubmissionOrigin.ADOPTED,
}


@dataclass(frozen=True)
class FoldResult:
    """The folded state (``state.pending``: what is still unresolved in it) and notes."""

    state: State
    notes: list[str] = field(default_factory=list)
    #: The journal's base serial is behind the state: it was folded before; just remove it.
    already_folded: bool = False
    #: True when the returned state differs from the input (it must be written).
    changed: bool = False
    #: Nothing but ``State.sources`` (a parse cache) changed: not worth a new serial.
    only_sources: bool = False


def fold(state: State, records: Sequence[JournalRecord], now: str | None = None) -> FoldResult:
    """Apply ``records`` (a whole journal, header first) to ``state``; ``now`` dates new pendings."""
    if not records:
        return FoldResult(state=state)
    header = _check_header(state, records[0])
    if header.base_serial < state.serial:
        notes = [
            f"journal of serial {header.base_serial} was already folded (state is at {state.serial})"
        ]
        return FoldResult(state=state, notes=notes, already_folded=True)
    if len(records) == 1:
        return FoldResult(state=state)
    folding = _Folding(state, now)
    for number, record in enumerate(records[1:], start=2):
        folding.apply(number, record)
    return folding.result(header.base_serial + 1)


def _check_header(state: State, first: JournalRecord) -> JournalHeader:
    if not isinstance(first, JournalHeader):
        raise StateCorrupt("journal does not start with a header record")
    if first.lineage != state.lineage:
        raise LineageMismatch(
            f"the journal belongs to state lineage {first.lineage}, but the state file has lineage "
            f"{state.lineage}: it was written for another copy of this workspace's state"
        )
    if first.base_serial > state.serial:
        raise StateBehind(
            f"the journal starts from serial {first.base_serial} but the state is at serial "
            f"{state.serial}: the state file is older than the apply that wrote the journal"
        )
    return first


class _Folding:
    """The mutable working set of one fold; only ever touches copies."""

    def __init__(self, state: State, now: str | None) -> None:
        self.base = state
        self.now = now
        self.campaigns = dict(state.campaigns)
        self.copied: set[str] = set()
        self.dedupe = state.dedupe
        self.sources = state.sources
        self.pending: dict[Slot, Pending] = {p.intent.slot: p for p in state.pending}
        self.intents: dict[str, SubmitIntent | CancelIntent] = {}
        self.notes: list[str] = []
        #: Canaries that may still be scheduled, by the key of the intent that posted them.
        self.canaries: dict[str, Canary] = {f"state:{n}": c for n, c in enumerate(state.canaries)}
        #: Names under which a canary POST was accepted (200), cancelled since or not.
        self.canary_accepted: set[str] = {
            c.submission_name for c in state.canaries if c.outcome is OutcomeKind.ACCEPTED
        }

    def apply(self, number: int, record: JournalRecord) -> None:
        if isinstance(record, SubmitIntent | CancelIntent) and record.id == CANARY_ID:
            self._canary_intent(record)
        elif isinstance(record, Outcome) and _is_canary(self.intents.get(record.key)):
            self._canary_outcome(record)
        elif isinstance(record, SubmitIntent | CancelIntent):
            self.intents[record.key] = record
            self.pending[record.slot] = Pending(intent=record, found_at=self.now)
        elif isinstance(record, Outcome):
            self._outcome(number, record)
        elif isinstance(record, Forget):
            self._forget(record)
        elif isinstance(record, Track):
            self._track(record)
        elif isinstance(record, DedupeProof):
            self.dedupe = DedupeCheck(
                verified=record.verified,
                method=record.method,
                checked_at=record.at,
                detail=record.detail,
                name_key=record.name_key,
            )
        elif isinstance(record, Sources):
            self.sources = dict(record.sources)
        else:
            raise StateCorrupt(f"journal line {number}: a second header record")

    def _canary_intent(self, intent: SubmitIntent | CancelIntent) -> None:
        self.intents[intent.key] = intent
        if isinstance(intent, SubmitIntent):  # unanswered until an outcome says otherwise
            self.canaries[intent.key] = Canary(
                submission_name=intent.submission_name,
                request=intent.request,
                submitted_at=intent.at,
            )

    def _canary_outcome(self, outcome: Outcome) -> None:
        intent = self.intents[outcome.key]
        if isinstance(intent, CancelIntent):
            if outcome.outcome is OutcomeKind.CANCELLED:
                self.canaries = {
                    key: canary
                    for key, canary in self.canaries.items()
                    if canary.tracking_id != intent.tracking_id
                }
            return
        canary = self.canaries.get(outcome.key)
        if canary is None:
            return
        if outcome.outcome is OutcomeKind.ACCEPTED:
            self.canary_accepted.add(canary.submission_name)
        if outcome.outcome in (OutcomeKind.ACCEPTED, OutcomeKind.IN_DOUBT):
            update = {"tracking_id": outcome.tracking_id, "outcome": outcome.outcome}
            self.canaries[outcome.key] = canary.model_copy(update=update)
        else:  # refused, or 409: this POST created nothing
            del self.canaries[outcome.key]

    def _standing_canaries(self) -> list[Canary]:
        """With name uniqueness verified, a canary accepted (200) under a name proves that an
        earlier unanswered POST of that name created nothing: only the accepted one stands."""
        canaries = list(self.canaries.values())
        if not self.dedupe.verified:
            return canaries
        return [
            c
            for c in canaries
            if c.outcome is OutcomeKind.ACCEPTED or c.submission_name not in self.canary_accepted
        ]

    def _outcome(self, number: int, outcome: Outcome) -> None:
        intent = self.intents.get(outcome.key)
        if intent is None:
            raise StateCorrupt(f"journal line {number}: outcome for unknown intent {outcome.key!r}")
        slot = intent.slot
        if outcome.outcome in UNSETTLED:
            self.pending[slot] = Pending(
                intent=intent, outcome=outcome.outcome, message=outcome.message, found_at=self.now
            )
            return
        self.pending.pop(slot, None)
        if isinstance(intent, SubmitIntent):
            self._submitted(intent, outcome)
        else:
            self._cancelled(intent, outcome)

    def _submitted(self, intent: SubmitIntent, outcome: Outcome) -> None:
        origin = _SUBMITTED.get(outcome.outcome)
        if origin is None:  # rejected (or a cancel-only kind): nothing was created
            self.notes.append(
                f"{intent.id}: submission {intent.seq} was not created ({outcome.outcome.value})"
            )
            return
        record = self._record(intent.id, intent.source)
        if any(s.seq == intent.seq for s in record.submissions):
            self.notes.append(f"{intent.id}: submission {intent.seq} is already recorded; kept it")
            return
        record.forgotten = False
        record.submissions.append(_submission(intent, outcome, origin))

    def _cancelled(self, intent: CancelIntent, outcome: Outcome) -> None:
        if outcome.outcome is not OutcomeKind.CANCELLED:
            self.notes.append(
                f"{intent.id}: cancel of {intent.tracking_id} did not happen "
                f"({outcome.outcome.value}{': ' + outcome.message if outcome.message else ''})"
            )
            return
        record = self._record(intent.id, None)
        for index, sub in enumerate(record.submissions):
            if sub.tracking_id == intent.tracking_id:
                record.submissions[index] = sub.model_copy(
                    update={
                        "status": SubmissionStatus.CANCELLED,
                        "cancelled_at": outcome.at,
                        "cancel_reason": intent.reason,
                    }
                )
                return
        self.notes.append(
            f"{intent.id}: cancelled {intent.tracking_id}, which the state does not hold"
        )

    def _forget(self, record: Forget) -> None:
        if record.id in self.campaigns:
            self._record(record.id, None).forgotten = True
        else:
            self.notes.append(f"{record.id}: forget of an id the state does not hold")

    def _track(self, record: Track) -> None:
        if record.id in self.campaigns:
            self._record(record.id, record.source).forgotten = False
        else:
            self.notes.append(f"{record.id}: track of an id the state does not hold")

    def _record(self, campaign_id: str, source: str | None) -> CampaignRecord:
        """A private copy of the campaign's record (created if new), safe to modify."""
        if campaign_id not in self.copied:
            old = self.campaigns.get(campaign_id)
            if old is None:
                new = CampaignRecord(id=campaign_id, source=source)
            else:
                new = old.model_copy(update={"submissions": list(old.submissions)})
            self.campaigns[campaign_id] = new
            self.copied.add(campaign_id)
        record = self.campaigns[campaign_id]
        if source is not None:
            record.source = source
        return record

    def result(self, serial: int) -> FoldResult:
        pending = list(self.pending.values())
        canaries = self._standing_canaries()
        only_sources = (
            self.campaigns == self.base.campaigns
            and self.dedupe == self.base.dedupe
            and pending == self.base.pending
            and canaries == self.base.canaries
        )
        state = self.base.model_copy(
            update={
                "serial": serial,
                "campaigns": self.campaigns,
                "dedupe": self.dedupe,
                "pending": pending,
                "sources": self.sources,
                "canaries": canaries,
            }
        )
        return FoldResult(state=state, notes=self.notes, changed=True, only_sources=only_sources)


def _is_canary(intent: SubmitIntent | CancelIntent | None) -> bool:
    return intent is not None and intent.id == CANARY_ID


def _submission(intent: SubmitIntent, outcome: Outcome, origin: SubmissionOrigin) -> Submission:
    return Submission(
        seq=intent.seq,
        revision=intent.revision,
        submission_name=intent.submission_name,
        tracking_id=outcome.tracking_id,
        spec_hash=intent.spec_hash,
        decl_hash=intent.decl_hash,
        request=intent.request,
        submitted_at=outcome.at,
        origin=origin,
        name_echoed=outcome.name_echoed,
        spec_verified=origin is not SubmissionOrigin.ADOPTED,
        state=outcome.state,
        errors=list(outcome.errors),
    )
