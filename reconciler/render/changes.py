"""What the renderers say about an action: field-level changes, recipient deltas, the summary.

Recipients are summarized as counts and ``+N/-M``, never listed: a plan of a million numbers
must stay readable, and phone numbers are personal data.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reconciler.models.plan import Action, ActionKind, Plan

RECIPIENT_KEYS = ("to", "contacts")
#: The summary line's order (resolve and resend appear only when non-zero).
SUMMARY_ORDER = (
    ActionKind.RESOLVE,
    ActionKind.SEND,
    ActionKind.RESEND,
    ActionKind.REPLACE,
    ActionKind.CANCEL,
    ActionKind.FORGET,
)


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any
    missing_before: bool = False
    missing_after: bool = False

    @property
    def symbol(self) -> str:
        if self.missing_before:
            return "+"
        return "-" if self.missing_after else "~"

    def describe(self) -> str:
        if self.missing_before:
            return f"+ {self.path}: {show(self.after)}"
        if self.missing_after:
            return f"- {self.path}: {show(self.before)}"
        return f"~ {self.path}: {show(self.before)} → {show(self.after)}"


#: ``json.dumps(value, ensure_ascii=False, sort_keys=True)`` without an encoder built per call
#: (two per campaign shown: its sender and its text).
_SHOW = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def show(value: Any) -> str:
    return _SHOW.encode(value)


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Changed leaves of two request bodies, recipients left out (see :func:`recipient_delta`).

    Nothing for a first send (no ``before``): listing every field of a new campaign is noise.
    """
    if before is None or after is None:
        return []
    old = dict(_leaves(before or {}))
    new = dict(_leaves(after or {}))
    changes = []
    for path in sorted(old.keys() | new.keys()):
        if path in old and path in new:
            if old[path] != new[path]:
                changes.append(FieldChange(path, old[path], new[path]))
        elif path in new:
            changes.append(FieldChange(path, None, new[path], missing_before=True))
        else:
            changes.append(FieldChange(path, old[path], None, missing_after=True))
    return changes


def _leaves(body: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in body.items():
        if not prefix and key in RECIPIENT_KEYS:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _leaves(value, f"{path}.")
        else:
            yield path, value


def spoken(request: dict[str, Any] | None) -> list[str]:
    """What a call will say and who it comes from, as POSTed (``defaults.yaml`` merged in):
    ``from: "+30…"``, ``says: "Hello" (en-GB, female)`` or ``plays: "https://…wav"``."""
    if not request:
        return []
    lines = []
    if "from" in request:
        lines.append(f"from: {show(request['from'])}")
    message = request.get("message")
    message = message if isinstance(message, dict) else {}
    voice = ", ".join(str(message[k]) for k in ("language", "gender") if message.get(k))
    voice = f" ({voice})" if voice else ""
    if "text" in message:
        lines.append(f"says: {show(message['text'])}{voice}")
    if "fileURL" in request:
        lines.append(f"plays: {show(request['fileURL'])}{voice}")
    return lines


def recipients_of(body: dict[str, Any] | None) -> set[str]:
    body = body or {}
    return {str(r) for key in RECIPIENT_KEYS for r in body.get(key, ())}


def recipient_delta(action: Action) -> str:
    """``2 → 3 (+1/-0)`` when the action has a before, else the plain count."""
    groups = f", groups: {', '.join(action.groups)}" if action.groups else ""
    if action.before is None or action.after is None:
        return f"{action.recipients}{groups}"
    old, new = recipients_of(action.before), recipients_of(action.after)
    return f"{len(old)} → {len(new)} (+{len(new - old)}/-{len(old - new)}){groups}"


def summary_line(plan: Plan) -> str:
    """``Plan: 3 to send, 1 to replace, 0 to cancel, 2 to forget.``, or ``No changes. ...``.

    Held resolves (re-sends Routee refused: apply will not send them) and forgotten campaigns
    declared again (a state-only change apply records) are counted too, so a plan that only
    re-tracks never reads "No changes".

    A plan with errors always gets the counts: "No changes ... up to date" would hide that a
    declaration differs from what was sent (the errors line follows it).
    """
    counts = Counter(a.action for a in plan.actions)
    retracked = _retracked(plan)
    if not plan.changes and not plan.errors:
        noun = "campaign" if counts[ActionKind.NOOP] == 1 else "campaigns"
        if retracked:
            return f"No remote changes. {counts[ActionKind.NOOP]} {noun} up to date{retracked}."
        return f"No changes. {counts[ActionKind.NOOP]} {noun} up to date."
    parts = [
        f"{counts[kind]} to {kind.value}{_held(plan) if kind is ActionKind.RESOLVE else ''}"
        for kind in SUMMARY_ORDER
        if counts[kind] or kind not in (ActionKind.RESOLVE, ActionKind.RESEND)
    ]
    return f"Plan: {', '.join(parts)}{retracked}."


def _held(plan: Plan) -> str:
    held = sum(1 for a in plan.actions if a.held)
    return f" ({held} held, not re-sent)" if held else ""


def _retracked(plan: Plan) -> str:
    count = len(plan.retracks)
    return f"; {count} tracked again (state only)" if count else ""


def held_label(action: Action) -> str:
    """What marks a held resolve in a heading or a table cell ("" for any other action)."""
    return "held: not re-sent" if action.held else ""


def errors_line(plan: Plan) -> str:
    count = len(plan.errors)
    noun = "error" if count == 1 else "errors"
    them = "that campaign" if count == 1 else "those campaigns"
    return f"The plan has {count} {noun}: apply skips {them} until fixed; the others are applied."
