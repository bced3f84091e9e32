"""A state read straight from its bytes (pydantic's JSON parser) is the state the checked path
reads, and anything odd falls back to the checks that name the problem (state/store.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.models.state import CampaignRecord, State, Submission
from reconciler.state.errors import StateCorrupt, StateFutureVersion
from reconciler.state.store import _from_json, parse_state, render_state

REQUEST = '"respectQuietHours": true'


def state_bytes() -> bytes:
    submission = Submission(
        seq=1,
        revision=1,
        submission_name="a-1",
        tracking_id="t",
        spec_hash="sha256:x",
        decl_hash="sha256:y",
        request={"respectQuietHours": True, "to": ["+306900000001"]},
        submitted_at="2026-11-27T00:00:00Z",
    )
    state = State(lineage="l", workspace="w", endpoint="https://api.example")
    state.campaigns["a"] = CampaignRecord(
        id="a", source="campaigns/a.yaml", submissions=[submission]
    )
    return render_state(state)


@pytest.mark.parametrize(
    "value", ["true", "NaN", "Infinity", "1e400", "12345678901234567890123", "1.5e-400", "-0"]
)
def test_the_bytes_read_directly_give_the_checked_state(value: str) -> None:
    raw = state_bytes().replace(REQUEST.encode(), f'"respectQuietHours": {value}'.encode())
    fast = _from_json(raw)
    assert fast is not None
    slow = State.model_validate(json.loads(raw))
    assert fast.model_dump_json() == slow.model_dump_json()


@pytest.mark.parametrize(
    "edit",
    [
        lambda raw: b"\xef\xbb\xbf" + raw,  # a byte order mark
        lambda raw: raw + b" x",  # trailing garbage
        lambda raw: raw.replace(b'"lineage": "l"', b'"lineage": "\\ud800"'),  # lone surrogate
        lambda raw: raw.replace(b'"formatVersion": 1', b'"formatVersion": 2'),
        lambda raw: raw.replace(b'"seq": 1', b'"seq": 0'),
    ],
)
def test_anything_odd_is_left_to_the_checks(edit: Callable[[bytes], bytes]) -> None:
    assert _from_json(edit(state_bytes())) is None


def test_the_checks_still_name_the_problem() -> None:
    raw = state_bytes()
    with pytest.raises(StateFutureVersion):
        parse_state(raw.replace(b'"formatVersion": 1', b'"formatVersion": 2'), Path("s.json"))
    with pytest.raises(StateCorrupt, match=r"s\.json:1:1: not valid JSON"):
        parse_state(b"\xef\xbb\xbf" + raw, Path("s.json"))
