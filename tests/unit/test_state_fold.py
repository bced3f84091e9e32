"""Folding a journal into the state: every outcome kind, resends, pendings, header checks."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.models.intent import CANARY_ID
from reconciler.models.journal import (
    CancelIntent,
    DedupeProof,
    Forget,
    JournalHeader,
    JournalRecord,
    Outcome,
    OutcomeKind,
    SubmitIntent,
    Track,
)
from reconciler.models.state import (
    CancelReason,
    RecipientError,
    State,
    SubmissionOrigin,
    SubmissionStatus,
)
from reconciler.state.errors import LineageMismatch, StateCorrupt
from reconciler.state.fold import FoldResult, fold
from reconciler.state.store import new_state

NOW = "2027-01-01T12:00:00Z"


def _state() -> State:
    return new_state("w", "https://api").model_copy(update={"serial": 5})


def _header(state: State, base: int | None = None) -> JournalHeader:
    return JournalHeader(
        lineage=state.lineage, base_serial=state.serial if base is None else base, started_at="t0"
    )


def _submit(key: str, cid: str = "c1", seq: int = 1, **kw: Any) -> SubmitIntent:
    return SubmitIntent(
        key=key,
        id=cid,
        seq=seq,
        revision=1,
        submission_name=f"{cid}-{seq}",
        spec_hash="sha256:s",
        decl_hash="sha256:d",
        request={"to": ["+306912345678"]},
        source="campaigns/c.yaml",
        at="t1",
        **kw,
    )


def _out(key: str, kind: OutcomeKind, tracking: str | None = None, **kw: Any) -> Outcome:
    return Outcome(key=key, outcome=kind, tracking_id=tracking, at="t2", **kw)


def _run(state: State, *records: JournalRecord) -> FoldResult:
    return fold(state, [_header(state), *records], NOW)


def test_accepted_submit_becomes_a_submission() -> None:
    state = _state()
    errors = [RecipientError(code="400", developer_message="bad", property="to[1]")]
    result = _run(
        state,
        _submit("k1"),
        _out("k1", OutcomeKind.ACCEPTED, "t-1", state="Scheduled", errors=errors),
    )
    record = result.state.campaigns["c1"]
    sub = record.submissions[0]
    assert (sub.seq, sub.tracking_id, sub.state, sub.origin, sub.spec_verified) == (
        1,
        "t-1",
        "Scheduled",
        SubmissionOrigin.APPLY,
        True,
    )
    assert (sub.submission_name, sub.spec_hash, sub.decl_hash, sub.submitted_at) == (
        "c1-1",
        "sha256:s",
        "sha256:d",
        "t2",
    )
    assert sub.errors == errors
    assert record.source == "campaigns/c.yaml"
    assert result.state.serial == 6
    assert [p.intent for p in result.state.pending] == [] and result.state.pending == []
    assert result.changed and not result.already_folded
    assert state.campaigns == {} and state.serial == 5  # the input is untouched


@pytest.mark.parametrize(
    ("kind", "origin", "verified"),
    [
        (OutcomeKind.RESOLVED, SubmissionOrigin.RESOLVED, True),
        (OutcomeKind.ADOPTED, SubmissionOrigin.ADOPTED, False),
    ],
)
def test_resolved_and_adopted(kind: OutcomeKind, origin: SubmissionOrigin, verified: bool) -> None:
    result = _run(_state(), _submit("k1"), _out("k1", kind, None, name_echoed=False))
    sub = result.state.campaigns["c1"].submissions[0]
    assert (sub.origin, sub.spec_verified, sub.tracking_id, sub.name_echoed) == (
        origin,
        verified,
        None,
        False,
    )


def test_rejected_submit_leaves_no_trace_but_moves_serial() -> None:
    result = _run(_state(), _submit("k1"), _out("k1", OutcomeKind.REJECTED, message="balance"))
    assert result.state.campaigns == {}
    assert [p.intent for p in result.state.pending] == []
    assert result.state.serial == 6
    assert any("not created" in n for n in result.notes)


@pytest.mark.parametrize("kind", [OutcomeKind.IN_DOUBT, OutcomeKind.HELD, None])
def test_unsettled_submit_stays_pending_in_the_state(kind: OutcomeKind | None) -> None:
    records: list[JournalRecord] = [_submit("k1")]
    if kind is not None:
        records.append(_out("k1", kind, message="timeout"))
    result = _run(_state(), *records)
    assert [p.intent for p in result.state.pending] == [_submit("k1")]
    [pending] = result.state.pending
    assert isinstance(pending.intent, SubmitIntent)
    assert (pending.intent.type, pending.intent.seq, pending.outcome, pending.found_at) == (
        "submit",
        1,
        kind and kind.value,
        NOW,
    )
    assert pending.intent.request == {"to": ["+306912345678"]}
    assert "c1" not in result.state.campaigns


def test_resend_with_definitive_outcome_supersedes_in_doubt_intent() -> None:
    result = _run(
        _state(),
        _submit("k1"),
        _out("k1", OutcomeKind.IN_DOUBT),
        _submit("k2", resend=True),
        _out("k2", OutcomeKind.RESOLVED, "t-9"),
    )
    assert [p.intent for p in result.state.pending] == []
    assert [s.tracking_id for s in result.state.campaigns["c1"].submissions] == ["t-9"]


def test_pending_from_an_earlier_fold_is_settled_by_a_later_journal() -> None:
    first = _run(_state(), _submit("k1"))
    assert len(first.state.pending) == 1
    second = _run(first.state, _submit("k7", resend=True), _out("k7", OutcomeKind.RESOLVED, "t-3"))
    assert second.state.pending == []
    assert second.state.campaigns["c1"].submissions[0].origin is SubmissionOrigin.RESOLVED
    assert second.state.serial == 7


def test_resend_without_answer_keeps_one_pending_per_slot() -> None:
    first = _run(_state(), _submit("k1"), _out("k1", OutcomeKind.IN_DOUBT))
    second = _run(first.state, _submit("k2", resend=True))
    assert [p.intent.key for p in second.state.pending] == ["k2"]


def _sent(state: State) -> State:
    return _run(state, _submit("k1"), _out("k1", OutcomeKind.ACCEPTED, "t-1")).state


def test_cancelled() -> None:
    state = _sent(_state())
    cancel = CancelIntent(key="c", id="c1", tracking_id="t-1", reason=CancelReason.REPLACE, at="t3")
    result = _run(state, cancel, _out("c", OutcomeKind.CANCELLED))
    sub = result.state.campaigns["c1"].submissions[0]
    assert (sub.status, sub.cancelled_at, sub.cancel_reason) == (
        SubmissionStatus.CANCELLED,
        "t2",
        CancelReason.REPLACE,
    )
    assert (
        state.campaigns["c1"].submissions[0].status is SubmissionStatus.ACCEPTED
    )  # input untouched


@pytest.mark.parametrize("kind", [OutcomeKind.NOT_SCHEDULED, OutcomeKind.REJECTED])
def test_cancel_refused_only_notes(kind: OutcomeKind) -> None:
    state = _sent(_state())
    cancel = CancelIntent(key="c", id="c1", tracking_id="t-1", reason=CancelReason.CANCEL, at="t3")
    result = _run(state, cancel, _out("c", kind, message="started"))
    assert result.state.campaigns["c1"].submissions[0].status is SubmissionStatus.ACCEPTED
    assert [p.intent for p in result.state.pending] == []
    assert any("did not happen" in n and "started" in n for n in result.notes)


@pytest.mark.parametrize("kind", [OutcomeKind.IN_DOUBT, OutcomeKind.HELD, None])
def test_unsettled_cancel_is_pending(kind: OutcomeKind | None) -> None:
    state = _sent(_state())
    cancel = CancelIntent(key="c", id="c1", tracking_id="t-1", reason=CancelReason.CANCEL, at="t3")
    records: list[JournalRecord] = [cancel]
    if kind is not None:
        records.append(_out("c", kind))
    result = _run(state, *records)
    assert [p.intent for p in result.state.pending] == [cancel]
    assert result.state.pending[0].intent == cancel
    assert result.state.campaigns["c1"].submissions[0].status is SubmissionStatus.ACCEPTED


def test_forget_and_dedupe() -> None:
    state = _sent(_state())
    proof = DedupeProof(verified=True, method="canary", detail="409 seen", at="t5")
    result = _run(state, Forget(id="c1", at="t4"), Forget(id="nope", at="t4"), proof)
    assert result.state.campaigns["c1"].forgotten is True
    assert state.campaigns["c1"].forgotten is False
    assert (
        result.state.dedupe.verified,
        result.state.dedupe.method,
        result.state.dedupe.checked_at,
    ) == (True, "canary", "t5")
    assert any("nope" in n for n in result.notes)


def test_a_new_submission_unforgets() -> None:
    state = _run(_sent(_state()), Forget(id="c1", at="t4")).state
    result = _run(state, _submit("k2", seq=2), _out("k2", OutcomeKind.ACCEPTED, "t-2"))
    record = result.state.campaigns["c1"]
    assert record.forgotten is False
    assert [s.seq for s in record.submissions] == [1, 2]


def test_track_unforgets_records_the_new_source_and_keeps_history() -> None:
    forgotten = _run(_sent(_state()), Forget(id="c1", at="t4")).state
    track = Track(id="c1", source="campaigns/moved/c.yaml:1:1", at="t5")
    result = _run(forgotten, track, Track(id="nope", at="t5"))
    record = result.state.campaigns["c1"]
    assert record.forgotten is False
    assert record.source == "campaigns/moved/c.yaml:1:1"
    assert record.submissions == forgotten.campaigns["c1"].submissions
    assert forgotten.campaigns["c1"].forgotten is True  # the input is not mutated
    assert result.state.serial == forgotten.serial + 1 and result.changed
    assert "nope" not in result.state.campaigns
    assert any("nope: track of an id the state does not hold" in n for n in result.notes)


def test_already_folded_journal_is_not_folded_twice() -> None:
    state = _state()
    records: list[JournalRecord] = [
        _header(state),
        _submit("k1"),
        _out("k1", OutcomeKind.ACCEPTED, "t-1"),
    ]
    once = fold(state, records, NOW)
    twice = fold(once.state, records, NOW)
    assert twice.already_folded and not twice.changed
    assert twice.state is once.state
    assert twice.state.serial == 6
    assert len(twice.state.campaigns["c1"].submissions) == 1


def test_header_only_journal_changes_nothing() -> None:
    state = _state()
    result = fold(state, [_header(state)], NOW)
    assert result.state is state and not result.changed
    assert fold(state, [], NOW).state is state


def test_lineage_mismatch() -> None:
    state = _state()
    header = JournalHeader(lineage="other", base_serial=5, started_at="t0")
    with pytest.raises(LineageMismatch, match="lineage other"):
        fold(state, [header], NOW)


def test_journal_from_the_future_and_headerless_are_refused() -> None:
    state = _state()
    with pytest.raises(StateCorrupt, match="starts from serial 9 but the state is at serial 5"):
        fold(state, [_header(state, base=9)], NOW)
    with pytest.raises(StateCorrupt, match="does not start with a header"):
        fold(state, [_submit("k1")], NOW)
    with pytest.raises(StateCorrupt, match="outcome for unknown intent 'zz'"):
        _run(state, _out("zz", OutcomeKind.ACCEPTED))
    with pytest.raises(StateCorrupt, match="second header"):
        _run(state, _header(state))


def test_duplicate_seq_is_kept_once() -> None:
    state = _sent(_state())
    result = _run(state, _submit("k9"), _out("k9", OutcomeKind.ACCEPTED, "t-x"))
    assert [s.tracking_id for s in result.state.campaigns["c1"].submissions] == ["t-1"]
    assert any("already recorded" in n for n in result.notes)


def test_cancel_of_an_unknown_tracking_id_only_notes() -> None:
    state = _sent(_state())
    cancel = CancelIntent(key="c", id="c1", tracking_id="t-zz", reason=CancelReason.CANCEL, at="t3")
    result = _run(state, cancel, _out("c", OutcomeKind.CANCELLED))
    assert result.state.campaigns["c1"].submissions[0].status is SubmissionStatus.ACCEPTED
    assert any("t-zz, which the state does not hold" in n for n in result.notes)


def test_a_journal_of_refused_calls_changes_nothing_but_sources() -> None:
    """An apply that sent nothing changes nothing (issue 12 item 5): fold_journal leaves the
    state file as it was when only ``sources`` would change."""
    from reconciler.models.journal import Sources

    state = _state()
    records: list[JournalRecord] = [
        _header(state),
        Sources(sources={}, at="t0"),
        _submit("k1"),
        _out("k1", OutcomeKind.REJECTED),
    ]
    result = fold(state, records, NOW)
    assert result.only_sources and not result.state.pending and not result.state.campaigns
    sent = fold(state, [*records, _submit("k2", "c2"), _out("k2", OutcomeKind.ACCEPTED, "t-2")])
    assert not sent.only_sources and sent.state.serial == state.serial + 1


def _canary(key: str, name: str = "canary-abcdefgh", resend: bool = False) -> SubmitIntent:
    return _submit(key, cid=CANARY_ID).model_copy(
        update={"submission_name": name, "decl_hash": "canary", "resend": resend}
    )


def _canary_cancel(key: str, tracking_id: str) -> CancelIntent:
    return CancelIntent(
        key=key, id=CANARY_ID, tracking_id=tracking_id, reason=CancelReason.CANCEL, at="t2"
    )


def test_canary_intents_fold_into_canaries_never_into_campaigns_or_pending() -> None:
    state = _state()
    records: list[JournalRecord] = [
        _header(state),
        _canary("a"),  # killed before any answer: it may exist
        _canary("b", "canary-bbbbbbbb"),
        _out("b", OutcomeKind.ACCEPTED, "t-b"),  # accepted, its DELETE never ran
        _canary("c", "canary-bbbbbbbb", resend=True),
        _out("c", OutcomeKind.RESOLVED),  # the second POST: 409, created nothing
        _canary("d", "canary-dddddddd"),
        _out("d", OutcomeKind.ACCEPTED, "t-d"),
        _canary_cancel("e", "t-d"),
        _out("e", OutcomeKind.CANCELLED, "t-d"),  # cancelled: gone from the state
    ]
    result = fold(state, records, NOW)
    assert not result.only_sources and result.state.serial == state.serial + 1
    assert result.state.campaigns == {} and result.state.pending == []
    canaries = {c.submission_name: c for c in result.state.canaries}
    assert set(canaries) == {"canary-abcdefgh", "canary-bbbbbbbb"}
    assert canaries["canary-abcdefgh"].tracking_id is None
    assert canaries["canary-abcdefgh"].outcome is None
    assert canaries["canary-bbbbbbbb"].tracking_id == "t-b"
    assert canaries["canary-bbbbbbbb"].outcome is OutcomeKind.ACCEPTED
    # A later run cancels the one whose trackingId is known; the unanswered one stays listed.
    later = result.state
    again = fold(
        later,
        [_header(later), _canary_cancel("f", "t-b"), _out("f", OutcomeKind.CANCELLED, "t-b")],
        NOW,
    )
    assert [c.submission_name for c in again.state.canaries] == ["canary-abcdefgh"]


@pytest.mark.parametrize("verified", [True, False])
def test_an_in_doubt_canary_post_accepted_on_its_resend_stands_only_without_uniqueness(
    verified: bool,
) -> None:
    """POST in doubt (a 5xx), re-sent under the same name and accepted: with name uniqueness
    verified the first cannot have created a campaign; without it, it may have."""
    state = _state()
    records: list[JournalRecord] = [
        _header(state),
        _canary("a"),
        _out("a", OutcomeKind.IN_DOUBT),
        _canary("b", resend=True),
        _out("b", OutcomeKind.ACCEPTED, "t-b"),
        _canary_cancel("c", "t-b"),
        _out("c", OutcomeKind.CANCELLED, "t-b"),
        DedupeProof(verified=verified, method="canary", at="t3"),
    ]
    canaries = fold(state, records, NOW).state.canaries
    if verified:
        assert canaries == []
    else:
        assert [(c.submission_name, c.outcome) for c in canaries] == [
            ("canary-abcdefgh", OutcomeKind.IN_DOUBT)
        ]
