"""A fast, exact answer to "is this E.164 number valid?" for the common case.

A plan may check a million numbers (design.md section 9). ``phonenumbers.is_valid_number`` walks
up to eleven number-type descriptions per number, each through several Python calls; this module
asks libphonenumber's *own metadata* the same question with one precompiled regex per
(region, length). The answer is the same by construction:

- ``phonenumbers`` calls a number valid when its national significant number matches the
  region's general description and at least one number-type description (premium rate, toll
  free, ..., fixed line, mobile), each match being "length among ``possible_length`` (when any)
  and the pattern matches the whole number";
- mobile is skipped when the metadata says mobile and fixed line share a pattern, as there;
- the type patterns allowed for one length are joined into one alternation, and a whole-string
  match of ``A|B`` is exactly "A or B matches the whole string".

Anything outside the easy case answers ``None`` and the caller asks ``phonenumbers`` itself:
calling codes shared by several regions (+1, +7, +44, ...), non-geographic codes, national
numbers with a leading zero, and patterns this module does not want to combine (backreferences).
``tests/unit/test_phone.py`` compares both answers on every region's example numbers and on
random digits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonenumbers.phonemetadata import PhoneNumberDesc

Check = Callable[[str], bool]

#: Type descriptions in the order ``phonenumbers`` tries them (``_number_type_helper``).
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


@functools.cache
def _regions() -> dict[int, tuple[str, ...]]:
    """libphonenumber's calling codes and their regions (imported on first use: a plan of
    unchanged campaigns checks no number and need not import phonenumbers, design.md 9)."""
    import phonenumbers

    return phonenumbers.COUNTRY_CODE_TO_REGION_CODE


def calling_code(digits: str) -> tuple[int, str] | None:
    """Split E.164 digits (no ``+``) into calling code and national number; None if unknown."""
    split = _code_of(digits[:3])  # calling codes are prefix-free and at most 3 digits long
    return None if split is None else (split[0], digits[split[1] :])


@functools.cache
def _code_of(prefix: str) -> tuple[int, int] | None:
    """The calling code that ``prefix`` (the first three digits) starts with, and its length."""
    regions = _regions()
    for size in (1, 2, 3):
        code = int(prefix[:size])
        if code in regions:
            return code, size
    return None


def fast_valid(digits: str) -> bool | None:
    """Whether ``+<digits>`` is a valid number, or None when only ``phonenumbers`` can tell."""
    found = _checker(digits[:3], len(digits))
    if found is None:
        return None
    size, check = found
    return None if digits[size] == "0" else check(digits[size:])


@functools.cache
def _checker(prefix: str, length: int) -> tuple[int, Check] | None:
    """For numbers of ``length`` digits starting with ``prefix`` (their first three): the length
    of their calling code and the test of their national number, or None when there is none
    (one lookup per number instead of a split and a lookup)."""
    split = _code_of(prefix)
    if split is None or length == split[1]:
        return None
    code, size = split
    check = _check(code, length - size)
    return None if check is None else (size, check)


@functools.cache
def _check(code: int, length: int) -> Check | None:
    """The validity test for national numbers of ``length`` digits under calling code ``code``."""
    import phonenumbers
    from phonenumbers import PhoneMetadata

    regions = _regions().get(code, ())
    if len(regions) != 1 or regions[0] == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        return None
    metadata = PhoneMetadata.metadata_for_region(regions[0], None)
    if metadata is None or metadata.country_code != code:
        return None
    general = _pattern(metadata.general_desc, length)
    types = [getattr(metadata, name) for name in _TYPES]
    if metadata.same_mobile_and_fixed_line_pattern:
        types.pop()  # phonenumbers never tries mobile then
    patterns = [p for p in (_pattern(desc, length) for desc in types) if p is not None]
    if any(_BACKREFERENCE.search(p) for p in [*patterns, general or ""]):
        return None
    if general is None or not patterns:
        return _never
    return _Valid(general, "|".join(f"(?:{p})" for p in patterns))


class _Valid:
    """A national number matches the general pattern and one of the type patterns."""

    def __init__(self, general: str, types: str) -> None:
        self.general, self.types = general, types
        self.general_re, self.types_re = re.compile(general), re.compile(types)

    def __call__(self, national: str) -> bool:
        return (
            self.general_re.fullmatch(national) is not None
            and self.types_re.fullmatch(national) is not None
        )


def valid_e164(raw: str) -> bool:
    """Whether ``raw`` is a valid number written in E.164 with one regex (what most numbers of a
    plan are); False where :func:`fast_valid` would not answer True, so ask the long way then."""
    pattern = _e164_pattern(raw[1:4], len(raw))
    return pattern is not None and pattern.fullmatch(raw) is not None


@functools.cache
def _e164_pattern(prefix: str, length: int) -> re.Pattern[str] | None:
    """One regex for ``+<digits>`` of ``length`` characters whose digits start with ``prefix``:
    the shape E.164 allows (7 to 15 ASCII digits), the calling code, a national number without
    a leading zero, and :func:`fast_valid`'s two patterns (both must match the whole of it)."""
    if not (prefix.isascii() and prefix.isdigit() and prefix[0] != "0" and 8 <= length <= 16):
        return None
    found = _checker(prefix, length - 1)
    if found is None:
        return None
    size, valid = found
    if not isinstance(valid, _Valid):  # no pattern allows this length: the long way says why
        return None
    national = rf"(?=[1-9][0-9]*\Z)(?=(?:{valid.general})\Z)(?:{valid.types})"
    return re.compile(rf"\+{prefix[:size]}{national}", re.ASCII)


def _pattern(desc: PhoneNumberDesc | None, length: int) -> str | None:
    """``desc``'s pattern if a number of ``length`` digits can match it at all, else None."""
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return str(desc.national_number_pattern)


def _never(national: str) -> bool:
    return False
