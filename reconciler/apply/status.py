"""``campaigns status``: what the state knows about each campaign (no network)."""

from __future__ import annotations

from typing import Any

from reconciler.models.state import CampaignRecord, State, Submission, SubmissionStatus

COLUMNS = ("id", "state", "counts", "cost", "trackingId", "submittedAt", "flags")


def status_rows(state: State) -> list[dict[str, Any]]:
    """One row per campaign id (sorted), describing its last submission."""
    return [_row(record) for _, record in sorted(state.campaigns.items())]


def _row(record: CampaignRecord) -> dict[str, Any]:
    last = record.last
    return {
        "id": record.id,
        "state": _state(record, last),
        "counts": dict(last.statuses) if last else {},
        "cost": last.cost if last else None,
        "trackingId": last.tracking_id if last else None,
        "submissionName": last.submission_name if last else None,
        "submittedAt": last.submitted_at if last else None,
        "flags": flags(record, last),
    }


def _state(record: CampaignRecord, last: Submission | None) -> str:
    if last is None:
        return "never sent"
    if last.status is not SubmissionStatus.ACCEPTED:
        return last.status.value
    return last.state or "submitted"


def flags(record: CampaignRecord, last: Submission | None) -> list[str]:
    marks = []
    if record.forgotten:
        marks.append("forgotten")
    if last is not None:
        if not last.spec_verified:
            marks.append("spec unverified")
        if not last.name_echoed:
            marks.append("name not echoed")
        if last.tracking_id is None:
            marks.append("pending trackingId")
        if last.origin.value != "apply":
            marks.append(last.origin.value)
    return marks


def compact_counts(counts: dict[str, int]) -> str:
    """``Completed 3, Busy 1``: the non-zero statuses only."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v) or "-"


def status_table(state: State) -> list[str]:
    """The rows as aligned text lines, header first."""
    cells = [list(COLUMNS)]
    for row in status_rows(state):
        cells.append(
            [
                row["id"],
                row["state"],
                compact_counts(row["counts"]),
                "-" if row["cost"] is None else f"{row['cost']:.4f}",
                row["trackingId"] or "pending",
                row["submittedAt"] or "-",
                ", ".join(row["flags"]) or "-",
            ]
        )
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
