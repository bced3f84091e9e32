"""``--format markdown``: the body of a pull-request comment.

The first line is a hidden marker so the workflow can find and update its own comment. Phone
numbers are masked. GitHub rejects comments over 65,536 characters, so the body is capped at
``options.max_chars``: errors, warnings and guards are kept (each list capped), and table rows
that do not fit are summarized by kind instead of being cut mid-line. A held resolve is marked
in its row; forgotten campaigns declared again (re-tracks, a state-only change) are listed in
their own capped section, since a no-op has no row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from reconciler.models.plan import Action, ActionKind, Guard, Plan, Problem
from reconciler.render.changes import (
    errors_line,
    field_changes,
    held_label,
    recipients_of,
    summary_line,
)
from reconciler.render.mask import mask_numbers
from reconciler.render.options import RenderOptions
from reconciler.render.style import lines_within

MARKER = "<!-- routee-campaigns-plan -->"
TABLE_HEAD = (
    "| | action | campaign | submission | recipients | scheduledDate | details |",
    "|---|---|---|---|---:|---|---|",
)
_SHARE = {"errors": 0.25, "warnings": 0.15, "tracked": 0.05}
TRACKED_NOTE = "Declared again after their files were deleted: apply tracks them again."


def render_markdown(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    budget = options.max_chars
    head = [
        MARKER,
        f"### Campaigns plan: `{plan.workspace}` (state serial {plan.serial})",
        "",
        f"**{summary_line(plan)}**",
    ]
    if plan.errors:
        head.append(f"\n:x: **{errors_line(plan)}**")
    errors = _section("Errors", [_problem(p) for p in plan.errors], int(budget * _SHARE["errors"]))
    warnings = _section(
        "Warnings", [_problem(p) for p in plan.warnings], int(budget * _SHARE["warnings"])
    )
    tracked = _tracked_again(plan, int(budget * _SHARE["tracked"]))
    guards = _guards(plan.guards)
    fixed = sum(len(line) + 1 for line in [*head, *errors, *warnings, *tracked, *guards])
    table = _table(plan.changes, budget - fixed - 400)
    out.write("\n".join([*head, *table, *errors, *warnings, *tracked, *guards]) + "\n")


def _tracked_again(plan: Plan, budget: int) -> list[str]:
    items = [f"`{a.id}`" + (f" ({a.source})" if a.source else "") for a in plan.retracks]
    lines = _section("Tracked again", items, budget)
    return [*lines[:3], TRACKED_NOTE, "", *lines[3:]] if lines else []


def _table(actions: Sequence[Action], budget: int) -> list[str]:
    if not actions:
        return []
    lines = ["", *TABLE_HEAD]
    used = sum(len(line) + 1 for line in lines)
    for index, action in enumerate(actions):
        row = mask_numbers(_row(action))
        if used + len(row) + 1 > budget:
            lines += ["", _remaining(actions[index:])]
            break
        lines.append(row)
        used += len(row) + 1
    return lines


def _row(action: Action) -> str:
    submission = f"`{action.submission_name}`" if action.submission_name else ""
    if action.seq is not None:
        submission += f" (seq {action.seq})"
    cells = [
        f"`{action.action.symbol}`",
        f"{action.action.value} (**{held_label(action)}**)" if action.held else action.action.value,
        f"`{action.id}`",
        submission,
        _recipients(action),
        action.scheduled_date or "",
        _details(action),
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _recipients(action: Action) -> str:
    if action.action is ActionKind.FORGET:
        return ""
    text = str(action.recipients)
    if action.before is not None and action.after is not None:
        old, new = recipients_of(action.before), recipients_of(action.after)
        text = f"{len(new)} (+{len(new - old)}/-{len(old - new)})"
    return text + (f" + groups {', '.join(action.groups)}" if action.groups else "")


def _details(action: Action) -> str:
    parts = []
    if action.tracking_id and action.action in (ActionKind.CANCEL, ActionKind.REPLACE):
        parts.append(f"cancels trackingId `{action.tracking_id}`")
    changed = [c.path for c in field_changes(action.before, action.after)]
    if action.posts and action.action is not ActionKind.RESOLVE and changed:
        parts.append("changed: " + ", ".join(f"`{p}`" for p in changed))
    parts.extend(action.notes)
    return "; ".join(parts)


def _remaining(actions: Sequence[Action]) -> str:
    counts = Counter(a.action.value for a in actions)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return (
        f"_… and {len(actions)} more changes ({kinds}) not shown to keep this comment under "
        f"GitHub's size limit; run `campaigns plan` for the full list._"
    )


def _section(title: str, items: list[str], budget: int) -> list[str]:
    if not items:
        return []
    lines = [mask_numbers(f"- {item}") for item in items]
    shown = lines_within(lines, budget)
    more = [f"- _… and {len(items) - shown} more {title.lower()} not shown._"]
    return ["", f"#### {title}", "", *lines[:shown], *(more if shown < len(lines) else [])]


def _problem(problem: Problem) -> str:
    return problem.text.replace("\n", " ")


def _guards(guards: Sequence[Guard]) -> list[str]:
    if not guards:
        return []
    lines = [
        "",
        "#### Guards (enforced by apply)",
        "",
        "| guard | count | limit | |",
        "|---|---:|---:|---|",
    ]
    for guard in guards:
        status = f"**over the limit**: apply needs `{guard.flag}`" if guard.tripped else "ok"
        note = f" {guard.note}" if guard.note else ""
        lines.append(f"| {guard.kind.value} | {guard.count}{note} | {guard.limit} | {status} |")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
