"""Properties of the diff over generated declarations and states (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.canonical import digest
from reconciler.models.campaign import Campaign
from reconciler.models.state import State
from reconciler.plan.diff import diff
from reconciler.plan.guards import posts
from tests.plan_sim import (
    FUTURE,
    NOW,
    PAST,
    make_campaign,
    make_request,
    make_state,
    simulate_apply,
)

IDS = ["a", "b", "c", "d"]
NUMBERS = ["+306912345601", "+306912345602", "+306912345603"]


@st.composite
def declarations(draw: st.DrawFn) -> list[Campaign]:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=4))
    found = []
    for cid in ids:
        request = make_request(
            to=draw(st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3, unique=True)),
            scheduledDate=draw(st.sampled_from([FUTURE, PAST])),
            message={"text": draw(st.sampled_from(["hi", "bye"])), "language": "en-GB"},
        )
        found.append(
            make_campaign(
                cid,
                request,
                revision=draw(st.integers(1, 3)),
                cancel=draw(st.booleans()),
            )
        )
    return found


def applied(campaigns: list[Campaign], state: State) -> State:
    plan = diff(campaigns, state, NOW)
    return simulate_apply(plan, state, NOW)


@settings(max_examples=60, deadline=None)
@given(history=st.lists(declarations(), max_size=3), latest=declarations())
def test_replanning_after_apply_has_nothing_to_do(
    history: list[list[Campaign]], latest: list[Campaign]
) -> None:
    state = make_state(serial=0)
    for declared in history:
        state = applied(declared, state)
    plan = diff(latest, state, NOW)
    after = simulate_apply(plan, state, NOW)
    again = diff(latest, after, NOW)
    assert again.changes == (), again.changes
    assert {e.id for e in again.errors} <= {e.id for e in plan.errors}


@settings(max_examples=60, deadline=None)
@given(history=st.lists(declarations(), max_size=3), latest=declarations())
def test_no_post_repeats_a_spec_recorded_for_another_id(
    history: list[list[Campaign]], latest: list[Campaign]
) -> None:
    state = make_state(serial=0)
    for declared in history:
        state = applied(declared, state)
    recorded = {
        s.spec_hash: record.id for record in state.campaigns.values() for s in record.submissions
    }
    for action in diff(latest, state, NOW).actions:
        if posts(action):
            assert recorded.get(action.spec_hash or "", action.id) == action.id


@settings(max_examples=60, deadline=None)
@given(
    request=st.dictionaries(
        st.text(min_size=1, max_size=5),
        st.one_of(st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=3)),
        max_size=6,
    )
)
def test_spec_hash_is_stable_under_key_order(request: dict[str, object]) -> None:
    reordered = dict(reversed(list(request.items())))
    assert digest(request) == digest(reordered)
    assert make_campaign("a", request).spec_hash == make_campaign("a", reordered).spec_hash


def test_equal_plans_have_equal_checksums_whatever_the_input_order() -> None:
    a = make_campaign("a", make_request(to=[NUMBERS[0]]))
    b = make_campaign("b", make_request(to=[NUMBERS[1]]))
    assert diff([a, b], make_state(), NOW).checksum == diff([b, a], make_state(), NOW).checksum
