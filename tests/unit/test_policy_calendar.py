"""The calendar: entries from the plan and the state, local times, and the three formats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reconciler.models.policy import ZoneRow
from reconciler.models.state import CampaignRecord, State, Submission, SubmissionStatus
from reconciler.policy.calendar import Ring, by_day, local_times, scheduled_rings
from reconciler.policy.windows import CallingWindow, WindowRules, parse_days
from reconciler.render.calendar import calendar_ics, calendar_markdown, calendar_text

RULES = WindowRules(CallingWindow(9 * 3600, 20 * 3600, parse_days("mon-sat")))
NOW = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)


def row(country: str, zone: str, local: str) -> ZoneRow:
    return ZoneRow(country=country, zone=zone, count=1, local_time=local, window="", inside=True)


def test_local_times_per_country_with_a_range_across_zones() -> None:
    rows = [
        row("US", "America/New_York", "2027-03-01T09:00:00-05:00"),
        row("US", "America/Los_Angeles", "2027-03-01T06:00:00-08:00"),
        row("GR", "Europe/Athens", "2027-03-01T16:00:00+02:00"),
        ZoneRow(
            country=None, zone="Etc/Unknown", count=1, local_time=None, window="", inside=False
        ),
    ]
    assert local_times(rows) == (("GR", "Mon 16:00"), ("US", "Mon 06:00 – Mon 09:00"))


def submission(seq: int, **fields: Any) -> Submission:
    base: dict[str, Any] = {
        "seq": seq,
        "revision": 1,
        "submission_name": f"Promo-{seq}",
        "tracking_id": f"t-{seq}",
        "spec_hash": "sha256:x",
        "decl_hash": "sha256:y",
        "request": {
            "to": ["+306912345678", "+12125550123"],
            "scheduledDate": "2027-03-05T08:00:00Z",
        },
        "submitted_at": "2027-03-01T10:00:00Z",
    }
    return Submission(**(base | fields))


def test_submissions_that_may_still_ring() -> None:
    record = CampaignRecord(
        id="promo",
        submissions=[
            submission(1, status=SubmissionStatus.CANCELLED),
            submission(2, state="Sent"),
            submission(3, state="Scheduled"),
            submission(4),
            submission(5, state="Scheduled", tracking_id="t-gone"),
        ],
    )
    state = State(lineage="l", workspace="w", endpoint="e", campaigns={"promo": record})
    rings = scheduled_rings(state, RULES, cancelled={"t-gone"})
    assert [(r.name, r.status) for r in rings] == [
        ("Promo-3", "Scheduled"),
        ("Promo-4", "state unknown"),
    ]
    assert rings[0].local == (("GR", "Fri 10:00"), ("US", "Fri 03:00"))
    assert rings[0].recipients == 2


def ring(campaign: str, when: str, **fields: Any) -> Ring:
    return Ring(datetime.fromisoformat(when), campaign, 3, "planned", **fields)


def test_formats() -> None:
    rings = [
        ring("b", "2027-03-02T09:00:00+00:00", local=(("GR", "Tue 11:00"),)),
        ring("a", "2027-03-01T23:30:00+00:00", immediate=True),
    ]
    assert list(by_day(rings)) == [datetime(2027, 3, 1).date(), datetime(2027, 3, 2).date()]
    text = calendar_text(rings)
    assert "  23:30  a  3 recipients, planned, rings at apply  [no local times]" in text
    assert "  09:00  b  3 recipients, planned  [GR Tue 11:00]" in text
    markdown = calendar_markdown(rings)
    assert "| 2027-03-02 Tue | 09:00 | `b` | 3 | planned | GR Tue 11:00 |" in markdown
    assert calendar_text([]) == [
        "Nothing scheduled: no planned send and no submission that may still ring."
    ]
    assert calendar_markdown([]) == []


def test_ics_escapes_and_folds() -> None:
    long = ring("x" * 60, "2027-03-02T09:00:00+00:00", local=(("GR", "Tue 11:00, ; \\"),))
    ics = calendar_ics([long], NOW)
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20270302T090000Z\r\n" in ics
    assert "DTSTAMP:20270303T120000Z\r\n" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    unfolded = ics.replace("\r\n ", "")
    assert "DESCRIPTION:Local times: GR Tue 11:00\\, \\; \\\\\r\n" in unfolded


def test_names_from_the_state_are_escaped() -> None:
    odd = Ring(datetime(2027, 3, 2, 9, tzinfo=UTC), "c", 1, "Sched|<b>@all\x1b[2J", name="n`x")
    assert "\x1b" not in "".join(calendar_text([odd]))
    row = calendar_markdown([odd])[-1]
    assert "Sched\\|&lt;b&gt;@&#8203;all" in row and "`c`" in row
