"""``--format markdown``: the body of a pull-request comment.

The first line is a hidden marker so the workflow can find and update its own comment (and it
appears nowhere else). Phone numbers are masked; everything that came from a file, a name or a
server goes through :mod:`reconciler.escape` (ids and names as code spans, notes and problems as
inert text), so no value can add a row, a heading, a link or a mention. GitHub rejects comments over 65,536 characters, so the body is capped at
``options.max_chars``: errors, warnings and guards are kept (each list capped), and table rows
that do not fit are summarized by kind instead of being cut mid-line. A held resolve is marked
in its row; forgotten campaigns declared again (re-tracks, a state-only change) are listed in
their own capped section, since a no-op has no row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from reconciler.escape import (
    MARKER,
    md_code,
    md_code_block,
    md_document,
    md_text,
)
from reconciler.masking import mask_numbers, mask_written_numbers
from reconciler.models.plan import Action, ActionKind, Guard, Plan, Problem
from reconciler.render.changes import (
    errors_line,
    field_changes,
    held_label,
    recipients_of,
    spoken,
    summary_line,
)
from reconciler.render.options import RenderOptions
from reconciler.render.policy import markdown_lines
from reconciler.render.style import lines_within

__all__ = ["MARKER", "render_failure_markdown", "render_findings_markdown", "render_markdown"]
_SHARE = {"errors": 0.25, "warnings": 0.15, "tracked": 0.05, "policy": 0.2}
_FAILURE_CHARS = 20_000
TRACKED_NOTE = "Declared again after their files were deleted: apply tracks them again."


def render_markdown(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    budget = options.max_chars
    head = [
        f"### Campaigns plan: {md_code(plan.workspace)} (state serial {plan.serial})",
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
    policy = _policy(plan, int(budget * _SHARE["policy"]))
    fixed = sum(
        len(line) + 1 for line in [MARKER, *head, *errors, *warnings, *tracked, *guards, *policy]
    )
    table = _table(plan.changes, budget - fixed - 400)
    out.write(md_document([*head, *table, *policy, *errors, *warnings, *tracked, *guards]))


def _policy(plan: Plan, budget: int) -> list[str]:
    """The safe-to-send section, numbers masked (`campaigns help policy`)."""
    if plan.policy is None or not plan.policy.campaigns:
        return []
    return [mask_numbers(line) for line in markdown_lines(plan.policy, budget)]


def render_findings_markdown(
    title: str, summary: str, findings: Sequence[str], out: TextIO, options: RenderOptions
) -> None:
    """``campaigns validate``'s comment: whole finding lines, masked, in one fenced block.

    Findings quote file names and values as written (a malformed number too), so they are
    masked and fenced with a fence longer than any backtick run in them; lines that do not fit
    under ``options.max_chars`` are counted instead of cut.
    """
    head = [f"### {md_text(title)}", "", f"**{md_text(summary)}**"]
    lines = [mask_written_numbers(line) for line in findings]
    shown = lines_within(lines, options.max_chars - sum(len(x) + 1 for x in [MARKER, *head]) - 200)
    body = head + (["", *md_code_block("\n".join(lines[:shown]))] if shown else [])
    if shown < len(lines):
        more = len(lines) - shown
        body += ["", f"_… and {more} more problems not shown: run `campaigns validate`._"]
    out.write(md_document(body))


def render_failure_markdown(title: str, message: str, out: TextIO) -> None:
    """The comment of a command that failed: its error in a fence nothing in it can close.

    The workflow posts this instead of pasting stderr (which holds whatever a file or a server
    said) into the comment.
    """
    text = mask_written_numbers(message)
    if len(text) > _FAILURE_CHARS:
        text = text[:_FAILURE_CHARS] + "\n… (cut: the whole message is in the job log)"
    body = [f"### {md_text(title)}", "", ":x: **failed; nothing can be applied**", ""]
    out.write(md_document([*body, *md_code_block(text)]))


def _tracked_again(plan: Plan, budget: int) -> list[str]:
    items = [md_code(a.id) + (f" ({md_text(a.source)})" if a.source else "") for a in plan.retracks]
    lines = _section("Tracked again", items, budget)
    return [*lines[:3], TRACKED_NOTE, "", *lines[3:]] if lines else []


def _table(actions: Sequence[Action], budget: int) -> list[str]:
    """One collapsible block per change, while they fit; the rest summarized by kind."""
    if not actions:
        return []
    lines = [""]
    used = 1
    for index, action in enumerate(actions):
        block = mask_numbers(_block(action))
        if used + len(block) + 1 > budget:
            lines += [_remaining(actions[index:])]
            break
        lines.append(block)
        used += len(block) + 1
    return lines


def _block(action: Action) -> str:
    """``<details>``: the summary line is the old table row, the body what the call says."""
    kind = action.action.value
    if action.held:
        kind += f" (<b>{held_label(action)}</b>)"
    head = [f"<code>{action.action.symbol}</code> {kind} <code>{_html(action.id)}</code>"]
    if action.submission_name:
        seq = f" (seq {action.seq})" if action.seq is not None else ""
        head.append(f"<code>{_html(action.submission_name)}</code>{seq}")
    recipients = _recipients(action) if action.request or action.before else ""
    if recipients:
        head.append(f"recipients {recipients}")
    if action.scheduled_date:
        head.append(_html(action.scheduled_date))
    body = [f"- {line}" for line in _details(action)]
    summary = f"<details><summary>{', '.join(head)}</summary>"
    if not body:
        return f"{summary}</details>\n"
    return "\n".join([summary, "", *body, "", "</details>", ""])


def _recipients(action: Action) -> str:
    if action.action is ActionKind.FORGET:
        return ""
    text = str(action.recipients)
    if action.before is not None and action.after is not None:
        old, new = recipients_of(action.before), recipients_of(action.after)
        text = f"{len(new)} (+{len(new - old)}/-{len(old - new)})"
    return text + (f" + groups {_html(', '.join(action.groups))}" if action.groups else "")


def _details(action: Action) -> list[str]:
    parts = []
    if action.tracking_id and action.action in (ActionKind.CANCEL, ActionKind.REPLACE):
        parts.append(f"cancels trackingId {md_code(action.tracking_id)}")
    if action.action is ActionKind.RESOLVE and action.tracking_id:
        parts.append(f"re-sends the DELETE of trackingId {md_code(action.tracking_id)}")
    if action.posts and action.action is not ActionKind.RESOLVE:
        parts.extend(md_text(line) for line in spoken(action.request))
        parts.extend(
            f"changed: {md_text(change.describe())}"
            for change in field_changes(action.before, action.after)
        )
    parts.extend(md_text(note) for note in action.notes)
    return parts


def _html(text: str) -> str:
    """``text`` inside the raw HTML of a ``<summary>``: one line, as inert as :func:`md_text`
    makes it (HTML escaped, no link, no mention, no control), ``|`` as an entity (no table)."""
    return md_text(" ".join(text.split())).replace("\\|", "&#124;")


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
    lines = [f"- {mask_numbers(item)}" for item in items]
    shown = lines_within(lines, budget)
    more = [f"- _… and {len(items) - shown} more {title.lower()} not shown._"]
    return ["", f"#### {title}", "", *lines[:shown], *(more if shown < len(lines) else [])]


def _problem(problem: Problem) -> str:
    return md_text(problem.text)


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
        note = f" {md_text(guard.note)}" if guard.note else ""
        lines.append(f"| {guard.kind.value} | {guard.count}{note} | {guard.limit} | {status} |")
    return lines
