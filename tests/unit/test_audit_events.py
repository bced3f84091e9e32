"""Audit events from two versions of a state file (pure)."""

from __future__ import annotations

import copy
import io
from typing import Any

from reconciler.audit import Commit, EventKind, compare_states
from reconciler.audit.history import AuditTrail
from reconciler.render.log import commit_message, render_log_text, summary


def submission(seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "revision": 1,
        "submissionName": f"Promo-{seq}-abcdefgh",
        "trackingId": f"tid-{seq}",
        "submittedAt": f"2027-01-0{seq}T10:00:00Z",
        "status": "accepted",
        **extra,
    }


def state(**campaigns: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "lineage": "L",
        "serial": 1,
        "campaigns": {cid: {"id": cid, "submissions": subs} for cid, subs in campaigns.items()},
    }


COMMIT = Commit(sha="a" * 40, short="aaaaaaa", author="Ada", date="2027-01-09T00:00:00+00:00")


def kinds(before: Any, after: Any) -> list[tuple[str, EventKind]]:
    return [(e.campaign_id, e.kind) for e in compare_states(before, after, COMMIT)]


def test_first_submission_is_a_send_with_its_name_tracking_id_and_commit() -> None:
    [event] = compare_states(None, state(promo=[submission(1)]), COMMIT)
    assert (event.campaign_id, event.kind, event.seq) == ("promo", EventKind.SEND, 1)
    assert event.submission_name == "Promo-1-abcdefgh"
    assert event.tracking_id == "tid-1"
    assert event.at == "2027-01-01T10:00:00Z"
    assert event.commit == COMMIT
    assert event.to_json()["commit"] == "aaaaaaa"
    assert event.to_json()["author"] == "Ada"


def test_unchanged_state_has_no_events() -> None:
    s = state(promo=[submission(1)])
    assert compare_states(s, copy.deepcopy(s)) == []


def test_later_submission_is_a_resend() -> None:
    assert kinds(state(p=[submission(1)]), state(p=[submission(1), submission(2)])) == [
        ("p", EventKind.RESEND)
    ]


def test_replace_is_a_cancel_then_a_replace() -> None:
    cancelled = submission(
        1, status="cancelled", cancelledAt="2027-01-02T09:00:00Z", cancelReason="replace"
    )
    events = compare_states(state(p=[submission(1)]), state(p=[cancelled, submission(2)]))
    assert [(e.kind, e.seq, e.reason) for e in events] == [
        (EventKind.CANCEL, 1, "replace"),
        (EventKind.REPLACE, 2, None),
    ]
    assert events[0].at == "2027-01-02T09:00:00Z"
    assert summary(events) == "1 replaced"


def test_cancel_and_external_cancel() -> None:
    before = state(a=[submission(1)], b=[submission(1)])
    after = state(
        a=[submission(1, status="cancelled", cancelledAt="x", cancelReason="cancel")],
        b=[submission(1, status="cancelledExternally", refreshedAt="y")],
    )
    events = compare_states(before, after)
    assert [(e.campaign_id, e.kind, e.at) for e in events] == [
        ("a", EventKind.CANCEL, "x"),
        ("b", EventKind.CANCELLED_EXTERNALLY, "y"),
    ]


def test_forget_and_track_again_take_the_commit_date() -> None:
    kept = state(p=[submission(1)])
    forgotten = copy.deepcopy(kept)
    forgotten["campaigns"]["p"]["forgotten"] = True
    [forget] = compare_states(kept, forgotten, COMMIT)
    assert (forget.kind, forget.at) == (EventKind.FORGET, COMMIT.date)
    assert kinds(forgotten, kept) == [("p", EventKind.TRACK_AGAIN)]


def test_imported_and_adopted_origins() -> None:
    after = state(i=[submission(1, origin="imported")], a=[submission(1, origin="adopted")])
    events = compare_states(None, after)
    assert [(e.campaign_id, e.kind, e.reason) for e in events] == [
        ("a", EventKind.SEND, "adopted"),
        ("i", EventKind.IMPORT, "imported"),
    ]


def test_malformed_versions_are_read_defensively() -> None:
    odd = {"campaigns": {"x": "not a record", "y": {"submissions": [{"seq": "1"}, 3]}}}
    assert compare_states(odd, {"campaigns": []}) == []
    assert compare_states(None, odd) == []
    assert compare_states({"campaigns": None}, None) == []


def test_pending_tracking_id_is_shown_as_pending_in_the_message() -> None:
    events = compare_states(None, state(p=[submission(1, trackingId=None)]))
    message = commit_message("production", events)
    assert message.splitlines()[0] == "campaigns apply (production): 1 sent"
    assert "p: send #1 Promo-1-abcdefgh trackingId (pending)" in message


def test_commit_message_without_events_says_so() -> None:
    message = commit_message("production", [])
    assert message.startswith("campaigns apply (production): no submissions changed\n")


FORGED = "Campaigns-Applied: " + "f" * 40


def test_ids_and_tracking_ids_cannot_add_lines_to_the_commit_message_or_the_log() -> None:
    """A state in git history and a server's answer are strangers' words: a line break in an id,
    a name or a trackingId must not start a paragraph of trailers or a line of the log."""
    odd = submission(1, submissionName="N\rx", trackingId=f"t\n\n{FORGED}")
    events = compare_states(None, state(**{f"p\n{FORGED}": [odd]}), COMMIT)
    message = commit_message("production", events, applied="a" * 40, changes=[f"c\n{FORGED}"])
    lines = message.splitlines()
    assert [line for line in lines if line.startswith("Campaigns-Applied")] == [
        "Campaigns-Applied: " + "a" * 40
    ]
    assert f"p\\u000a{FORGED}: send #1 N\\u000dx trackingId t\\u000a\\u000a{FORGED}" in lines
    assert f"c\\u000a{FORGED}" in lines
    shown = io.StringIO()
    trail = AuditTrail("state/production.json", events, [], 1)
    render_log_text(trail, events, shown)
    assert not any(line.startswith(FORGED) for line in shown.getvalue().splitlines())
    assert len(shown.getvalue().splitlines()) == 2  # the id, then its one event
