"""Suppression lists: numbers that must never be called (design.md section 11).

A list is a UTF-8 CSV file named in ``campaigns.toml`` (``[policy] suppress``)::

    number,reason,since
    +306912345678,asked not to be called,2027-01-15
    +447400123401,,

One number per row in the first column (E.164, spaces allowed as in declarations), then an
optional ``reason`` and an optional ``since`` date (``YYYY-MM-DD`` or a zoned date-time).
A header row is optional; when there is one its first cell is ``number``, ``phone`` or ``to`` and
it may put ``reason`` and ``since`` in any column. Blank rows are skipped. A row that cannot be
read is a problem with its line, never skipped in silence: a list that is half read would let
people be called. ``since`` is kept for the record (and shown); a listed number is suppressed
whatever its date, since no one can be un-asked.

This module parses text and answers questions; :mod:`reconciler.load.suppression` reads files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from reconciler.escape import for_terminal
from reconciler.models.declaration import normalise_number

NUMBER_HEADERS = frozenset({"number", "phone", "to"})
OPTIONAL_COLUMNS = ("reason", "since")


@dataclass(frozen=True)
class Entry:
    """One suppressed number and where it is listed (``source:line``)."""

    number: str
    source: str
    line: int
    reason: str = ""
    since: str = ""

    @property
    def where(self) -> str:
        """``list.csv:12``, or the source alone for an entry not read from a file (line 0)."""
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass(frozen=True)
class Problem:
    """A row that could not be read: 1-based line and column in ``source``."""

    source: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        """One line, whatever the list's name holds (as :class:`reconciler.load.findings.Finding`)."""
        line = f"{self.source}:{self.line}:{self.column}: suppress: {self.message}"
        return for_terminal(line, single_line=True)


@dataclass
class SuppressionList:
    """Every suppressed number (the first listing of each wins) and the rows in error."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        self.entries.setdefault(entry.number, entry)

    def merge(self, other: SuppressionList) -> None:
        for entry in other.entries.values():
            self.add(entry)
        self.problems.extend(other.problems)


def parse_suppression(text: str, source: str) -> SuppressionList:
    """The entries of the CSV ``text`` read from ``source`` (a project-relative path)."""
    result = SuppressionList()
    reader = csv.reader(io.StringIO(text), strict=True)
    columns: dict[str, int] = {"number": 0, "reason": 1, "since": 2}
    first = True
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if first and row[0].strip().lower() in NUMBER_HEADERS:
                columns = _header_columns(row)
            else:
                _read_row(row, columns, reader.line_num, source, result)
            first = False
    except csv.Error as exc:
        result.problems.append(Problem(source, reader.line_num, 1, str(exc)))
    return result


def _header_columns(row: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in row]
    columns = {"number": 0}
    columns.update({name: names.index(name) for name in OPTIONAL_COLUMNS if name in names})
    return columns


def _read_row(
    row: list[str], columns: Mapping[str, int], line: int, source: str, out: SuppressionList
) -> None:
    cells = {name: _cell(row, index) for name, index in columns.items()}
    try:
        number = normalise_number(cells["number"])
    except ValueError as exc:
        message = "first column is empty" if not cells["number"] else str(exc)
        out.problems.append(Problem(source, line, 1, message))
        return
    since = cells.get("since", "")
    if since and not _is_date(since):
        column = columns["since"] + 1
        message = f"since {since!r} is not a date (YYYY-MM-DD) or a zoned date-time"
        out.problems.append(Problem(source, line, column, message))
        return
    out.add(Entry(number, source, line, cells.get("reason", ""), since))


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        try:
            return datetime.fromisoformat(text).tzinfo is not None
        except ValueError:
            return False
    return True


@dataclass(frozen=True)
class Screened:
    """A campaign's numbers split into those that may be called and the suppressed ones."""

    kept: tuple[str, ...]
    suppressed: tuple[Entry, ...]


def screen(numbers: Iterable[str], suppressed: Mapping[str, Entry]) -> Screened:
    """Split ``numbers`` (in order) by whether ``suppressed`` lists them."""
    numbers = tuple(numbers)
    if not suppressed or suppressed.keys().isdisjoint(numbers):
        return Screened(numbers, ())
    kept: list[str] = []
    dropped: list[Entry] = []
    for number in numbers:
        entry = suppressed.get(number)
        if entry is None:
            kept.append(number)
        else:
            dropped.append(entry)
    return Screened(tuple(kept), tuple(dropped))
