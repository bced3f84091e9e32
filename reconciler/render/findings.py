"""``campaigns validate`` output: every finding of a load, one per line, then a count.

Like the plan renderers, each writes to a given stream; :data:`FINDINGS_RENDERERS` is the
registry ``validate --format`` takes its choices from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

from reconciler.load.findings import Finding
from reconciler.render.markdown import render_findings_markdown as findings_comment
from reconciler.render.options import RenderOptions


class Validated(Protocol):
    """What validate shows of a load (``reconciler.load.LoadResult`` has it)."""

    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def campaigns(self) -> Sequence[object]: ...
    @property
    def recipients(self) -> int: ...


def summary(result: Validated) -> str:
    """``N campaigns, M recipients, all valid`` or ``N problems in M files``."""
    count = len(result.findings)
    if not count:
        return (
            f"{_count(len(result.campaigns), 'campaign')}, "
            f"{_count(result.recipients, 'recipient')}, all valid"
        )
    files = len({finding.path for finding in result.findings})
    return f"{_count(count, 'problem')} in {_count(files, 'file')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def render_findings_text(result: Validated, out: TextIO) -> None:
    write_findings(result.findings, out)
    out.write(f"{summary(result)}\n")


def write_findings(findings: Sequence[Finding], out: TextIO) -> None:
    """One ``path:line:col: field: message`` line per finding."""
    for finding in findings:
        out.write(f"{finding}\n")


def render_findings_json(result: Validated, out: TextIO) -> None:
    out.write(json.dumps([finding.to_json() for finding in result.findings], indent=2) + "\n")


def render_findings_markdown(result: Validated, out: TextIO) -> None:
    """A pull-request comment, by the plan comment's renderer (marker, masking, escaping, cap)."""
    findings = [str(finding) for finding in result.findings]
    findings_comment("campaigns validate", summary(result), findings, out, RenderOptions())


FindingsRenderer = Callable[[Validated, TextIO], None]

FINDINGS_RENDERERS: dict[str, FindingsRenderer] = {
    "text": render_findings_text,
    "json": render_findings_json,
    "markdown": render_findings_markdown,
}


def render_no_plan(result: Validated, out: TextIO) -> None:
    """``plan`` with invalid declarations: the findings as validate shows them, and a count."""
    write_findings(result.findings, out)
    out.write(f"{summary(result)}: no plan was made\n")
