"""The per-campaign shortcuts of the plan, its policy checks and its text (issue 15,
docs/scaling.md) give exactly what the long way gives."""

from __future__ import annotations

import base64
import hashlib
import io
import unicodedata
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.canonical import digest
from reconciler.config import load_config
from reconciler.models.actions import Forget, NoOp
from reconciler.models.plan import Plan
from reconciler.models.policy import CampaignCheck, PolicyReport
from reconciler.plan import names
from reconciler.plan.seal import plan_checksum
from reconciler.policy.frequency import Call
from reconciler.policy.report import Send, check_sends
from reconciler.policy.settings import Policy
from reconciler.render.buffer import Lines, chunked


def long_label(label: str) -> str:
    """routee_label's steps, without its shortcut."""
    decomposed = unicodedata.normalize("NFKD", label)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    reduced = names._OUTSIDE_ALPHABET.sub("-", ascii_only)
    reduced = names._SPACE_RUNS.sub(" ", names._DASH_RUNS.sub("-", reduced)).strip(" -")
    return reduced[: names.MAX_LABEL].rstrip(" -") or "c"


@settings(max_examples=500)
@given(st.text(alphabet="aZ09 -_.é\u0301\u00a0ﬁ", max_size=30))
def test_a_label_is_reduced_as_before(label: str) -> None:
    assert names.routee_label(label) == long_label(label)


@pytest.mark.parametrize(
    "label", ["Bench 00001", "a-b", "a - b", "a--b", " a", "a ", "x" * 21, "x" * 22, "Café"]
)
def test_labels_at_the_edges_of_the_shortcut(label: str) -> None:
    assert names.routee_label(label) == long_label(label)


@given(st.text(max_size=40), st.text(max_size=70), st.integers(min_value=1, max_value=10**6))
def test_the_tag_is_the_first_eight_base32_characters_of_the_digest(
    lineage: str, campaign_id: str, seq: int
) -> None:
    whole = hashlib.sha256(f"{lineage}\0{campaign_id}\0{seq}".encode()).digest()
    expected = base64.b32encode(whole).decode("ascii")[:8].lower()
    assert names.submission_tag(lineage, campaign_id, seq) == expected


def whole_digest(plan: Plan) -> str:
    data: dict[str, Any] = plan.model_dump(mode="json", by_alias=True)
    return digest({k: v for k, v in data.items() if k not in ("checksum", "generatedAt")})


@pytest.mark.parametrize("count", [255, 256, 257, 600])
def test_a_checksum_hashed_in_chunks_is_the_digest_of_the_whole_plan(count: int) -> None:
    checks = tuple(
        CampaignCheck(
            id=f"c{i}", ring_time="2031-03-01T09:00:00+00:00", immediate=False, declared=i
        )
        for i in range(count)
    )
    plan = Plan(
        workspace="w",
        lineage="l",
        serial=1,
        generated_at="2031-01-01T00:00:00+00:00",
        actions=tuple(
            # runs of forgets (dumped in chunks) between no-ops (written from their template)
            NoOp(id=f"c{i}", notes=("ü",) * (i % 3))
            if (i < 30 and i % 7 == 0) or i in (257, 258, count - 1)
            else Forget(id=f"c{i}", source=f"campaigns/c{i}.yaml:1:1", notes=("«x»",) * (i % 2))
            for i in range(count)
        ),
        policy=PolicyReport(currency="EUR", campaigns=checks),
    )
    assert plan_checksum(plan) == whole_digest(plan)


def test_lines_are_written_in_chunks_and_all_of_them_at_the_end() -> None:
    out = io.StringIO()
    lines = Lines(out, chunk=3)
    lines.writelines(f"{i}\n" for i in range(7))
    assert out.getvalue() == "0\n1\n2\n3\n4\n5\n"
    lines.flush()
    assert out.getvalue() == "".join(f"{i}\n" for i in range(7))


def test_what_was_rendered_before_an_error_is_still_written() -> None:
    out = io.StringIO()
    with pytest.raises(RuntimeError), chunked(out) as lines:
        lines.write("first\n")
        raise RuntimeError
    assert out.getvalue() == "first\n"


PRICES = '[prices]\ncurrency = "EUR"\ndefault = 0.02\nGR = 0.012\n'
MONDAY_NOON = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def no_calls(numbers: Collection[str]) -> list[Call]:
    return []


def each_alone(sends: list[Send], policy: Policy, now: datetime) -> list[CampaignCheck]:
    """Every send checked in a report of its own: nothing shared between campaigns."""
    return [check_sends([send], no_calls, policy, now).campaigns[0] for send in sends]


def test_campaigns_sharing_zones_ring_times_and_costs_are_checked_as_if_alone(
    tmp_path: Path,
) -> None:
    (tmp_path / "campaigns.toml").write_text(PRICES)
    policy = load_config(tmp_path).policy("production")
    gr, ny, london = "+306912345678", "+12125550123", "+442079460000"
    text = {"text": "one two three", "language": "en-GB"}
    cases: list[dict[str, Any]] = [
        {"to": [gr]},
        {"to": [gr[:-1] + "9"]},  # the same zone and ring time: shared rows
        {"to": [gr], "scheduledDate": "2027-03-01T19:30:00+00:00"},  # outside
        {"to": [gr], "scheduledDate": "2027-03-01T21:30:00+02:00"},  # the same instant
        {"to": [gr, ny]},
        {"to": [ny, gr]},
        {"to": [london, gr], "collectDtmfAwaitSeconds": 5},
        {"to": [gr, gr[:-1] + "1"]},
    ]
    sends = [
        Send(str(i), {"from": "+306900000000", "message": text, **fields}, len(fields["to"]))
        for i, fields in enumerate(cases)
    ]
    together = check_sends(sends, no_calls, policy, MONDAY_NOON).campaigns
    assert list(together) == each_alone(sends, policy, MONDAY_NOON)
    assert together[2].outside_window == 1


def test_an_unsealed_plan_is_the_sealed_plan_without_its_checksum(tmp_path: Path) -> None:
    from reconciler.models.campaign import Campaign, SourceRef
    from reconciler.models.state import State
    from reconciler.plan.policy import plan_with_policy
    from reconciler.plan.seal import seal, verify_checksum
    from reconciler.policy.report import PolicyInputs

    (tmp_path / "campaigns.toml").write_text(PRICES)
    inputs = PolicyInputs(load_config(tmp_path).policy("production"))
    body = {"from": "+306900000000", "to": ["+306912345678"], "message": {"text": "hi"}}
    campaigns = [Campaign("a", 1, False, "a", body, digest(body), "d", SourceRef("c.yaml", 1, 1))]
    state = State(lineage="l", workspace="w", endpoint="e")
    sealed = plan_with_policy(campaigns, state, MONDAY_NOON, inputs)
    unsealed = plan_with_policy(campaigns, state, MONDAY_NOON, inputs, sealed=False)
    assert verify_checksum(sealed)
    assert unsealed.checksum == ""
    assert seal(unsealed) == sealed


@pytest.mark.parametrize(
    "numbers",
    [
        [],
        ["+306912345678"],
        ["+306912345678", "+306912345679"],
        ["+12125550123"],
        ["+306912345678", "+12125550123"],
        ["+447700900123", "+447700900124"],
    ],
)
def test_a_tally_of_one_calling_code_is_the_tally_the_long_way(numbers: list[str]) -> None:
    from collections import Counter

    from reconciler.policy import zones

    long_way: Counter[zones.Location] = Counter(zones.locate(n) for n in numbers)
    assert zones.tally(numbers) == long_way
    assert list(zones.tally(numbers)) == list(long_way)


@pytest.mark.parametrize(
    "value",
    ["a", 'é\u2028\n"', "\x00", 1, 1.5, None, True, {"b": 1, "a": [1, "x"]}, ["z", {"y": None}]],
)
def test_a_value_is_shown_as_json_dumps_shows_it(value: Any) -> None:
    import json

    from reconciler.render.changes import show

    assert show(value) == json.dumps(value, ensure_ascii=False, sort_keys=True)
