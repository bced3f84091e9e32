"""``--format text``: a Terraform-like diff for a terminal.

Symbols come from :attr:`ActionKind.symbol` (``+``, ``-``, ``-/+``, ``~``, ``?``); colour is
added (``reconciler.render.style``) only when asked, so piped output and golden files stay plain.
Every line is escaped for a terminal before it is painted (ids, names and notes are data:
:func:`reconciler.escape.for_terminal`), and phone numbers are masked when ``options.mask``
(``--mask``, or ``CI=true``: a CI log is read by more people than the team).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from reconciler.escape import for_terminal
from reconciler.masking import mask_numbers
from reconciler.models.plan import Action, ActionKind, Guard, Plan
from reconciler.render.buffer import Lines, chunked
from reconciler.render.changes import (
    errors_line,
    field_changes,
    held_label,
    recipient_delta,
    spoken,
    summary_line,
)
from reconciler.render.options import RenderOptions
from reconciler.render.policy import each_text_line
from reconciler.render.style import styled

_COLOURS = {
    ActionKind.RESOLVE: "magenta",
    ActionKind.CANCEL: "red",
    ActionKind.REPLACE: "yellow",
    ActionKind.SEND: "green",
    ActionKind.RESEND: "green",
    ActionKind.FORGET: "cyan",
}
_FIELD_COLOURS = {"+": "green", "-": "red", "~": "yellow"}


def render_text(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    with chunked(out) as lines:
        _render(plan, lines, options)


def _render(plan: Plan, out: Lines, options: RenderOptions) -> None:
    def paint(text: str, colour: str | None, bold: bool = False) -> str:
        text = clean(text)
        return styled(text, colour, bold=bold) if options.color and colour else text

    def clean(text: str) -> str:
        return for_terminal(mask_numbers(text) if options.mask else text, single_line=True)

    title = f"Campaigns plan for workspace {plan.workspace} (state serial {plan.serial})"
    out.write(f"{clean(title)}\n")
    if any(a.action is not ActionKind.NOOP or a.notes for a in plan.actions):
        out.write("\n")
    for action in plan.actions:
        if action.action is ActionKind.NOOP:
            if action.notes:
                out.write(f"  {clean(action.id)}: no changes ({clean('; '.join(action.notes))})\n")
            continue
        colour = _COLOURS[action.action]
        head = f"{action.action.symbol} {action.action.value} {action.id}"
        if action.held:
            head += f" ({held_label(action)})"
        where = f"  {clean(action.source)}" if action.source else ""
        out.write(f"{paint(head, colour, bold=True)}{where}\n")
        for line in _details(action):
            symbol = line.lstrip()[:1]
            out.write(f"    {paint(line, _FIELD_COLOURS.get(symbol))}\n")
    if plan.policy is not None and plan.policy.campaigns:
        out.write("\n")
        out.writelines(f"{line}\n" for line in each_text_line(plan.policy))
    for title, problems, colour in (
        ("Warnings", plan.warnings, "yellow"),
        ("Errors", plan.errors, "red"),
    ):
        if problems:
            out.write(f"\n{paint(title + ':', colour, bold=True)}\n")
            out.writelines(f"  {paint(p.text, colour)}\n" for p in problems)
    if plan.guards:
        out.write("\nGuards (enforced by apply):\n")
        for guard in plan.guards:
            out.write(f"  {paint(_guard(guard), 'red' if guard.tripped else None)}\n")
    out.write(f"\n{paint(summary_line(plan), None, bold=True)}\n")
    if plan.errors:
        out.write(f"{paint(errors_line(plan), 'red', bold=True)}\n")


def _details(action: Action) -> Iterator[str]:
    kind = action.action
    if kind is ActionKind.RESOLVE:
        yield from _resolve_details(action)
        return
    if kind is ActionKind.CANCEL:
        yield f"cancels {action.submission_name} (trackingId {action.tracking_id})"
    if kind is ActionKind.REPLACE:
        yield f"cancels the last submission (trackingId {action.tracking_id}), then:"
    if kind is ActionKind.FORGET:
        yield f"last submission {action.submission_name} (trackingId {action.tracking_id or 'pending'})"
    if action.posts:
        yield f"submits {action.submission_name} (seq {action.seq}, revision {action.revision})"
        yield from spoken(action.request)
        yield from (change.describe() for change in field_changes(action.before, action.after))
    if kind is not ActionKind.FORGET:
        yield f"recipients: {recipient_delta(action)}"
    if action.scheduled_date and kind is not ActionKind.CANCEL:
        yield f"scheduledDate: {action.scheduled_date}"
    yield from (f"note: {note}" for note in action.notes)


def _resolve_details(action: Action) -> Iterator[str]:
    if action.cancel is not None:
        yield f"re-sends the DELETE of trackingId {action.tracking_id} (journal {action.journal_key})"
    elif action.held:
        yield (
            f"does not re-send {action.submission_name} (seq {action.seq}, journal "
            f"{action.journal_key}): Routee refused a re-send of it"
        )
    else:
        yield (
            f"re-sends the recorded request as {action.submission_name} (seq {action.seq}, "
            f"journal {action.journal_key})"
        )
        yield f"recipients: {recipient_delta(action)}"
    yield from (f"note: {note}" for note in action.notes)


def _guard(guard: Guard) -> str:
    note = f" {guard.note}" if guard.note else ""
    text = f"{guard.kind.value}: {guard.count} (limit {guard.limit}){note}"
    if guard.tripped:
        text += f" - over the limit: apply needs {guard.flag}"
    return text
