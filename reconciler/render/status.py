"""``campaigns status`` output: the rows of ``reconciler.usecases.status`` as a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from reconciler.escape import for_terminal

COLUMNS = ("id", "state", "counts", "cost", "estimate", "trackingId", "submittedAt", "flags")


def compact_counts(counts: dict[str, int]) -> str:
    """``Completed 3, Busy 1``: the non-zero statuses only."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v) or "-"


def status_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The rows as aligned text lines, header first."""
    cells = [list(COLUMNS)]
    for row in rows:
        cells.append(
            [
                row["id"],
                row["state"],
                compact_counts(row["counts"]),
                "-" if row["cost"] is None else f"{row['cost']:.4f}",
                f"≤ {row['estimate']}" if row.get("estimate") else "-",
                row["trackingId"] or "pending",
                row["submittedAt"] or "-",
                ", ".join(row["flags"]) or "-",
            ]
        )
    return _aligned(cells)


def _aligned(cells: list[list[str]]) -> list[str]:
    """Rows of cells as aligned lines; each cell one line, whatever the state or a server put in
    it (an id, a name, Routee's state: a line break shows as ``\\u000a``)."""
    cells = [[for_terminal(cell, single_line=True) for cell in row] for row in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]


LIVE_COLUMNS = ("id", "seq", "submission", "scheduledDate", "recipients", "trackingId", "flags")


def render_live_text(rows: Sequence[dict[str, Any]], out: TextIO) -> None:
    """``status --live``: every submission that may still ring, as aligned text."""
    if not rows:
        out.write("No submission may still ring.\n")
        return
    cells = [list(LIVE_COLUMNS)]
    for row in rows:
        groups = f" + groups {', '.join(row['groups'])}" if row["groups"] else ""
        cells.append(
            [
                row["id"],
                str(row["seq"]),
                row["submissionName"],
                row["scheduledDate"] or "-",
                f"{row['recipients']}{groups}",
                row["trackingId"] or "pending",
                ", ".join(row["flags"]) or "-",
            ]
        )
    out.write("".join(f"{line}\n" for line in _aligned(cells)))
    out.write(
        f"{len(rows)} submission(s) may still ring. To stop one, set cancel: true in its "
        "declaration and apply (it cancels every one of the id).\n"
    )


def render_status_json(rows: Sequence[dict[str, Any]], out: TextIO) -> None:
    out.write(json.dumps(list(rows), indent=2, sort_keys=True) + "\n")


def render_status_text(
    rows: Sequence[dict[str, Any]], in_doubt: int, path: Path, out: TextIO
) -> None:
    """The table, and a line on the remote calls in doubt if there are any."""
    if not rows:
        out.write(f"No campaigns in {path} yet.\n")
        return
    out.write("".join(f"{line}\n" for line in status_table(rows)))
    if in_doubt:
        out.write(
            f"{in_doubt} remote call(s) in doubt (flagged above): "
            "`campaigns apply` settles them by re-sending under the same name; if it exits 3 "
            "(held), see `campaigns help recovery`.\n"
        )
