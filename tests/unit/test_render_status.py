"""``campaigns status``: every row one line, whatever the state or Routee put in its cells."""

from __future__ import annotations

import io
from typing import Any

from reconciler.render.status import COLUMNS, LIVE_COLUMNS, render_live_text, status_table

FORGED = "Plan: 0 to send"


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "promo",
        "seq": 1,
        "state": "Scheduled",
        "counts": {"Completed": 2},
        "cost": None,
        "estimate": None,
        "trackingId": "tid-1",
        "submittedAt": "2027-01-01T10:00:00Z",
        "submissionName": "Promo-abcdefgh",
        "scheduledDate": "2027-01-02T10:00:00Z",
        "recipients": 2,
        "groups": [],
        "flags": [],
    }
    return base | changes


def test_a_line_break_in_a_cell_stays_in_its_row() -> None:
    odd = row(id=f"p\n{FORGED}", state=f"Sent\r\n{FORGED}", trackingId="t\tx")
    table = status_table([row(), odd])
    assert len(table) == 3 and table[0].split() == list(COLUMNS)
    assert table[2].startswith(f"p\\u000a{FORGED}  Sent\\u000d\\u000a{FORGED}")
    assert "t\\u0009x" in table[2]
    columns = [line.index("Completed 2") for line in table[1:]]
    assert columns[0] == columns[1]  # aligned on the escaped widths
    live = io.StringIO()
    render_live_text([row(), odd | {"submissionName": f"N\n{FORGED}"}], live)
    lines = live.getvalue().splitlines()
    assert lines[0].split() == list(LIVE_COLUMNS) and len(lines) == 4
    assert not any(line.startswith(FORGED) for line in lines)
    assert f"N\\u000a{FORGED}" in lines[2]
