"""The per-campaign shortcuts of the load (issue 15, docs/scaling.md) give exactly what the long
way gives: numbers, reading a file, the nesting bound."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from reconciler.models import declaration, phone


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
