"""``campaigns log``: audit events as text, as JSON, and as the CI's state-commit message.

Each renderer writes to a given stream; the events come from :mod:`reconciler.audit`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TextIO

from reconciler.audit.events import PAST_TENSE, Event, EventKind
from reconciler.audit.history import APPLIED_TRAILER, AuditTrail
from reconciler.escape import for_terminal

#: Order of the counts in a summary line: what costs money first.
_SUMMARY_ORDER = (
    EventKind.SEND,
    EventKind.RESEND,
    EventKind.REPLACE,
    EventKind.CANCEL,
    EventKind.IMPORT,
    EventKind.CANCELLED_EXTERNALLY,
    EventKind.FORGET,
    EventKind.TRACK_AGAIN,
)


def summary(events: Iterable[Event]) -> str:
    """``2 sent, 1 replaced, 1 cancelled``; a replace's cancel half is not counted twice."""
    counts = Counter(e.kind for e in events if not _is_replace_half(e))
    parts = [f"{counts[k]} {PAST_TENSE[k]}" for k in _SUMMARY_ORDER if counts[k]]
    return ", ".join(parts) if parts else "no submissions changed"


def _is_replace_half(event: Event) -> bool:
    return event.kind is EventKind.CANCEL and event.reason == "replace"


def describe(event: Event, width: int = 0) -> str:
    """One event, without its commit: ``send #1 Spring-promo-abcd1234 trackingId 5f3e...``."""
    parts = [f"{event.kind.value:<{width}}"]
    if event.seq is not None:
        parts.append(f"#{event.seq}")
    if event.submission_name:
        parts.append(event.submission_name)
    if event.kind not in (EventKind.FORGET, EventKind.TRACK_AGAIN):
        parts.append(f"trackingId {event.tracking_id or '(pending)'}")
    if event.reason:
        parts.append(f"({event.reason})")
    return " ".join(parts)


def render_log_text(trail: AuditTrail, events: Sequence[Event], stream: TextIO) -> None:
    """Events grouped by campaign id, each line with when, what, and the commit that recorded it."""
    if not events:
        plural = "commit" if trail.commits == 1 else "commits"
        scope = f"({trail.commits} {plural})" if trail.commits else "since its last commit"
        stream.write(f"No submissions recorded in {trail.relpath} {scope}.\n")
    by_id: dict[str, list[Event]] = {}
    for event in events:
        by_id.setdefault(event.campaign_id, []).append(event)
    for campaign_id in sorted(by_id):
        stream.write(f"{_one_line(campaign_id)}\n")
        for event in by_id[campaign_id]:
            commit = event.commit
            where = f"  commit {commit.short} by {commit.author}" if commit else ""
            stream.write(f"  {_one_line(f'{event.at:<25}  {describe(event, width=8)}{where}')}\n")
    for version in trail.skipped:
        warning = (
            f"warning: {trail.relpath} at commit {version.commit.short} was skipped: "
            f"{version.problem}"
        )
        stream.write(f"{_one_line(warning)}\n")


def _one_line(text: str) -> str:
    """``text`` on one line: ids, names and tracking ids come from state files in git history
    and from Routee's answers, authors from commits (a line break shows as ``\\u000a``)."""
    return for_terminal(text, single_line=True)


def render_log_json(trail: AuditTrail, events: Sequence[Event], stream: TextIO) -> None:
    """``{"stateFile", "commits", "events": [...], "skipped": [...]}``, pretty and sorted."""
    data = {
        "stateFile": trail.relpath,
        "commits": trail.commits,
        "events": [e.to_json() for e in events],
        "skipped": [
            {"commit": v.commit.short, "problem": v.problem} for v in trail.skipped if v.problem
        ],
    }
    stream.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


#: What the apply step did, as GitHub reports a step's outcome, for the state commit's message.
APPLY_OUTCOMES = {
    "success": None,
    "failure": "The apply did not complete: an action failed or was held, or it stopped before "
    "sending (see the run's log). This commit records what it sent and what is in doubt.",
    "cancelled": "The apply was cancelled part-way. This commit records what it sent before it "
    "stopped.",
    "skipped": "The apply did not run. This commit records a state changed by an earlier command.",
}


def commit_message(
    workspace: str,
    events: Sequence[Event],
    applied: str | None = None,
    note: str | None = None,
    changes: Sequence[str] = (),
) -> str:
    """The state commit's message: a subject with the counts, one line per event, one per other
    change (``changes``: in-doubt intents, dedupe, canaries, a refresh), an optional note, and
    the trailer ``Campaigns-Applied: <sha>`` naming the commit the apply worked on.

    The trailer is how the next CI apply knows which commits it has not applied yet, and so which
    commits' guard trailers still count (:mod:`reconciler.apply.trailers`).
    """
    lines = [f"campaigns apply ({workspace}): {summary(events)}", ""]
    # One line per event and change, whatever an id or a server's trackingId holds: a line
    # break could otherwise start a paragraph of trailers the next apply would read.
    lines.extend(_one_line(f"{e.campaign_id}: {describe(e)}") for e in events)
    if events and changes:
        lines.append("")
    lines.extend(_one_line(change) for change in changes)
    if not events and not changes:
        lines.append("State updated without new submissions.")
    if note:
        lines.extend(["", note])
    if applied:
        lines.extend(["", f"{APPLIED_TRAILER}: {applied}"])
    return "\n".join(lines) + "\n"


def render_commit_message(
    workspace: str,
    events: Sequence[Event],
    stream: TextIO,
    *,
    applied: str | None = None,
    note: str | None = None,
    changes: Sequence[str] = (),
) -> None:
    """``campaigns log --uncommitted --format commit-message``: :func:`commit_message`."""
    stream.write(commit_message(workspace, events, applied, note, changes))
