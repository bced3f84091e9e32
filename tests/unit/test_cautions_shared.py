"""Shared-number warnings: the fast "nothing shared" check must never hide a real warning."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.models.campaign import Campaign, SourceRef
from reconciler.plan.cautions import shared_number_warnings

NUMBERS = [f"+30691000000{i}" for i in range(6)]


def campaign(index: int, numbers: list[str], cancel: bool) -> Campaign:
    return Campaign(
        id=f"c{index}",
        revision=1,
        cancel=cancel,
        label=f"c{index}",
        request={"to": numbers},
        spec_hash="sha256:x",
        decl_hash="sha256:y",
        source=SourceRef(f"campaigns/c{index}.yaml", 1, 1),
    )


def reference(campaigns: list[Campaign]) -> list[tuple[str, str]]:
    """The pairs the original algorithm reports: each number belongs to its first campaign."""
    owner: dict[str, str] = {}
    pairs: set[tuple[str, str]] = set()
    for c in sorted(campaigns, key=lambda c: c.id):
        for number in [] if c.cancel else c.numbers:
            first = owner.setdefault(number, c.id)
            if first != c.id:
                pairs.add((first, c.id))
    return sorted(pairs)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(NUMBERS), unique=True, max_size=4), st.booleans()),
        max_size=5,
    )
)
def test_warnings_name_exactly_the_pairs_that_share(spec: list[tuple[list[str], bool]]) -> None:
    campaigns = [campaign(i, numbers, cancel) for i, (numbers, cancel) in enumerate(spec)]
    warned = sorted(
        (p.id or "", p.message.split(" in both ")[1].split(" and ")[1].split(" ")[0])
        for p in shared_number_warnings(campaigns)
    )
    assert warned == reference(campaigns)


def test_no_sharing_no_warning_and_sharing_is_counted() -> None:
    assert (
        shared_number_warnings([campaign(1, NUMBERS[:3], False), campaign(2, NUMBERS[3:], False)])
        == []
    )
    [warning] = shared_number_warnings(
        [campaign(1, NUMBERS[:3], False), campaign(2, NUMBERS[1:], False)]
    )
    assert warning.message == f"2 numbers are in both c1 and c2 (e.g. {NUMBERS[1]})"
