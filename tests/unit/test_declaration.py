from __future__ import annotations

from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from reconciler.models.declaration import (
    Declaration,
    Issue,
    _already_e164,
    _parse_number,
    document_issues,
    normalise_number,
    unknown_key_message,
)


def valid(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "spring-promo",
        "from": "+306900000000",
        "to": ["+30 691 000 0001"],
        "message": {"text": "Hello", "language": "en-GB"},
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors(data: dict[str, Any], languages: frozenset[str] | None = None) -> list[tuple[Any, str]]:
    context = {"languages": languages} if languages is not None else None
    try:
        Declaration.model_validate(data, context=context)
    except ValidationError as exc:
        return [(error["loc"], error["msg"]) for error in exc.errors()]
    return []


def test_normalises_numbers_to_e164() -> None:
    assert normalise_number("+30 690 000 0000") == "+306900000000"
    assert normalise_number("+44 (0) 7911 123456") == "+447911123456"
    declaration = Declaration.model_validate(valid())
    assert declaration.to == ["+306910000001"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("6910000001", "not in international format"),
        ("+30 123", "is not a valid phone number"),
        ("+", "is not a phone number"),
    ],
)
def test_rejects_bad_numbers(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_number(raw)


def test_valid_declaration_keeps_defaults() -> None:
    declaration = Declaration.model_validate(
        valid(fileURL=None, message={"text": "x", "language": "el-GR"})
    )
    assert (declaration.revision, declaration.cancel, declaration.sender) == (
        1,
        False,
        "+306900000000",
    )


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"id": "-leading-dash"}, ("id",), "must be 1-64 letters"),
        ({"id": "x" * 65}, ("id",), "must be 1-64 letters"),
        ({"revision": 0}, ("revision",), "greater than or equal to 1"),
        ({"cancel": "yes"}, ("cancel",), "valid boolean"),
        ({"campaignName": "A"}, ("campaignName",), "2-30 Latin letters"),
        ({"campaignName": "Promo ünïcode"}, ("campaignName",), "2-30 Latin letters"),
        ({"from": "ABCDEFGHIJKL"}, ("from",), "alphanumeric (up to 11"),
        ({"from": "+12345678901234567"}, ("from",), "numeric (up to 16 digits"),
        ({"from": 306900000000}, ("from",), "valid string"),
        (
            {"message": {"text": "x" * 1001, "language": "en-GB"}},
            ("message", "text"),
            "at most 1000",
        ),
        (
            {"message": {"text": "x", "language": "en-GB", "gender": "other"}},
            ("message", "gender"),
            "'male' or 'female'",
        ),
        ({"scheduledDate": "2027-03-01T09:00:00"}, ("scheduledDate",), "date-time with a zone"),
        (
            {"scheduledDate": "2027-02-30T09:00:00Z"},
            ("scheduledDate",),
            "February 2027 has 28 days",
        ),
        ({"scheduledDate": "2027-03-01T09:00:00.5Z"}, ("scheduledDate",), "date-time with a zone"),
        (
            {"callback": {"strategy": "Always", "url": "https://h.example.com"}},
            ("callback", "strategy"),
            "'OnChange' or 'OnCompletion'",
        ),
        (
            {"callback": {"strategy": "OnChange", "url": "ftp://h.example.com"}},
            ("callback", "url"),
            "absolute http(s) URL",
        ),
        ({"fileURL": "https://cdn.example.com/a.mp3", "message": None}, ("fileURL",), ".wav"),
        ({"fileURL": "http://cdn.example.com/a.wav", "message": None}, ("fileURL",), "https URL"),
        ({"hangupDelay": 0}, ("hangupDelay",), "from 1 to 2147483647 (int32), not 0"),
        ({"hangupDelay": 2.5}, ("hangupDelay",), "not the fraction 2.5"),
        ({"hangupDelay": float("inf")}, ("hangupDelay",), "not infinity"),
        ({"hangupDelay": float("nan")}, ("hangupDelay",), "not NaN"),
        ({"hangupDelay": 2**31}, ("hangupDelay",), f"not {2**31}"),
        ({"hangupDelay": True}, ("hangupDelay",), "valid integer"),
        (
            {"collectDtmfAwaitSeconds": 1e300, "collectDtmfDigits": True},
            ("collectDtmfAwaitSeconds",),
            "not 1e+300",
        ),
        (
            {"collectDtmfAwaitSeconds": -1, "collectDtmfDigits": True},
            ("collectDtmfAwaitSeconds",),
            "from 0 to 2147483647 (int32), not -1",
        ),
        ({"groups": ["x"]}, ("groups", 0), "at least 2 characters"),
        ({"to": ["+306910000001", 306910000002]}, ("to", 1), "valid string"),
        # Strict strings: matched whole, no trailing newline, no control characters.
        (
            {"id": "promo\n"},
            ("id",),
            "one line without control characters (found U+000A at the end)",
        ),
        ({"from": "ACME\n"}, ("from",), "found U+000A at the end"),
        ({"from": "+306900000000\n"}, ("from",), "found U+000A"),
        ({"campaignName": "Promo\n"}, ("campaignName",), "found U+000A"),
        ({"campaignName": "Pro\x1bmo"}, ("campaignName",), "U+001B at character 4"),
        ({"scheduledDate": "2027-03-01T09:00:00Z\n"}, ("scheduledDate",), "found U+000A"),
        ({"to": ["+306910000001\n"]}, ("to", 0), "found U+000A"),
        ({"groups": ["vip\r"]}, ("groups", 0), "found U+000D"),
        ({"contacts": ["c1\x85"]}, ("contacts", 0), "found U+0085"),
        (
            {"callback": {"strategy": "OnChange", "url": "https://h.example.com/\n"}},
            ("callback", "url"),
            "found U+000A",
        ),
        (
            {"message": {"text": "Hi\x1b[2J", "language": "en-GB"}},
            ("message", "text"),
            "control characters (found U+001B)",
        ),
        (
            {"message": {"text": "Hi", "language": "en-GB\n"}},
            ("message", "language"),
            "found U+000A",
        ),
    ],
)
def test_field_rules(changes: dict[str, Any], loc: tuple[Any, ...], message: str) -> None:
    found = errors(valid(**changes))
    assert [error_loc for error_loc, _ in found] == [loc]
    assert message in found[0][1]


def test_accepts_documented_formats() -> None:
    ok = valid(
        scheduledDate="2027-03-01T09:00:00.250+02:00",
        fileURL="https://cdn.example.com/a.WAV?v=2",
        message=None,
        campaignName="Spring promo - 2027",
        callback={"strategy": "OnCompletion", "url": "http://127.0.0.1:8080/cb"},
        collectDtmfDigits=True,
        collectDtmfAwaitSeconds=5,
        hangupDelay=30,
        **{"from": "Routee"},
    )
    assert errors(ok) == []


def test_languages_come_from_context() -> None:
    data = valid(message={"text": "Ahoj", "language": "cs-CZ"})
    assert errors(data) != []
    assert errors(data, frozenset({"cs-CZ"})) == []
    found = errors(valid(message={"text": "x", "language": "el-Gr"}))
    assert "did you mean el-GR?" in found[0][1]


def test_unknown_keys_are_errors_with_a_suggestion() -> None:
    assert errors(valid(respectQuiteHours=True)) == [
        (("respectQuiteHours",), "Extra inputs are not permitted")
    ]
    assert (
        unknown_key_message((), "respectQuiteHours")
        == "unknown key; did you mean respectQuietHours?"
    )
    assert unknown_key_message(("message",), "langauge") == "unknown key; did you mean language?"
    assert unknown_key_message((), "zzz") == "unknown key"


def test_document_issues() -> None:
    assert document_issues(valid()) == []
    both = valid(fileURL="https://cdn.example.com/a.wav")
    assert document_issues(both) == [
        Issue(("fileURL",), "set either message or fileURL, not both", "key")
    ]
    neither = valid(message=None)
    assert [i.message for i in document_issues(neither)] == [
        "one of message or fileURL is required"
    ]
    empty = valid(to=[])
    assert [i.loc for i in document_issues(empty)] == [("to",)]
    assert document_issues(valid(to=None, toFile="r.csv")) == []
    dtmf = valid(collectDtmfAwaitSeconds=3, collectDtmfDigits=False)
    assert [i.loc for i in document_issues(dtmf)] == [("collectDtmfAwaitSeconds",)]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True))
def test_e164_fast_path_agrees_with_phonenumbers(raw: str) -> None:
    try:
        slow: str | None = _parse_number(raw)
    except ValueError:
        slow = None
    fast = _already_e164(raw)
    assert fast is None or fast == slow


@pytest.mark.parametrize("raw", ["+390612345678", "+447911123456", "+12025550123", "+306910000001"])
def test_fast_path_takes_canonical_numbers(raw: str) -> None:
    assert _already_e164(raw) == raw == _parse_number(raw)


def test_fast_path_agrees_on_every_region_example() -> None:
    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            raw = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            assert _already_e164(raw) == _parse_number(raw) == raw
            checked += 1
    assert checked > 400


def test_text_may_span_lines() -> None:
    assert errors(valid(message={"text": "Line one.\nLine two.\tEnd.", "language": "en-GB"})) == []
