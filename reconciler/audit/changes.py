"""What a new state version changes besides submissions: the lines of a state commit that has
no send, cancel or forget to name (in-doubt intents, the dedupe verdict, canaries, a refresh).

Pure, over the raw JSON of two versions, like :func:`reconciler.audit.events.compare_states`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Fields a refresh updates on a submission (no event of its own).
_REFRESHED = ("state", "statuses", "cost", "refreshedAt")


def state_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """One line per kind of change that is not a submission event, in a fixed order."""
    old, new = before or {}, after or {}
    lines = [*_pending(old, new), *_dedupe(old, new), *_canaries(old, new)]
    refreshed = _refreshed(old, new)
    if refreshed:
        lines.append(f"{refreshed} submission(s) refreshed from Routee's tracking")
    if not lines and old.get("sources") != new.get("sources"):
        lines.append("Declaration sources recorded (what later plans need not parse again).")
    return lines


def _keys(state: Mapping[str, Any]) -> set[str]:
    raw = state.get("pending")
    items = raw if isinstance(raw, list) else []
    return {str(p.get("key")) for p in items if isinstance(p, Mapping)}


def _pending(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    before, after = _keys(old), _keys(new)
    lines = []
    if after - before:
        lines.append(
            f"{len(after - before)} remote call(s) in doubt, kept in `pending`: the next apply "
            "re-sends them under the same name, or holds them (campaigns help recovery)."
        )
    if before - after:
        lines.append(f"{len(before - after)} in-doubt call(s) settled.")
    return lines


def _dedupe(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    dedupe = new.get("dedupe")
    if dedupe == old.get("dedupe") or not isinstance(dedupe, Mapping):
        return []
    verdict = "verified" if dedupe.get("verified") is True else "NOT verified"
    return [f"Name dedupe {verdict} ({dedupe.get('method') or 'unknown method'})."]


def _canaries(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    def names(state: Mapping[str, Any]) -> set[str]:
        raw = state.get("canaries")
        items = raw if isinstance(raw, list) else []
        return {str(c.get("submissionName")) for c in items if isinstance(c, Mapping)}

    before, after = names(old), names(new)
    lines = []
    if after - before:
        lines.append(
            f"{len(after - before)} dedupe canary(ies) that may still be scheduled recorded "
            f"({', '.join(sorted(after - before))}): campaigns status lists them."
        )
    if before - after:
        lines.append(f"{len(before - after)} recorded canary(ies) cancelled.")
    return lines


def _refreshed(old: Mapping[str, Any], new: Mapping[str, Any]) -> int:
    count = 0
    for campaign_id, record in _records(new).items():
        before = _by_seq(_records(old).get(campaign_id))
        for seq, sub in _by_seq(record).items():
            prev = before.get(seq)
            if prev is not None and any(sub.get(k) != prev.get(k) for k in _REFRESHED):
                count += 1
    return count


def _records(state: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    raw = state.get("campaigns")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, Mapping)}


def _by_seq(record: Mapping[str, Any] | None) -> dict[int, Mapping[str, Any]]:
    raw = record.get("submissions") if record else None
    items = raw if isinstance(raw, list) else []
    return {s["seq"]: s for s in items if isinstance(s, Mapping) and isinstance(s.get("seq"), int)}
