"""Properties of the diff over generated declarations and states (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.canonical import digest
from reconciler.config import Config
from reconciler.load import load_project
from reconciler.models.campaign import Campaign
from reconciler.models.state import State
from reconciler.plan.diff import diff
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
        if action.posts:
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


FIELDS: dict[str, object] = {
    "id": "spring-promo",
    "campaignName": "Spring promo",
    "from": "+306900000000",
    "message": {"text": "Hello there", "language": "en-GB", "gender": "female"},
    "scheduledDate": "2030-03-01T09:00:00+02:00",
    "respectQuietHours": True,
    "callback": {"strategy": "OnChange", "url": "https://hooks.example.com/routee"},
}
SPACED = ["+30 691 234 5601", "+306912345602", "+30 6912 345603"]


def _scalar(value: object, quote: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{quote}{value}{quote}"


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """The same declaration in random key order, style, quoting, comments and number spacing."""
    keys = draw(st.permutations([*FIELDS, "to"]))
    quote = draw(st.sampled_from(['"', "'"]))
    comment = draw(st.sampled_from(["", "  # reviewed"]))
    lines = [draw(st.sampled_from(["", "# a comment\n", "---\n"]))]
    for key in keys:
        value = SPACED if key == "to" else FIELDS[key]
        if isinstance(value, dict):
            items = draw(st.permutations(list(value.items())))
            if draw(st.booleans()):
                flow = ", ".join(f"{k}: {_scalar(v, quote)}" for k, v in items)
                lines.append(f"{key}: {{{flow}}}{comment}\n")
            else:
                body = "".join(f"  {k}:   {_scalar(v, quote)}\n" for k, v in items)
                lines.append(f"{key}:{comment}\n{body}")
        elif isinstance(value, list):
            numbers = [draw(st.sampled_from([n, n.replace(" ", "")])) for n in value]
            if draw(st.booleans()):
                lines.append(f"{key}: [{', '.join(_scalar(n, quote) for n in numbers)}]\n")
            else:
                lines.append(f"{key}:\n" + "".join(f"  - {_scalar(n, quote)}\n" for n in numbers))
        else:
            lines.append(f"{key}: {_scalar(value, quote)}{comment}\n")
    return "".join(lines) + draw(st.sampled_from(["", "\n\n", "# end\n"]))


def _hashes(text: str) -> tuple[str, str]:
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "campaigns").mkdir()
        (Path(root) / "campaigns" / "spring.yaml").write_text(text, encoding="utf-8")
        result = load_project(Config(root=Path(root)))
    assert result.findings == [], (text, result.findings)
    (campaign,) = result.campaigns
    return campaign.spec_hash, campaign.decl_hash


@settings(max_examples=40, deadline=None)
@given(first=yaml_texts(), second=yaml_texts())
def test_hashes_ignore_key_order_comments_quoting_and_number_spacing(
    first: str, second: str
) -> None:
    assert _hashes(first) == _hashes(second)
