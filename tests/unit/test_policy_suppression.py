"""Suppression lists: parsing with located problems, reading files, screening numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.load.suppression import read_suppression_lists
from reconciler.policy.suppression import Entry, parse_suppression, screen

SOURCE = "suppressions/dnc.csv"


def test_plain_rows_with_reason_and_since() -> None:
    text = "+306912345678,asked not to be called,2027-01-15\n\n+30 694 555 0101\n"
    listed = parse_suppression(text, SOURCE)
    assert listed.problems == []
    assert listed.entries["+306912345678"] == Entry(
        "+306912345678", SOURCE, 1, "asked not to be called", "2027-01-15"
    )
    assert listed.entries["+306945550101"].line == 3


def test_a_header_may_order_the_columns() -> None:
    text = "since,phone,reason\n2027-01-01T10:00:00+02:00,+447400123401,complaint\n"
    # The first cell of a header is the number column's name; here it is not, so the first
    # row is read as data and its number cell is not a number.
    assert parse_suppression(text, SOURCE).problems
    text = "Number,Reason,Since\n+447400123401,complaint,2027-01-01T10:00:00+02:00\n"
    listed = parse_suppression(text, SOURCE)
    assert listed.entries["+447400123401"].reason == "complaint"
    text = "number,since\n+447400123401,2027-02-01\n"
    assert parse_suppression(text, SOURCE).entries["+447400123401"].since == "2027-02-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+306912345678\n0030691\n", f"{SOURCE}:2:1: suppress: '0030691' is not in international"),
        ("number\n,reason\n", f"{SOURCE}:2:1: suppress: first column is empty"),
        ("+306912345678,x,yesterday\n", f"{SOURCE}:1:3: suppress: since 'yesterday' is not a date"),
        ("+306912345678,x,2027-01-01T10:00:00\n", f"{SOURCE}:1:3: suppress: since"),
        ('+306912345678,"unclosed\n', f"{SOURCE}:1:1: suppress: unexpected end of data"),
    ],
)
def test_problems_name_the_line(text: str, expected: str) -> None:
    problems = parse_suppression(text, SOURCE).problems
    assert next(str(p) for p in problems).startswith(expected)


def test_the_first_listing_of_a_number_wins() -> None:
    listed = parse_suppression("+306912345678,first\n+306912345678,second\n", SOURCE)
    assert listed.entries["+306912345678"].reason == "first"


def test_screen_keeps_order_and_reports_the_dropped() -> None:
    listed = parse_suppression("+306912345678\n", SOURCE).entries
    screened = screen(["+306912345679", "+306912345678", "+306912345670"], listed)
    assert screened.kept == ("+306912345679", "+306912345670")
    assert [e.number for e in screened.suppressed] == ["+306912345678"]
    assert screen(["+306912345678"], {}).kept == ("+306912345678",)


@given(
    st.lists(st.integers(0, 99), max_size=30),
    st.sets(st.integers(0, 99), max_size=30),
)
def test_no_suppressed_number_is_kept(numbers: list[int], listed: set[int]) -> None:
    def e164(n: int) -> str:
        return f"+3069123456{n:02d}"

    text = "".join(f"{e164(n)}\n" for n in sorted(listed))
    entries = parse_suppression(text, SOURCE).entries
    screened = screen([e164(n) for n in numbers], entries)
    assert not set(screened.kept) & set(entries)
    assert len(screened.kept) + len(screened.suppressed) == len(numbers)
    assert screened.kept == tuple(e164(n) for n in numbers if n not in listed)


def test_reading_files_from_the_project(tmp_path: Path) -> None:
    (tmp_path / "suppressions").mkdir()
    (tmp_path / "suppressions" / "a.csv").write_text("+306912345678\n")
    (tmp_path / "b.csv").write_text("+447400123401\n+306912345678\n")
    listed = read_suppression_lists(tmp_path, ["suppressions/a.csv", "b.csv"])
    assert listed.problems == []
    assert listed.entries["+306912345678"].source == "suppressions/a.csv"
    assert set(listed.entries) == {"+306912345678", "+447400123401"}


def test_a_list_that_cannot_be_read_is_a_problem(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("+306912345678\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.csv").symlink_to(outside)
    (project / "bad.csv").write_bytes(b"+306912345678\n\xff\n")
    (project / "dir.csv").mkdir()
    listed = read_suppression_lists(project, ["missing.csv", "link.csv", "bad.csv", "dir.csv"])
    messages = [str(p) for p in listed.problems]
    assert messages[0].startswith("missing.csv:1:1: suppress: file not found")
    assert messages[1].startswith("link.csv:1:1: suppress: leads outside the project")
    assert messages[2].startswith("bad.csv:2:1: suppress: not UTF-8")
    assert messages[3].startswith("dir.csv:1:1: suppress: file not found")
    assert listed.entries == {}


def test_a_problem_is_one_line_whatever_the_list_is_named(tmp_path: Path) -> None:
    """campaigns.toml names the list; a pull request can name it with a line break."""
    name = "a\nPlan: 0 to send.csv"
    (tmp_path / name).write_text("+30xx\n")
    listed = read_suppression_lists(tmp_path, [name])
    assert [p.source for p in listed.problems] == [name]  # the value keeps the real name
    (shown,) = (str(p) for p in listed.problems)
    assert "\n" not in shown and shown.startswith("a\\u000aPlan: 0 to send.csv:1:1: suppress: ")
