"""The per-campaign shortcuts of issue 15 give exactly what the long way gives (docs/scaling.md):
labels already in Routee's alphabet, the 5-byte submission tag, chunked checksums and output."""

from __future__ import annotations

import base64
import contextlib
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
from pydantic_core import PydanticCustomError

from reconciler.canonical import digest
from reconciler.config import load_config
from reconciler.models import declaration, phone
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


def checked_the_long_way(value: str) -> tuple[str, str]:
    """What a ``to`` entry gave before the shortcut: SingleLine, then normalise_number."""
    try:
        declaration._single_line(value)
        return "ok", declaration.normalise_number(value)
    except PydanticCustomError as exc:
        return exc.type, exc.message()
    except ValueError as exc:
        return "phone_number", str(exc)


def checked(value: str) -> tuple[str, str]:
    try:
        return "ok", declaration._phone_number(value)
    except PydanticCustomError as exc:
        return exc.type, exc.message()


NUMBERS = [
    "+306940000000",
    "+30694000000",
    "+3069400000000",
    "+30 694 000 0000",
    "+306940000000\n",
    "+30694\x00000000",
    "+12015550123",
    "+447700900123",
    "+442079460000",
    "+390612345678",
    "+4930123456",
    "+300694000000",
    "306940000000",
    "+٣٠٦٩٤٠٠٠٠٠٠٠",
    "",
    "+",
]


@pytest.mark.parametrize("value", NUMBERS)
def test_a_number_is_checked_as_before(value: str) -> None:
    assert checked(value) == checked_the_long_way(value)


@settings(max_examples=300)
@given(
    st.sampled_from(["+30", "+1", "+44", "+39", "+7", "+800", "+979", "+"]),
    st.text("0123456789 \n-", max_size=14),
)
def test_generated_numbers_are_checked_as_before(code: str, rest: str) -> None:
    assert checked(code + rest) == checked_the_long_way(code + rest)


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
    ("size", "data", "limit", "expected"),
    [
        (0, b"", 10, b""),
        (5, b"12345", 5, b"12345"),
        (5, b"123456", 5, None),  # grew past the limit after fstat
        (0, b"x" * 200_000, 300_000, b"x" * 200_000),  # grew: read on in chunks
        (0, b"x" * 200_000, 100_000, None),
    ],
)
def test_a_file_is_read_to_its_end_and_no_further_than_the_limit(
    size: int, data: bytes, limit: int, expected: bytes | None
) -> None:
    import os
    import threading

    from reconciler.load.source import _read_to_end

    reader, writer = os.pipe()

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError):  # the reader stopped at the limit
            os.write(writer, data)
        os.close(writer)

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        assert _read_to_end(reader, size, limit) == expected
    finally:
        os.close(reader)
        feeder.join()


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


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in [*value.keys(), *value.values()]), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


nested = st.recursive(
    st.sampled_from(["x", "a b", "-1", "", None, 1]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner),
    max_leaves=30,
)


@settings(max_examples=300)
@given(nested, st.sampled_from([None, True, False]))
def test_no_text_nests_deeper_than_its_collection_openers(value: Any, flow: bool | None) -> None:
    from ruamel.yaml import YAML

    from reconciler.load.source import collection_openers
    from reconciler.load.yaml_loader import load_documents

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    text = io.StringIO()
    yaml.dump(value, text)
    [loaded] = load_documents(text.getvalue())
    assert depth(loaded) <= collection_openers(text.getvalue())


@pytest.mark.parametrize(
    "text",
    [
        "[" * 1001,
        "{a: " * 1001,
        "- " * 1001 + "x",
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 1002)),
    ],
)
def test_a_text_with_more_openers_than_the_depth_limit_is_still_measured(text: str) -> None:
    from reconciler.load.source import (
        MAX_DEPTH,
        SourceFile,
        collection_openers,
        nesting_bound,
        parse_yaml,
    )

    assert collection_openers(text) > MAX_DEPTH
    parsed = parse_yaml(SourceFile(path=Path("x.yaml"), rel="x.yaml"), text)
    refused = [f for f in parsed.findings if f.message.startswith("nests more than")]
    assert bool(refused) == (nesting_bound(text) > MAX_DEPTH)


def valid_the_long_way(raw: str) -> bool:
    """What _phone_number's shortcut asked before: E.164's shape, then fast_valid's answer."""
    shape = declaration._E164.fullmatch(raw)
    return shape is not None and phone.fast_valid(shape.group(1)) is True


def test_every_region_example_and_its_neighbours_get_the_same_answer() -> None:
    import phonenumbers

    valid = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(12):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            raw = phonenumbers.format_number(example, 0)
            last = str((int(raw[-1]) + 1) % 10)
            for variant in (raw, raw[:-1], raw + "5", raw[:-1] + last, raw + "\n", " " + raw):
                assert phone.valid_e164(variant) == valid_the_long_way(variant), variant
                valid += phone.valid_e164(variant)
    assert valid > 1000  # the one-regex path really answers for most regions


@settings(max_examples=500)
@given(st.text("+0123456789٣ \n", max_size=18))
def test_any_text_gets_the_same_answer(raw: str) -> None:
    assert phone.valid_e164(raw) == valid_the_long_way(raw)


@settings(max_examples=300)
@given(
    st.sampled_from(["+30", "+31", "+49", "+33", "+357", "+1", "+7"]),
    st.text("0123456789", max_size=14),
)
def test_numbers_under_common_codes_get_the_same_answer(code: str, rest: str) -> None:
    assert phone.valid_e164(code + rest) == valid_the_long_way(code + rest)
