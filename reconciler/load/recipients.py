"""``toFile``: a CSV of recipients next to the declaration.

Format (docs/declarations.md): UTF-8, one number per row in the first column, other columns
ignored, blank rows skipped, an optional header row whose first cell is ``number``, ``phone`` or
``to``. At most 5 MiB. The path is relative to the declaring file and must stay inside the
project: under its root or under ``campaigns/``, either resolved (a symlinked ``campaigns/`` is
fine, :mod:`reconciler.load.paths`). Problems with the file itself are reported at the ``toFile`` key's value; problems with
a row at the row's line in the CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.canonical import digest_bytes
from reconciler.load.findings import Finding
from reconciler.load.paths import project_path
from reconciler.load.source import read_text
from reconciler.models.declaration import Issue, normalise_number

MAX_CSV_BYTES = 5 * 1024 * 1024
HEADERS = frozenset({"number", "phone", "to"})


@dataclass
class Recipients:
    """Numbers read from a ``toFile`` (E.164), each with its 1-based CSV line."""

    rel: str = ""
    numbers: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    digest: str = ""
    issues: list[Issue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _issue(message: str) -> Recipients:
    return Recipients(issues=[Issue(("toFile",), message)])


def read_recipients(root: Path, declaring_file: Path, value: str) -> Recipients:
    """Read ``value`` (relative to ``declaring_file``) as a recipients CSV."""
    try:
        path = (declaring_file.parent / value).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symbolic link loop
        return _issue(f"{value!r} cannot be followed: {exc}")
    rel = project_path(root, path)
    if rel is None:
        return _issue(f"{value!r} is outside the project directory (it is {path})")
    if path.is_dir():
        return _issue(f"{rel} is a directory; toFile names a CSV file")
    if not path.is_file():
        return _issue(f"file not found: {rel}")
    raw, text, problem = read_text(path, rel, MAX_CSV_BYTES)
    result = Recipients(rel=rel, digest=digest_bytes(raw))
    if text is None:
        result.findings.append(problem)  # type: ignore[arg-type]
        return result
    _read_rows(text, result)
    if not result.numbers and not result.findings:
        result.issues.append(Issue(("toFile",), f"no numbers in {rel}"))
    return result


def _read_rows(text: str, result: Recipients) -> None:
    reader = csv.reader(io.StringIO(text))
    first = True
    try:
        for row in reader:
            cell = row[0].strip() if row else ""
            if not any(part.strip() for part in row):
                continue
            if first and cell.lower() in HEADERS:
                first = False
                continue
            first = False
            _add_number(result, cell, reader.line_num)
    except csv.Error as exc:
        result.findings.append(Finding(result.rel, reader.line_num, 1, "toFile", str(exc)))


def _add_number(result: Recipients, cell: str, line: int) -> None:
    if not cell:
        result.findings.append(Finding(result.rel, line, 1, "toFile", "first column is empty"))
        return
    try:
        result.numbers.append(normalise_number(cell))
        result.lines.append(line)
    except ValueError as exc:
        result.findings.append(Finding(result.rel, line, 1, "toFile", str(exc)))
