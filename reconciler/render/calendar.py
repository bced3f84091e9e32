"""``campaigns calendar``: the schedule in text, Markdown or iCalendar (RFC 5545).

Times are UTC, with the recipients' local times per country beside them. Everything printed
that came from a file (campaign ids are checked by the loader; submission names by the state)
is shown as it is in the other formats; iCalendar text is escaped as RFC 5545 requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from reconciler.escape import for_terminal, md_code, md_text
from reconciler.policy.calendar import Ring, by_day

PRODUCT = "-//routee-campaigns//calendar//EN"


def _local(ring: Ring) -> str:
    return ", ".join(f"{country} {time}" for country, time in ring.local) or "no local times"


def _what(ring: Ring) -> str:
    """Planned, or the submission's name and last state (both read from the state file)."""
    if ring.status == "planned":
        return "planned, rings at apply" if ring.immediate else "planned"
    return for_terminal(f"submitted {ring.name} ({ring.status})", single_line=True)


def calendar_text(rings: Iterable[Ring]) -> list[str]:
    days = by_day(rings)
    if not days:
        return ["Nothing scheduled: no planned send and no submission that may still ring."]
    lines = ["Times in UTC; local times per country of the recipients."]
    for day, entries in days.items():
        lines += ["", day.strftime("%Y-%m-%d %a")]
        lines += [
            f"  {r.ring_time:%H:%M}  {r.campaign}  {r.recipients:,} recipients, {_what(r)}  "
            f"[{_local(r)}]"
            for r in entries
        ]
    return lines


def calendar_markdown(rings: Iterable[Ring], title: str = "#### Timeline") -> list[str]:
    days = by_day(rings)
    if not days:
        return []
    lines = ["", title, "", "| day (UTC) | time | campaign | recipients | | local times |"]
    lines.append("|---|---|---|---:|---|---|")
    for day, entries in days.items():
        lines += [
            f"| {day:%Y-%m-%d %a} | {r.ring_time:%H:%M} | {md_code(r.campaign)} | {r.recipients:,} | "
            f"{md_text(_what(r))} | {_local(r)} |"
            for r in entries
        ]
    return lines


def calendar_ics(rings: Iterable[Ring], now: datetime) -> str:
    """One VEVENT per entry; CRLF line ends and lines folded at 75 octets."""
    stamp = f"{now:%Y%m%dT%H%M%SZ}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN"]
    for ring in sorted(rings):
        name = (ring.name or "planned").replace(" ", "-")
        uid = f"{ring.campaign}-{name}-{ring.ring_time:%Y%m%dT%H%M%SZ}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(uid)}@routee-campaigns",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{ring.ring_time:%Y%m%dT%H%M%SZ}",
            "DURATION:PT15M",
            f"SUMMARY:{_text(f'{ring.campaign}: {ring.recipients} recipients ({_what(ring)})')}",
            f"DESCRIPTION:{_text('Local times: ' + _local(ring))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))


def _text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newline escaped; controls dropped."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    escaped = escaped.replace("\n", "\\n")
    return "".join(ch for ch in escaped if ch >= " " and ch != "\x7f")


def _fold(line: str) -> Iterator[str]:
    """Lines of at most 75 octets, continuation lines starting with a space."""
    data = line.encode("utf-8")
    first = True
    while data:
        size = 75 if first else 74
        cut = min(size, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # not inside a UTF-8 character
            cut -= 1
        yield ("" if first else " ") + data[:cut].decode("utf-8")
        data, first = data[cut:], False
