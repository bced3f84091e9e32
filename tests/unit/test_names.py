from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.plan.names import NAME_PATTERN, routee_label, submission_name, submission_tag

LINEAGE = "0b7c6d0e-1111-4222-8333-444455556666"


def test_name_is_label_dash_tag() -> None:
    name = submission_name("Spring promo", LINEAGE, "spring", 1)
    assert re.fullmatch(r"Spring promo-[a-z2-7]{8}", name)


def test_name_is_deterministic_and_depends_on_lineage_id_and_seq() -> None:
    base = submission_name("x", LINEAGE, "a", 1)
    assert base == submission_name("x", LINEAGE, "a", 1)
    assert base != submission_name("x", LINEAGE, "a", 2)
    assert base != submission_name("x", LINEAGE, "b", 1)
    assert base != submission_name("x", "other-lineage", "a", 1)


def test_tag_ignores_label() -> None:
    assert (
        submission_name("one", LINEAGE, "a", 1)[-8:] == submission_name("two", LINEAGE, "a", 1)[-8:]
    )


def test_tag_matches_the_documented_derivation() -> None:
    import base64
    import hashlib

    raw = hashlib.sha256(f"{LINEAGE}\0a\0{3}".encode()).digest()
    assert submission_tag(LINEAGE, "a", 3) == base64.b32encode(raw).decode()[:8].lower()


def test_label_reduced_to_routee_alphabet() -> None:
    assert routee_label("Spring_promo!! (Athens)") == "Spring-promo-Athens"
    assert routee_label("Café   été") == "Cafe ete"
    assert routee_label("--__--") == "c"
    assert routee_label("a - b") == "a-b"
    assert routee_label("") == "c"
    assert routee_label("Ωμέγα") == "c"


def test_long_label_shortened_to_21_without_trailing_separator() -> None:
    label = routee_label("abcdefghijklmnopqrst uvwxyz")
    assert label == "abcdefghijklmnopqrst"
    assert len(routee_label("x" * 50)) == 21
    assert len(submission_name("x" * 50, LINEAGE, "a", 1)) == 30


@settings(max_examples=200)
@given(label=st.text(max_size=60), cid=st.text(min_size=1, max_size=20), seq=st.integers(1, 99))
def test_name_always_valid_for_routee(label: str, cid: str, seq: int) -> None:
    name = submission_name(label, LINEAGE, cid, seq)
    assert NAME_PATTERN.fullmatch(name)
    assert 2 <= len(name) <= 30
