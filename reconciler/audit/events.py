"""What changed between two versions of a state file, as audit events (pure, no I/O).

The state file is the record of what was sent (design.md section 3), and git keeps every version of
it. Comparing two consecutive versions tells what an apply did: which submissions appeared (a send,
a resend, the new half of a replace), which were cancelled, which ids were forgotten. Both
``campaigns log`` and the CI's state-commit message are built from these events.

The versions are read as plain JSON, not through :class:`reconciler.models.state.State`: an old
commit may hold an older or newer layout, and the audit trail must still read it. Anything that is
not the expected shape is skipped rather than trusted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """What happened to a campaign, as seen in the state's history."""

    SEND = "send"  # its first submission
    RESEND = "resend"  # a later submission (revision bumped)
    REPLACE = "replace"  # a later submission whose predecessor was cancelled to make room
    IMPORT = "import"  # adopted with ``campaigns import``; sent outside the tool
    CANCEL = "cancel"  # we cancelled a submission (``cancel: true``, or half of a replace)
    CANCELLED_EXTERNALLY = "cancelled-externally"  # refresh found it gone
    FORGET = "forget"  # its declaration disappeared; nothing was cancelled
    TRACK_AGAIN = "track-again"  # a forgotten id was declared again


#: Past-tense verbs for summaries ("2 sent, 1 cancelled").
PAST_TENSE = {
    EventKind.SEND: "sent",
    EventKind.RESEND: "resent",
    EventKind.REPLACE: "replaced",
    EventKind.IMPORT: "imported",
    EventKind.CANCEL: "cancelled",
    EventKind.CANCELLED_EXTERNALLY: "cancelled externally",
    EventKind.FORGET: "forgotten",
    EventKind.TRACK_AGAIN: "tracked again",
}


@dataclass(frozen=True)
class Commit:
    """The git commit that recorded a state version."""

    sha: str
    short: str
    author: str
    date: str
    subject: str = ""


@dataclass(frozen=True)
class Event:
    """One thing that happened to one campaign, and the commit that recorded it."""

    campaign_id: str
    kind: EventKind
    #: When it happened: ``submittedAt``/``cancelledAt``, else the commit's date.
    at: str
    seq: int | None = None
    submission_name: str | None = None
    tracking_id: str | None = None
    reason: str | None = None
    commit: Commit | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The camelCase projection used by ``campaigns log --format json``."""
        data: dict[str, Any] = {
            "campaignId": self.campaign_id,
            "kind": self.kind.value,
            "at": self.at,
            "seq": self.seq,
            "submissionName": self.submission_name,
            "trackingId": self.tracking_id,
            "reason": self.reason,
        }
        if self.commit is not None:
            data["commit"] = self.commit.short
            data["commitSha"] = self.commit.sha
            data["author"] = self.commit.author
            data["committedAt"] = self.commit.date
        return data


def compare_states(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, commit: Commit | None = None
) -> list[Event]:
    """Events that turn ``before`` into ``after``, ordered by campaign id then as they happened."""
    old, new = _campaigns(before), _campaigns(after)
    fallback = commit.date if commit else ""
    events: list[Event] = []
    for campaign_id in sorted(new):
        events.extend(_record_events(campaign_id, old.get(campaign_id), new[campaign_id]))
    return [_stamp(e, commit, fallback) for e in events]


def _stamp(event: Event, commit: Commit | None, fallback: str) -> Event:
    at = event.at or fallback
    return Event(**{**event.__dict__, "at": at, "commit": commit})


def _campaigns(state: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    raw = state.get("campaigns") if isinstance(state, Mapping) else None
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, Mapping)}


def _submissions(record: Mapping[str, Any] | None) -> dict[int, Mapping[str, Any]]:
    raw = record.get("submissions") if record else None
    if not isinstance(raw, list):
        return {}
    found: dict[int, Mapping[str, Any]] = {}
    for item in raw:
        if isinstance(item, Mapping) and isinstance(item.get("seq"), int):
            found[item["seq"]] = item
    return found


def _record_events(
    campaign_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> Iterator[Event]:
    before, after = _submissions(old), _submissions(new)
    for seq in sorted(after):
        sub, prev = after[seq], before.get(seq)
        if prev is None:
            yield _submitted(campaign_id, sub, after.get(seq - 1))
        if _status(sub) in _ENDINGS and _status(sub) != _status(prev):
            yield _ended(campaign_id, sub)
    was_forgotten = bool(old and old.get("forgotten") is True)
    is_forgotten = new.get("forgotten") is True
    if is_forgotten and not was_forgotten:
        yield Event(campaign_id, EventKind.FORGET, at="")
    elif was_forgotten and not is_forgotten:
        yield Event(campaign_id, EventKind.TRACK_AGAIN, at="")


_ENDINGS = {"cancelled": EventKind.CANCEL, "cancelledExternally": EventKind.CANCELLED_EXTERNALLY}


def _status(sub: Mapping[str, Any] | None) -> str | None:
    value = sub.get("status") if sub else None
    return value if isinstance(value, str) else None


def _text(sub: Mapping[str, Any], key: str) -> str | None:
    value = sub.get(key)
    return value if isinstance(value, str) else None


def _submitted(
    campaign_id: str, sub: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> Event:
    return Event(
        campaign_id,
        _submit_kind(sub, previous),
        at=_text(sub, "submittedAt") or "",
        seq=sub["seq"],
        submission_name=_text(sub, "submissionName"),
        tracking_id=_text(sub, "trackingId"),
        reason=_text(sub, "origin") if _text(sub, "origin") not in (None, "apply") else None,
    )


def _submit_kind(sub: Mapping[str, Any], previous: Mapping[str, Any] | None) -> EventKind:
    if sub.get("origin") == "imported":
        return EventKind.IMPORT
    if previous is None:
        return EventKind.SEND if sub["seq"] == 1 else EventKind.RESEND
    if previous.get("cancelReason") == "replace":
        return EventKind.REPLACE
    return EventKind.RESEND


def _ended(campaign_id: str, sub: Mapping[str, Any]) -> Event:
    return Event(
        campaign_id,
        _ENDINGS[_status(sub) or "cancelled"],
        at=_text(sub, "cancelledAt") or _text(sub, "refreshedAt") or "",
        seq=sub["seq"],
        submission_name=_text(sub, "submissionName"),
        tracking_id=_text(sub, "trackingId"),
        reason=_text(sub, "cancelReason"),
    )
