"""A no-op's JSON projection, written from constants (most actions of most plans are no-ops),
is the general one, and is its own JSON dump: the plan checksum hashes it as it is (design.md 9).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from reconciler.canonical import canonical_json
from reconciler.models.action_base import ActionBase
from reconciler.models.actions import NoOp
from reconciler.plan.seal import _dumped

TEXT = st.text(max_size=20)
OPTIONAL_TEXT = st.none() | TEXT


@st.composite
def noops(draw: st.DrawFn) -> NoOp:
    return NoOp(
        id=draw(TEXT),
        source=draw(OPTIONAL_TEXT),
        notes=tuple(draw(st.lists(TEXT, max_size=3))),
        submission_name=draw(OPTIONAL_TEXT),
        tracking_id=draw(OPTIONAL_TEXT),
        revision=draw(st.none() | st.integers(min_value=1, max_value=10**6)),
        spec_hash=draw(OPTIONAL_TEXT),
        retrack=draw(st.booleans()),
    )


@given(noops())
def test_a_noop_projection_is_the_general_one_in_the_same_key_order(action: NoOp) -> None:
    general: dict[str, Any] = ActionBase.flat(action)
    own = action.flat()
    assert own == general
    assert list(own) == list(general)


@given(noops())
def test_a_noop_projection_is_its_own_json_dump(action: NoOp) -> None:
    dumped = action.model_dump(mode="json", by_alias=True)
    assert _dumped(action) == dumped
    assert canonical_json(_dumped(action)) == canonical_json(dumped)
    assert json.dumps(action.model_dump(mode="json", by_alias=True)) == json.dumps(dumped)


def test_noop_projections_share_no_list() -> None:
    first, second = NoOp(id="a"), NoOp(id="b")
    first.flat()["groups"].append("x")
    assert second.flat()["groups"] == []
    assert first.flat()["groups"] == []


def test_kinds_are_ordered_as_declared() -> None:
    from reconciler.models.action_view import ActionKind

    assert [kind.order for kind in ActionKind] == list(range(len(ActionKind)))
    assert ActionKind.RESOLVE.order < ActionKind.CANCEL.order < ActionKind.NOOP.order
