"""Safe to send, end to end against the sandbox: suppression, and the three policy guards.

Each guard test first breaks every API answer of the sandbox (``error_rate`` 1): an apply that
made any remote call (token, analysis, POST) would fail or hold, so exit 4 with the guard's
message shows that the guard stopped it first. Then the sandbox is healed and the echoed count
lets the same apply through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.errors import ExitCode
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import FUTURE, Project, assert_exactly_once, sandbox_campaigns

SUPPRESSED = "+306912300001"
NUMBERS = ["+306912300000", SUPPRESSED, "+306912300002"]
PRICES = '[prices]\ncurrency = "EUR"\ndefault = 0.02\nGR = 0.012\n'
OPEN = 'calling_window = "00:00-24:00"\ncalling_days = "mon-sun"\n'


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    return made


def suppress(project: Project, *numbers: str, mode: str = "drop") -> None:
    (project.root / "lists").mkdir(exist_ok=True)
    rows = "".join(f"{n},asked not to be called,2027-01-02\n" for n in numbers)
    (project.root / "lists" / "dnc.csv").write_text("number,reason,since\n" + rows)
    policy = f'[policy]\n{OPEN}suppress = ["lists/dnc.csv"]\non_suppressed = "{mode}"\n'
    project.configure(policy=policy)


def break_the_sandbox(project: Project, rate: float) -> None:
    url = f"{project.sandbox.base_url}/_sandbox/faults"
    httpx.post(url, json={"error_rate": rate}, timeout=10).raise_for_status()


def sent_numbers(project: Project) -> list[str]:
    return [n for c in sandbox_campaigns(project.sandbox) for n in c["request"].get("to", [])]


def test_a_suppressed_number_is_never_in_an_accepted_request(project: Project) -> None:
    suppress(project, SUPPRESSED)
    project.declare("promo", to=NUMBERS)
    project.declare("other", to=[SUPPRESSED, "+306912300009"], scheduledDate=None)
    planned = project.run("plan")
    assert planned.exit_code == 0, planned.output
    assert "recipients: 3 − 1 suppressed = 2" in planned.output
    assert "+30 •••••••• 01 (lists/dnc.csv:2: asked not to be called)" in planned.output
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert SUPPRESSED not in sent_numbers(project)
    assert sorted(sent_numbers(project)) == ["+306912300000", "+306912300002", "+306912300009"]
    assert_exactly_once(project)


def test_a_number_listed_after_submission_plans_a_replace_without_it(project: Project) -> None:
    project.declare("promo", to=NUMBERS)
    assert project.run("apply", "--auto-approve").exit_code == 0
    suppress(project, SUPPRESSED)
    planned = project.run("plan")
    assert "-/+ replace promo" in planned.output, planned.output
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    live = [c for c in sandbox_campaigns(project.sandbox) if not c["cancelled"]]
    assert [c["request"]["to"] for c in live] == [["+306912300000", "+306912300002"]]
    assert project.run("plan", "--detailed-exitcode").exit_code == 0


def test_on_suppressed_error_is_a_located_plan_error(project: Project) -> None:
    suppress(project, SUPPRESSED, mode="error")
    project.declare("promo", to=NUMBERS)
    planned = project.run("plan")
    assert planned.exit_code == ExitCode.ERROR
    assert (
        f"promo (campaigns/promo.yaml:1:1): to: {SUPPRESSED} is suppressed by lists/dnc.csv:2"
        in planned.output
    )
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == ExitCode.ERROR
    assert sandbox_campaigns(project.sandbox) == []


def test_a_suppression_list_that_cannot_be_read_stops_the_plan(project: Project) -> None:
    suppress(project, SUPPRESSED)
    (project.root / "lists" / "dnc.csv").write_text("number\n+30691230000\n")  # too short
    project.declare("promo", to=NUMBERS)
    planned = project.run("plan")
    assert planned.exit_code == ExitCode.ERROR
    assert "lists/dnc.csv:2:1: suppress: '+30691230000' is not a valid phone number" in (
        planned.output
    )


def guard_stops_then_echo_passes(project: Project, flag: str, count: int) -> None:
    break_the_sandbox(project, 1.0)
    stopped = project.run("apply", "--auto-approve")
    assert stopped.exit_code == ExitCode.GUARD, stopped.output
    assert f"re-run with {flag} {count} to allow exactly that" in stopped.output
    wrong = project.run("apply", "--auto-approve", flag, str(count + 1))
    assert wrong.exit_code == ExitCode.GUARD, wrong.output
    break_the_sandbox(project, 0.0)
    assert sandbox_campaigns(project.sandbox) == [] or "over-frequency" in flag
    passed = project.run("apply", "--auto-approve", flag, str(count))
    assert passed.exit_code == 0, passed.output
    assert_exactly_once(project)


def test_outside_window_guard(project: Project) -> None:
    # FUTURE rings on Monday 13:00 in Athens: outside a 09:00-12:00 window.
    project.configure(policy='[policy]\ncalling_window = "09:00-12:00"\n')
    project.declare("promo", to=NUMBERS)
    planned = project.run("plan")
    assert "GR Europe/Athens: 3 at Mon 2031-06-02 13:00, window 09:00-12:00 mon-sat: OUTSIDE" in (
        planned.output
    )
    assert "outside-window: 3 (limit 0) - over the limit" in planned.output
    guard_stops_then_echo_passes(project, "--allow-outside-window", 3)


def test_over_frequency_guard(project: Project) -> None:
    project.configure(policy=f"[policy]\n{OPEN}max_calls = 1\nper_days = 7\n")
    project.declare("first", to=NUMBERS[:2])
    assert project.run("apply", "--auto-approve").exit_code == 0
    project.declare("second", to=NUMBERS, scheduledDate="2031-06-04T10:00:00Z")
    planned = project.run("plan")
    assert "frequency: 2 over 1 calls per 7 days" in planned.output, planned.output
    guard_stops_then_echo_passes(project, "--allow-over-frequency", 2)


def test_cost_guard(project: Project) -> None:
    project.configure(policy=f"[policy]\n{OPEN}max_cost = 0\n{PRICES}")
    project.declare("promo", to=NUMBERS)
    planned = project.run("plan")
    assert "cost: at most 0.04 EUR (2 s a call: 3 words at 150 words/min)" in planned.output
    assert "cost: 1 (limit 0) EUR, upper bound rounded up - over the limit" in planned.output
    guard_stops_then_echo_passes(project, "--allow-cost", 1)


def test_a_recorded_message_needs_its_length_under_a_cost_guard(project: Project) -> None:
    project.configure(policy=f"[policy]\n{OPEN}max_cost = 10\n{PRICES}")
    recorded: dict[str, Any] = {"message": None, "fileURL": "https://cdn.example.com/a.wav"}
    project.declare("notice", to=NUMBERS, **recorded)
    planned = project.run("plan")
    assert planned.exit_code == ExitCode.ERROR
    assert "its cost cannot be bounded" in planned.output
    project.declare("notice", to=NUMBERS, estimatedSeconds=61, **recorded)
    planned = project.run("plan")
    assert planned.exit_code == 0, planned.output
    assert "cost: at most 0.08 EUR (61 s a call: estimatedSeconds)" in planned.output


def test_the_scheduled_date_is_the_ring_time(project: Project) -> None:
    project.configure(policy='[policy]\ncalling_window = "09:00-12:00"\n')
    project.declare("promo", to=NUMBERS, scheduledDate=FUTURE.replace("10:00", "07:30"))
    assert "calling window: 0 outside" in project.run("plan").output


def test_calendar_lists_what_may_still_ring_and_what_the_plan_sends(project: Project) -> None:
    project.declare("first", to=NUMBERS[:1])
    assert project.run("apply", "--auto-approve").exit_code == 0
    project.declare("second", to=["+12125550123"], scheduledDate="2031-06-03T13:00:00Z")
    shown = project.run("calendar")
    assert shown.exit_code == 0, shown.output
    assert "2031-06-02 Mon\n  10:00  first  1 recipients, submitted first-" in shown.output
    assert "(Scheduled)  [GR Mon 13:00]" in shown.output
    assert "2031-06-03 Tue\n  13:00  second  1 recipients, planned  [US Tue 09:00]" in (
        shown.output
    )
    ics = project.run("calendar", "--format", "ics").output
    assert ics.count("BEGIN:VEVENT") == 2 and "DTSTART:20310603T130000Z" in ics
    comment = project.run("plan", "--format", "markdown").output
    assert "| 2031-06-03 Tue | 13:00 | `second` | 1 | planned | US Tue 09:00 |" in comment


def test_a_number_opted_out_by_dtmf_is_not_called_by_the_next_campaign(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    # Both calls complete in the sandbox (their fate is fixed by the number); one presses 9.
    leaver, stayer, newcomer = "+306912300000", "+306912300001", "+306912300004"
    sandbox = sandbox_factory(tones={leaver: "19", stayer: "1"})
    project = Project(tmp_path / "project", sandbox)
    project.init()
    survey: dict[str, Any] = {"collectDtmfDigits": True, "optOutDigits": "9", "scheduledDate": None}
    project.declare("survey", to=[leaver, stayer], **survey)
    assert project.run("apply", "--auto-approve").exit_code == 0
    clock = f"{sandbox.base_url}/_sandbox/clock"
    httpx.post(clock, json={"advanceSeconds": 120}, timeout=10).raise_for_status()
    refreshed = project.run("refresh")
    assert refreshed.exit_code == 0, refreshed.output
    assert list(project.state().opt_outs) == [leaver]
    exported = project.run("optouts")
    assert exported.output.startswith("number,reason,since\n+306912300000,pressed 19 in survey (")
    assert '"tones": "19"' in project.run("optouts", "--format", "json").output
    project.declare("next", to=[leaver, newcomer])
    planned = project.run("plan")
    assert "recipients: 2 − 1 suppressed = 1" in planned.output, planned.output
    assert "+30 •••••••• 00 (opt-out by DTMF in survey: pressed 19)" in planned.output
    assert project.run("apply", "--auto-approve").exit_code == 0
    calls = {c["campaignName"][:4]: c["request"]["to"] for c in sandbox_campaigns(sandbox)}
    assert calls["next"] == [newcomer]
