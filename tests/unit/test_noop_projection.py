"""A no-op's JSON projection, written from constants (most actions of most plans are no-ops),
is the general one, and is its own JSON dump: the plan checksum hashes it as it is (design.md 9).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.canonical import canonical_json
from reconciler.models.action_base import ActionBase
from reconciler.models.actions import Forget, NoOp
from reconciler.plan.seal import _items_json

TEXT = st.text(max_size=20)


def _json_of(action: ActionBase) -> bytes:
    """What the plan checksum hashes for ``action`` as the only item of a list."""
    return b",".join(_items_json([action]))


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
    assert action.flat() == dumped
    assert json.dumps(action.flat()) == json.dumps(dumped)


@given(noops())
def test_the_checksum_writes_a_noop_as_canonical_json(action: NoOp) -> None:
    assert _json_of(action) == canonical_json(action.model_dump(mode="json", by_alias=True))


@pytest.mark.parametrize(
    "text", ['"', "\\", "\n", "\u2028", "\x00", "\x7f", "é", "😀", "</script>", ""]
)
def test_the_checksum_escapes_strings_as_canonical_json(text: str) -> None:
    action = NoOp(
        id=text, source=text, notes=(text, text), submission_name=text, spec_hash=text, revision=3
    )
    assert _json_of(action) == canonical_json(action.model_dump(mode="json", by_alias=True))


def test_the_checksum_writes_other_kinds_as_their_dump() -> None:
    action = Forget(id="a", source="campaigns/a.yaml", notes=("n",))
    assert _json_of(action) == canonical_json(action.model_dump(mode="json", by_alias=True))


def test_noop_projections_share_no_list() -> None:
    first, second = NoOp(id="a"), NoOp(id="b")
    first.flat()["groups"].append("x")
    assert second.flat()["groups"] == []
    assert first.flat()["groups"] == []


def test_kinds_are_ordered_as_declared() -> None:
    from reconciler.models.action_view import ActionKind

    assert [kind.order for kind in ActionKind] == list(range(len(ActionKind)))
    assert ActionKind.RESOLVE.order < ActionKind.CANCEL.order < ActionKind.NOOP.order
