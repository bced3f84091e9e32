"""The fast validity check must give libphonenumber's own answer whenever it answers at all."""

from __future__ import annotations

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.models.declaration import normalise_number
from reconciler.models.phone import calling_code, fast_valid


def reference(digits: str) -> bool | None:
    """``phonenumbers.is_valid_number`` for ``+<digits>``, None where fast_valid never answers."""
    split = calling_code(digits)
    if split is None or not split[1] or split[1][0] == "0":
        return None
    code, national = split
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    return bool(phonenumbers.is_valid_number(number))


def example_digits() -> list[str]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(12):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.append(phonenumbers.format_number(example, 0)[1:])
    return found


def test_every_region_example_and_its_neighbours_agree() -> None:
    answered = 0
    for digits in example_digits():
        last = str((int(digits[-1]) + 1) % 10)
        for variant in (digits, digits[:-1], digits + "5", digits[:-1] + last):
            fast = fast_valid(variant)
            if fast is not None:
                answered += 1
                assert fast == reference(variant), variant
    assert answered > 2000  # the fast path really covers most regions


def test_greek_mobile_is_valid_and_short_number_is_not() -> None:
    assert fast_valid("306912345678") is True
    assert fast_valid("3069123") is False


def test_shared_calling_codes_and_leading_zeros_are_left_to_phonenumbers() -> None:
    assert fast_valid("12025550123") is None  # +1 is shared by many regions
    assert fast_valid("447911123456") is None  # +44: GB, GG, IM, JE
    assert fast_valid("390612345678") is None  # Italian leading zero
    assert fast_valid("99912345") is None  # no such calling code


@settings(max_examples=400, deadline=None)
@given(
    code=st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    rest=st.text("0123456789", min_size=4, max_size=13),
)
def test_random_digits_agree(code: int, rest: str) -> None:
    digits = f"{code}{rest}"
    fast = fast_valid(digits)
    if fast is not None:
        assert fast == reference(digits)


@settings(max_examples=200, deadline=None)
@given(rest=st.text("0123456789", min_size=8, max_size=8))
def test_normalise_number_keeps_its_answers(rest: str) -> None:
    raw = f"+3069{rest}"
    parsed = phonenumbers.parse(raw, None)
    expected = phonenumbers.is_valid_number(parsed)
    try:
        assert normalise_number(raw) == raw
        assert expected
    except ValueError:
        assert not expected
