"""The plan's safe-to-send section (design.md 11) in text and in Markdown.

Numbers are masked in both (plans end up in CI logs; the Markdown renderer masks every line of
the comment); a suppressed number is shown with the
list and line that name it, so it can be found. A list reason, written by whoever keeps the
list, is shown in text only, with control characters escaped; the comment leaves it out. Long
lists are cut to :data:`LISTED` entries per campaign with a count of the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from reconciler.escape import for_terminal, md_code, md_text
from reconciler.masking import mask_number
from reconciler.models.policy import CampaignCheck, PolicyReport, ZoneRow
from reconciler.policy.calendar import planned_rings
from reconciler.render.calendar import calendar_markdown

LISTED = 10
DOCS = "`campaigns help policy`"


def recipients_line(check: CampaignCheck) -> str:
    """``1,000 − 37 suppressed = 963`` (or ``1,000``), plus what cannot be checked locally."""
    text = f"{check.declared:,}"
    if check.suppressed:
        text += f" − {len(check.suppressed):,} suppressed = {check.sent:,}"
    if check.unchecked:
        text += f" + {' and '.join(check.unchecked)} (not checked locally)"
    return text


def cost_text(report: PolicyReport, check: CampaignCheck) -> str:
    if report.currency is None:
        return "not estimated (no [prices] table)"
    if check.cost is None:
        return f"unknown: {check.duration}"
    return (
        f"at most {check.cost} {report.currency} ({check.call_seconds} s a call: {check.duration})"
    )


def total_text(report: PolicyReport) -> str | None:
    if report.currency is None or report.total_cost is None:
        return None
    limit = f", max_cost {report.max_cost}" if report.max_cost is not None else ""
    return (
        f"at most {report.total_cost} {report.currency} if every call is answered "
        f"and heard to the end{limit}"
    )


def _local(row: ZoneRow) -> str:
    if row.local_time is None:
        return "unknown zone"
    return _local_text(row.local_time)


@functools.lru_cache(maxsize=4096)
def _local_text(local_time: str) -> str:
    """``Sat 2031-03-01 11:00``: most campaigns of a plan ring at a few local times."""
    return datetime.fromisoformat(local_time).strftime("%a %Y-%m-%d %H:%M")


def _verdict(row: ZoneRow) -> str:
    return "inside" if row.inside else "OUTSIDE"


def _listed(items: Sequence[str]) -> Iterator[str]:
    yield from items[:LISTED]
    if len(items) > LISTED:
        yield f"... and {len(items) - LISTED:,} more"


def _shown(text: str) -> str:
    """A list name or reason (from a file) for a terminal: control characters made visible."""
    return for_terminal(text, single_line=True)


def text_lines(report: PolicyReport) -> list[str]:
    """The section for ``--format text``, indented under its heading."""
    return list(each_text_line(report))


def each_text_line(report: PolicyReport) -> Iterator[str]:
    """:func:`text_lines` one at a time (a 10,000-send plan need not hold them all)."""
    yield f"Safe to send ({DOCS}):"
    if report.defaults_used:
        yield f"  defaults used: {', '.join(report.defaults_used)}"
    for check in report.campaigns:
        yield from _campaign_text(report, check)
    total = total_text(report)
    if total:
        yield f"  total cost: {total}"


def _campaign_text(report: PolicyReport, check: CampaignCheck) -> Iterator[str]:
    when = " (immediate: at apply time)" if check.immediate else ""
    yield f"  {check.id}: rings {check.ring_time}{when}"
    yield f"    recipients: {recipients_line(check)}"
    suppressed = [
        f"{mask_number(s.number)} ({_shown(s.listed_at)}{': ' + _shown(s.reason) if s.reason else ''})"
        for s in check.suppressed
    ]
    yield from (f"      suppressed: {item}" for item in _listed(suppressed))
    yield f"    calling window: {check.outside_window:,} outside"
    for row in check.zones:
        yield (
            f"      {row.country or '??'} {row.zone}: {row.count:,} at {_local(row)}, "
            f"window {row.window}: {_verdict(row)}"
        )
    if report.frequency_cap is not None:
        over = [mask_number(n) for n in check.over_frequency]
        yield f"    frequency: {len(over):,} over {report.frequency_cap}"
        yield from (f"      over: {item}" for item in _listed(over))
    yield f"    cost: {cost_text(report, check)}"


def markdown_lines(report: PolicyReport, budget: int) -> list[str]:
    """The section for the pull-request comment, within about ``budget`` characters."""
    lines = ["", "#### Safe to send", ""]
    if report.defaults_used:
        lines += [f"Defaults in use ({DOCS}): {', '.join(report.defaults_used)}.", ""]
    lines += [
        "| campaign | rings | recipients | outside window | over frequency | cost |",
        "|---|---|---|---:|---:|---:|",
    ]
    for check in report.campaigns:
        over = str(len(check.over_frequency)) if report.frequency_cap else "no cap"
        cost = f"{check.cost} {report.currency}" if check.cost and report.currency else "—"
        when = "at apply" if check.immediate else check.ring_time
        lines.append(
            f"| {md_code(check.id)} | {when} | {recipients_line(check)} | "
            f"{check.outside_window:,} | {over} | {cost} |"
        )
    total = total_text(report)
    if total:
        lines += ["", f"Estimated cost: {total}."]
    timeline = calendar_markdown(planned_rings(report))
    details = [*timeline, *_zone_table(report.campaigns), *_named_numbers(report)]
    used = sum(len(line) + 1 for line in lines)
    kept = list(_within(details, budget - used))
    return lines + kept


def _zone_table(checks: Iterable[CampaignCheck]) -> Iterator[str]:
    rows = [(check.id, row) for check in checks for row in check.zones]
    if not rows:
        return
    yield from (
        "",
        "Local ring times (a number with several possible zones counts in each):",
        "",
        "| campaign | zone | recipients | local time | window | |",
        "|---|---|---:|---|---|---|",
    )
    for campaign, row in rows:
        yield (
            f"| {md_code(campaign)} | {row.country or '??'} {row.zone} | {row.count:,} | "
            f"{_local(row)} | {row.window} | {_verdict(row)} |"
        )


def _named_numbers(report: PolicyReport) -> Iterator[str]:
    """Suppressed and over-cap numbers per campaign; the caller masks them for the comment."""
    first = True
    for check in report.campaigns:
        suppressed = [f"{s.number} ({md_text(s.listed_at)})" for s in check.suppressed]
        over = list(check.over_frequency)
        for title, items in (("suppressed", suppressed), ("over the frequency cap", over)):
            if items:
                if first:
                    yield ""
                    first = False
                yield f"- {md_code(check.id)} {title}: {', '.join(_listed(items))}"


def _within(lines: Sequence[str], budget: int) -> Iterator[str]:
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > budget:
            yield f"_… {len(lines) - index} more lines not shown: run `campaigns plan`._"
            return
        used += len(line) + 1
        yield line
