"""Every row of design.md section 4's tables, with Campaigns and States built directly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from reconciler.models.intent import CancelIntent, OutcomeKind, SubmitIntent
from reconciler.models.plan import ActionKind, GuardKind, Plan
from reconciler.models.state import CancelReason, Pending, SubmissionOrigin, SubmissionStatus
from reconciler.plan.diff import diff
from reconciler.plan.guards import GuardLimits, tripped_guards
from reconciler.plan.names import submission_name
from reconciler.plan.seal import seal, verify_checksum
from tests.plan_sim import (
    LINEAGE,
    NOW,
    PAST,
    make_campaign,
    make_request,
    make_state,
    record_of,
    submission_of,
)


def only(plan: Plan):
    assert len(plan.actions) == 1, plan.actions
    return plan.actions[0]


def kinds(plan: Plan) -> list[tuple[str, str]]:
    return [(a.action.value, a.id) for a in plan.actions]


def test_send_new_id_with_seq_1_and_its_name() -> None:
    campaign = make_campaign("spring", label="Spring promo")
    action = only(diff([campaign], make_state(), NOW))
    assert action.action is ActionKind.SEND
    assert action.seq == 1
    assert action.submission_name == submission_name("Spring promo", LINEAGE, "spring", 1)
    assert action.request == campaign.request and action.after == campaign.request
    assert action.before is None
    assert action.recipients == 2
    assert action.scheduled_date == campaign.scheduled_date
    assert action.source == "campaigns/spring.yaml:1:1"


def test_unchanged_is_noop() -> None:
    c = make_campaign("a")
    plan = diff([c], make_state(record_of("a", submission_of(c))), NOW)
    assert only(plan).action is ActionKind.NOOP
    assert not plan.changes and not plan.errors


def test_noop_with_pending_tracking_id_says_so() -> None:
    c = make_campaign("a")
    plan = diff([c], make_state(record_of("a", submission_of(c, tracking_id=None))), NOW)
    action = only(plan)
    assert action.action is ActionKind.NOOP
    untracked = "cannot be cancelled or replaced until its trackingId is known"
    assert any(untracked in n for n in action.notes)
    assert untracked in plan.warnings[0].message
    assert "`campaigns import a --tracking-id T`" in plan.warnings[0].message


def test_noop_with_pending_tracking_id_that_has_started_only_waits_for_refresh() -> None:
    c = make_campaign("a")
    sub = submission_of(c, tracking_id=None, state="Running")
    plan = diff([c], make_state(record_of("a", sub)), NOW)
    assert any("trackingId pending" in n for n in only(plan).notes) and not plan.warnings


def test_cancel_scheduled_with_tracking_id() -> None:
    c = make_campaign("a")
    declared = make_campaign("a", cancel=True)
    action = only(diff([declared], make_state(record_of("a", submission_of(c))), NOW))
    assert action.action is ActionKind.CANCEL
    assert action.tracking_id == "t-1"


def test_replace_when_spec_changed_while_scheduled() -> None:
    old = make_campaign("a")
    new = make_campaign("a", make_request(message={"text": "Bye", "language": "en-GB"}))
    action = only(diff([new], make_state(record_of("a", submission_of(old))), NOW))
    assert action.action is ActionKind.REPLACE
    assert (action.seq, action.tracking_id) == (2, "t-1")
    assert action.submission_name == submission_name("a", LINEAGE, "a", 2)
    assert action.before == old.request and action.after == new.request


def test_scheduled_inside_the_margin_is_not_replaced() -> None:
    start = (NOW + timedelta(minutes=5)).isoformat()
    old = make_campaign("a", make_request(scheduledDate=start))
    new = make_campaign("a", make_request(scheduledDate=start, respectQuietHours=False))
    plan = diff([new], make_state(record_of("a", submission_of(old))), NOW)
    assert not plan.actions
    assert "changed after it was sent" in plan.errors[0].message


def test_resend_when_revision_increased() -> None:
    old = make_campaign("a")
    new = make_campaign("a", revision=2)
    record = record_of("a", submission_of(old, state="Sent"))
    action = only(diff([new], make_state(record), NOW))
    assert action.action is ActionKind.RESEND
    assert action.seq == 2


def test_forget_when_declaration_gone() -> None:
    c = make_campaign("a")
    plan = diff([], make_state(record_of("a", submission_of(c))), NOW)
    action = only(plan)
    assert action.action is ActionKind.FORGET and action.tracking_id == "t-1"


def test_already_forgotten_is_not_forgotten_again() -> None:
    c = make_campaign("a")
    plan = diff([], make_state(record_of("a", submission_of(c), forgotten=True)), NOW)
    assert plan.actions == ()


def test_forgotten_redeclared_equal_is_tracked_again() -> None:
    c = make_campaign("a")
    action = only(diff([c], make_state(record_of("a", submission_of(c), forgotten=True)), NOW))
    assert action.action is ActionKind.NOOP
    assert "tracked again" in action.notes[0]
    assert action.retrack is True
    plan = diff([c], make_state(record_of("a", submission_of(c))), NOW)
    assert only(plan).retrack is False and plan.retracks == ()


def test_forgotten_redeclared_is_retracked_whatever_its_action() -> None:
    old = make_campaign("a")
    bumped = make_campaign("a", revision=2)
    resend = only(
        diff([bumped], make_state(record_of("a", submission_of(old), forgotten=True)), NOW)
    )
    assert (resend.action, resend.retrack) == (ActionKind.RESEND, True)
    cancelled = make_campaign("a", cancel=True)
    state = make_state(record_of("a", submission_of(old), forgotten=True))
    plan = diff([cancelled], state, NOW)
    assert [(a.action, a.retrack) for a in plan.actions] == [(ActionKind.CANCEL, True)]
    assert plan.retracks == plan.actions and plan.actions[0].notes[0].startswith("tracked again")


def test_forgotten_redeclared_changed_is_error_unless_revision_bumped() -> None:
    old = make_campaign("a")
    changed = make_campaign("a", make_request(**{"from": "+306900000009"}))
    record = record_of("a", submission_of(old), forgotten=True)
    plan = diff([changed], make_state(record), NOW)
    assert not plan.actions and "forgotten" in plan.errors[0].message
    bumped = make_campaign("a", make_request(**{"from": "+306900000009"}), revision=2)
    assert only(diff([bumped], make_state(record), NOW)).action is ActionKind.RESEND


def test_sent_and_declaration_changed_is_error_naming_file_and_ways_out() -> None:
    old = make_campaign("a")
    new = make_campaign("a", make_request(to=["+306912345670"]))
    plan = diff([new], make_state(record_of("a", submission_of(old, state="Sent"))), NOW)
    assert not plan.actions
    error = plan.errors[0]
    assert error.id == "a" and error.source == "campaigns/a.yaml:1:1"
    assert error.message.startswith("campaigns/a.yaml:1:1: a changed after it was sent")
    assert "revert the change, or set revision to 2" in error.message


def test_sent_and_only_defaults_changed_is_drift_noop() -> None:
    own = make_request(**{"from": None})
    old = make_campaign("a", own, defaults={"from": "+306900000000"})
    new = make_campaign("a", own, defaults={"from": "+306900000001"})
    assert old.decl_hash == new.decl_hash and old.spec_hash != new.spec_hash
    plan = diff([new], make_state(record_of("a", submission_of(old, state="Running"))), NOW)
    action = only(plan)
    assert action.action is ActionKind.NOOP and "drift" in action.notes[0]
    assert any("drift" in w.message for w in plan.warnings)
    assert not plan.errors


def test_revision_lowered_is_error() -> None:
    old = make_campaign("a", revision=3)
    new = make_campaign("a", revision=2)
    plan = diff([new], make_state(record_of("a", submission_of(old))), NOW)
    assert "revision 2 is lower than 3" in plan.errors[0].message


def test_scheduled_with_pending_tracking_and_change_is_error() -> None:
    old = make_campaign("a")
    new = make_campaign("a", make_request(respectQuietHours=False))
    record = record_of("a", submission_of(old, tracking_id=None))
    plan = diff([new], make_state(record), NOW)
    assert "cannot be cancelled or replaced until its trackingId is known" in plan.errors[0].message
    assert "`campaigns import a --tracking-id T`" in plan.errors[0].message


def test_scheduled_with_pending_tracking_and_cancel_is_error() -> None:
    old = make_campaign("a")
    record = record_of("a", submission_of(old, tracking_id=None))
    plan = diff([make_campaign("a", cancel=True)], make_state(record), NOW)
    assert not plan.actions
    assert "cannot be cancelled or replaced until its trackingId is known" in plan.errors[0].message


def test_cancel_true_cancels_every_submission_that_may_still_ring() -> None:
    first = make_campaign("a", revision=1)
    second = make_campaign("a", revision=2)
    record = record_of(
        "a",
        submission_of(first, seq=1, tracking_id="t-1"),
        submission_of(second, seq=2, tracking_id="t-2"),
    )
    plan = diff([make_campaign("a", revision=2, cancel=True)], make_state(record), NOW)
    cancels = [a for a in plan.actions if a.action is ActionKind.CANCEL]
    assert [(a.tracking_id, a.submission_name) for a in cancels] == [
        ("t-1", "a-seq1"),
        ("t-2", "a-seq2"),
    ]
    assert [a.cancel.tracking_id for a in cancels if a.cancel] == ["t-1", "t-2"]


def test_cancel_true_cancels_the_tracked_ones_and_reports_the_untracked() -> None:
    first = make_campaign("a", revision=1)
    second = make_campaign("a", revision=2)
    record = record_of(
        "a",
        submission_of(first, seq=1, tracking_id=None),
        submission_of(second, seq=2, tracking_id="t-2"),
    )
    plan = diff([make_campaign("a", revision=2, cancel=True)], make_state(record), NOW)
    assert [a.tracking_id for a in plan.actions] == ["t-2"]
    assert "a-seq1" in plan.errors[0].message and "--tracking-id T" in plan.errors[0].message


def test_a_resend_says_the_earlier_scheduled_submission_rings_too() -> None:
    old = make_campaign("a", make_request(to=["+306911111111", "+306911111112"]), revision=1)
    record = record_of("a", submission_of(old, tracking_id="t-1"))
    plan = diff([make_campaign("a", revision=2)], make_state(record), NOW)
    action = only(plan)
    assert action.action is ActionKind.RESEND
    [note] = action.notes
    assert "a-seq1 (scheduled for 2030-01-01T09:00:00Z, 2 recipients)" in note
    assert "will ring too" in note


def test_a_resend_after_the_earlier_one_ran_says_nothing_more() -> None:
    old = make_campaign("a", revision=1)
    record = record_of("a", submission_of(old, state="Sent"))
    assert only(diff([make_campaign("a", revision=2)], make_state(record), NOW)).notes == ()


def test_deleting_the_file_of_a_scheduled_campaign_says_it_will_still_ring() -> None:
    old = make_campaign("a")
    plan = diff([], make_state(record_of("a", submission_of(old, tracking_id="t-1"))), NOW)
    action = only(plan)
    assert action.action is ActionKind.FORGET
    ringing = action.notes[-1]
    assert "a-seq1 (scheduled for 2030-01-01T09:00:00Z, 2 recipients)" in ringing
    assert "will ring" in ringing and "cancel: true" in ringing


def test_a_spec_unverified_adoption_is_shown_and_replace_sends_the_declared_spec() -> None:
    c = make_campaign("a")
    sub = submission_of(c, tracking_id="t-1").model_copy(
        update={"spec_verified": False, "origin": SubmissionOrigin.ADOPTED}
    )
    state = make_state(record_of("a", sub))
    plan = diff([c], state, NOW)
    assert only(plan).action is ActionKind.NOOP
    assert "spec unverified" in plan.warnings[0].message
    assert "--replace a" in plan.warnings[0].message
    replaced = diff([c], state, NOW, replace=["a"])
    action = only(replaced)
    assert action.action is ActionKind.REPLACE and action.tracking_id == "t-1"
    assert action.submit is not None and action.submit.request == c.request


def test_replace_of_a_campaign_that_has_started_is_an_error() -> None:
    c = make_campaign("a")
    state = make_state(record_of("a", submission_of(c, state="Running")))
    plan = diff([c], state, NOW, replace=["a"])
    assert not plan.actions and "--replace" in plan.errors[0].message


def test_cancelled_by_replace_whose_post_never_ran_sends_next_seq() -> None:
    old = make_campaign("a")
    new = make_campaign("a", make_request(respectQuietHours=False))
    sub = submission_of(old, status=SubmissionStatus.CANCELLED, cancel_reason=CancelReason.REPLACE)
    action = only(diff([new], make_state(record_of("a", sub)), NOW))
    assert action.action is ActionKind.SEND and action.seq == 2


def test_cancelled_by_cancel_then_cancel_removed_is_error_unless_revision_bumped() -> None:
    old = make_campaign("a")
    sub = submission_of(old, status=SubmissionStatus.CANCELLED, cancel_reason=CancelReason.CANCEL)
    state = make_state(record_of("a", sub))
    assert "cancel is now removed" in diff([old], state, NOW).errors[0].message
    assert only(diff([make_campaign("a", cancel=True)], state, NOW)).action is ActionKind.NOOP
    assert only(diff([make_campaign("a", revision=2)], state, NOW)).action is ActionKind.RESEND


def test_never_sent_and_cancel_is_noop_with_note() -> None:
    action = only(diff([make_campaign("a", cancel=True)], make_state(), NOW))
    assert action.action is ActionKind.NOOP and "never sent" in action.notes[0]


def test_cancel_after_start_is_warning_not_action() -> None:
    old = make_campaign("a")
    state = make_state(record_of("a", submission_of(old, state="Running")))
    plan = diff([make_campaign("a", cancel=True)], state, NOW)
    assert only(plan).action is ActionKind.NOOP
    assert "no longer Scheduled" in plan.warnings[0].message


def test_cancelled_externally_or_unknown_is_warning_no_action() -> None:
    c = make_campaign("a")
    for status in (SubmissionStatus.CANCELLED_EXTERNALLY, SubmissionStatus.UNKNOWN):
        state = make_state(record_of("a", submission_of(c, status=status)))
        plan = diff([make_campaign("a", revision=2)], state, NOW)
        assert only(plan).action is ActionKind.NOOP
        assert "no action is planned" in plan.warnings[0].message


def test_new_id_copying_a_sent_spec_is_error() -> None:
    a = make_campaign("a")
    b = make_campaign("b", a.request)
    plan = diff([a, b], make_state(record_of("a", submission_of(a))), NOW)
    assert kinds(plan) == [("no-op", "a")]
    assert "is a copy of a, already sent as a-seq1" in plan.errors[0].message


#: A submit intent left without an answer: the journal's record of it, or the state's copy.
RECORDED_SUBMIT: dict[str, Any] = {
    "key": "k1",
    "id": "a",
    "seq": 1,
    "revision": 1,
    "submission_name": "a-recorded",
    "spec_hash": "sha256:x",
    "decl_hash": "d",
    "request": {"to": ["+1"], "scheduledDate": PAST},
    "at": "2026-01-01T00:00:00Z",
}


def test_pending_submit_intent_resolves_under_recorded_name_and_only_that() -> None:
    c = make_campaign("a")
    state = make_state()
    state.pending.append(Pending(intent=SubmitIntent(**RECORDED_SUBMIT)))
    plan = diff([c], state, NOW)
    action = only(plan)
    assert action.action is ActionKind.RESOLVE and action.intent == "submit"
    assert (action.submission_name, action.seq, action.journal_key) == ("a-recorded", 1, "k1")
    assert action.request == {"to": ["+1"], "scheduledDate": PAST}
    assert "only its resolve runs" in action.notes[0]
    guards = {g.kind: g.count for g in plan.guards}
    assert guards == {GuardKind.SENDS: 1, GuardKind.RECIPIENTS: 1, GuardKind.LATE: 1}


def test_a_refused_resend_is_shown_held_and_counts_toward_no_guard() -> None:
    state = make_state()
    state.pending.append(
        Pending(intent=SubmitIntent(**RECORDED_SUBMIT), outcome=OutcomeKind.HELD_REFUSED)
    )
    plan = diff([make_campaign("a")], state, NOW)
    action = only(plan)
    assert action.action is ActionKind.RESOLVE and action.held
    assert any("apply will not send it again" in note for note in action.notes)
    guards = {g.kind: g.count for g in plan.guards}
    assert guards == {GuardKind.SENDS: 0, GuardKind.RECIPIENTS: 0, GuardKind.LATE: 0}


def test_pending_cancel_intent_and_state_pending_resolve() -> None:
    c = make_campaign("a")
    state = make_state(record_of("a", submission_of(c)))
    intent = CancelIntent(key="k2", id="a", tracking_id="t-1", reason=CancelReason.CANCEL, at="x")
    state.pending.append(Pending(intent=intent))
    action = only(diff([], state, NOW))
    assert (action.action, action.intent, action.tracking_id) == (
        ActionKind.RESOLVE,
        "cancel",
        "t-1",
    )


def test_actions_sorted_by_kind_then_id() -> None:
    a = make_campaign("a", make_request(to=["+306911111111"]))
    b = make_campaign("b", make_request(to=["+306911111112"]))
    old_c = make_campaign("c")
    new_c = make_campaign("c", make_request(respectQuietHours=False))
    state = make_state(record_of("c", submission_of(old_c)), record_of("z", submission_of(old_c)))
    plan = diff([b, new_c, a], state, NOW)
    assert kinds(plan) == [("replace", "c"), ("send", "a"), ("send", "b"), ("forget", "z")]


def test_guards_count_posts_recipients_and_late() -> None:
    late = make_campaign("late", make_request(scheduledDate=PAST, to=["+306911111111"]))
    grouped = make_campaign("g", make_request(groups=["vip"], contacts=["c1"]))
    plan = diff([late, grouped], make_state(), NOW, limits=GuardLimits(1, 2, 0))
    guards = {g.kind: g for g in plan.guards}
    assert (guards[GuardKind.SENDS].count, guards[GuardKind.SENDS].limit) == (2, 1)
    assert guards[GuardKind.RECIPIENTS].count == 4
    assert guards[GuardKind.RECIPIENTS].note == "+ groups counted at apply"
    assert guards[GuardKind.LATE].count == 1
    tripped = tripped_guards(plan, {GuardKind.SENDS: 2, GuardKind.LATE: 5})
    assert [g.kind for g in tripped] == [GuardKind.RECIPIENTS, GuardKind.LATE]
    assert (
        tripped_guards(plan, {GuardKind.SENDS: 2, GuardKind.LATE: 1, GuardKind.RECIPIENTS: 4}) == []
    )


def test_warnings_ignore_dnd_quiet_hours_and_shared_numbers() -> None:
    a = make_campaign("a", make_request(ignoreDnd=True, respectQuietHours=None))
    b = make_campaign("b", make_request(to=["+306912345679"]))
    cancelled = make_campaign("c", make_request(to=["+306912345679"]), cancel=True)
    messages = [(w.id, w.message) for w in diff([a, b, cancelled], make_state(), NOW).warnings]
    assert ("a", "ignoreDnd is true: calls ignore the Do-Not-Disturb list") in messages
    assert ("a", "respectQuietHours is not true: calls may ring during quiet hours") in messages
    assert ("a", "1 number is in both a and b (e.g. +306912345679)") in messages
    assert len(messages) == 3


def test_plan_is_sealed_and_checksum_ignores_generated_at() -> None:
    plan = diff([make_campaign("a")], make_state(), NOW)
    assert verify_checksum(plan)
    later = diff([make_campaign("a")], make_state(), NOW + timedelta(seconds=1))
    assert later.checksum == plan.checksum
    edited = plan.model_copy(update={"serial": 99})
    assert not verify_checksum(edited)
    assert verify_checksum(seal(edited))


def test_post_with_a_past_scheduled_date_is_warned_about() -> None:
    late = make_campaign("late", make_request(scheduledDate=PAST))
    plan = diff([late], make_state(), NOW)
    assert [(w.id, w.source, w.message) for w in plan.warnings] == [
        (
            "late",
            "campaigns/late.yaml:1:1",
            f"scheduledDate {PAST} has already passed: Routee would call at once"
            " (the late guard counts it)",
        )
    ]
    sent = make_state(record_of("late", submission_of(late, state="Sent")))
    assert diff([late], sent, NOW).warnings == ()


def test_every_plan_error_names_file_line_and_column() -> None:
    old = make_campaign("a", revision=2)
    cases = [
        make_state(record_of("a", submission_of(old, state="Sent"))),
        make_state(record_of("a", submission_of(old, tracking_id=None))),
        make_state(record_of("a", submission_of(old), forgotten=True)),
    ]
    changed = make_campaign("a", to_request_change(), revision=2)
    errors = [
        error
        for state in cases
        for declared in (make_campaign("a", revision=1), changed)
        for error in diff([declared], state, NOW).errors
    ]
    assert len(errors) == 6
    for error in errors:
        assert error.message.startswith("campaigns/a.yaml:1:1: a "), error.message
        assert error.source == "campaigns/a.yaml:1:1"


def to_request_change() -> dict[str, object]:
    return make_request(message={"text": "Changed", "language": "en-GB"})


def test_copy_check_also_guards_replace_and_resend() -> None:
    a = make_campaign("a", make_request(to=["+306911111111"]))
    b = make_campaign("b")
    state = make_state(record_of("a", submission_of(a)), record_of("b", submission_of(b)))
    replace_into_copy = make_campaign("b", a.request)
    resend_of_copy = make_campaign("b", a.request, revision=2)
    for declared in (replace_into_copy, resend_of_copy):
        plan = diff([a, declared], state, NOW)
        assert kinds(plan) == [("no-op", "a")]
        assert plan.errors[0].message == (
            "campaigns/b.yaml:1:1: b is a copy of a, already sent as a-seq1: change this "
            "declaration, or delete it and set a higher revision on a to send that again"
        )


def test_a_defaults_change_lists_every_campaign_whose_next_submission_it_changes() -> None:
    own = make_request(**{"from": None})
    scheduled = make_campaign("s", own, defaults={"from": "+306900000001"})
    sent = make_campaign(
        "t",
        make_request(to=["+306911111119"], **{"from": None}),
        defaults={"from": "+306900000001"},
    )
    mine = make_campaign("u", make_request(to=["+306911111118"]))
    state = make_state(
        record_of("s", submission_of(scheduled)),
        record_of("t", submission_of(sent, state="Sent")),
        record_of("u", submission_of(mine)),
    )
    moved = {"from": "+306900000002"}
    declared = [
        make_campaign("s", own, defaults=moved),
        make_campaign("t", make_request(to=["+306911111119"], **{"from": None}), defaults=moved),
        mine,
    ]
    plan = diff(declared, state, NOW)
    [listing] = [w for w in plan.warnings if w.id is None]
    assert listing.message == (
        "defaults.yaml changes the next submission of 2 campaigns: s (from: replaced by this "
        "plan); t (from: already sent; in its next resend)"
    )
