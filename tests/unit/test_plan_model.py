"""An action carries exactly the intents it will journal, and the plan's JSON is its flat view."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from reconciler.models.actions import action_from_flat
from reconciler.models.intent import CancelIntent, CancelReason, SubmitIntent
from reconciler.models.plan import ActionKind, Cancel, Forget, NoOp, Plan, Replace, Resolve, Send
from reconciler.plan.diff import diff
from reconciler.plan.saved import plan_json
from tests.plan_sim import NOW, make_campaign, make_state, record_of, submission_of
from tests.unit.test_render_golden import every_kind_plan

SUBMIT = SubmitIntent(
    id="a",
    seq=1,
    revision=1,
    submission_name="a-abcdefgh",
    spec_hash="sha256:s",
    decl_hash="sha256:d",
    request={"to": ["+306911111111"]},
)
CANCEL = CancelIntent(id="a", tracking_id="t-1", reason=CancelReason.CANCEL)


@pytest.mark.parametrize(
    ("kind", "calls"),
    [
        (Send, {}),
        (Send, {"submit": SUBMIT, "cancel": CANCEL}),
        (Replace, {"submit": SUBMIT}),
        (Cancel, {"submit": SUBMIT, "cancel": CANCEL}),
        (Resolve, {}),
        (Forget, {"cancel": CANCEL}),
        (NoOp, {"submit": SUBMIT}),
    ],
)
def test_each_kind_holds_exactly_the_intents_it_journals(
    kind: type[BaseModel], calls: dict[str, object]
) -> None:
    """A send cannot lack its POST, a forget cannot carry a DELETE: the kind's fields say so."""
    fields = dict(calls)
    if kind is Cancel:  # everything else a cancel needs, so only its calls can be wrong
        fields |= {"submission_name": "a-1", "revision": 1, "spec_hash": "s", "decl_hash": "d"}
        fields |= {"before": {}}
    with pytest.raises(ValidationError):
        kind(id="a", **fields)


def test_a_flat_action_is_read_as_its_kind() -> None:
    """The plan's JSON keys of any kind read back as that kind, with the intents rebuilt."""
    flat = {
        "id": "a",
        "action": "cancel",
        "trackingId": "t-1",
        "submissionName": "a-1",
        "revision": 1,
        "specHash": "s",
        "declHash": "d",
        "before": {"to": ["+1"]},
    }
    action = action_from_flat(flat)
    assert isinstance(action, Cancel)
    assert action.cancel == CancelIntent(id="a", tracking_id="t-1", reason=CancelReason.CANCEL)
    assert action.recipients == 1 and action.submit is None and not action.posts
    with pytest.raises(ValidationError):
        action_from_flat({"id": "a", "action": "send", "seq": 1})  # a send without its request
    with pytest.raises(ValidationError):
        action_from_flat({"id": "a", "action": "explode"})


def test_a_saved_plan_reads_back_equal_with_its_intents() -> None:
    sent = make_campaign("a")
    changed = make_campaign("a", revision=2)
    plan = diff([changed, make_campaign("b")], make_state(record_of("a", submission_of(sent))), NOW)
    again = Plan.model_validate(json.loads(plan_json(plan)))
    assert again == plan
    resend = next(a for a in again.actions if a.id == "a")
    assert resend.action is ActionKind.RESEND and resend.posts
    assert resend.submit is not None and resend.submit.seq == 2
    assert "submit" not in json.loads(plan_json(plan))["actions"][0]


def test_every_kind_reads_back_equal_from_the_plan_json() -> None:
    plan = every_kind_plan()
    again = Plan.model_validate(json.loads(plan_json(plan)))
    # a resolve's recorded intent keeps only what the JSON shows (apply re-plans from the state)
    assert [a for a in again.actions if a.action is not ActionKind.RESOLVE] == [
        a for a in plan.actions if a.action is not ActionKind.RESOLVE
    ]
    assert {type(a).__name__ for a in again.actions} == {
        "Resolve",
        "Cancel",
        "Replace",
        "Send",
        "Resend",
        "Forget",
        "NoOp",
    }
    assert plan_json(again) == plan_json(plan)
