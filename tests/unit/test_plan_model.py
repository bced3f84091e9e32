"""An action carries exactly the intents it will journal, and the plan's JSON is its flat view."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from reconciler.models.intent import CancelIntent, CancelReason, SubmitIntent
from reconciler.models.plan import Action, ActionKind, Plan
from reconciler.plan.diff import diff
from reconciler.plan.saved import plan_json
from tests.plan_sim import NOW, make_campaign, make_state, record_of, submission_of

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
        (ActionKind.SEND, {}),
        (ActionKind.SEND, {"submit": SUBMIT, "cancel": CANCEL}),
        (ActionKind.REPLACE, {"submit": SUBMIT}),
        (ActionKind.CANCEL, {"submit": SUBMIT}),
        (ActionKind.RESOLVE, {}),
        (ActionKind.RESOLVE, {"submit": SUBMIT, "cancel": CANCEL}),
        (ActionKind.FORGET, {"cancel": CANCEL}),
        (ActionKind.NOOP, {"submit": SUBMIT}),
    ],
)
def test_an_action_cannot_carry_intents_its_kind_does_not_journal(
    kind: ActionKind, calls: dict[str, object]
) -> None:
    with pytest.raises(ValidationError, match=f"a {kind.value} action cannot carry"):
        Action(id="a", action=kind, **calls)


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
