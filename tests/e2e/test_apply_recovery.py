"""Apply end to end, the harder paths: started campaigns, recipients Routee rejects, groups
counted before any send, held submissions shown and settled by import, refresh filling a
trackingId that a 409 left pending."""

from __future__ import annotations

from pathlib import Path

import httpx

from reconciler.errors import ExitCode
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, assert_exactly_once, sandbox_campaigns

YEARS_10 = 10 * 366 * 24 * 3600


def advance_clock(project: Project, seconds: float) -> None:
    answer = httpx.post(
        f"{project.sandbox.base_url}/_sandbox/clock", json={"advanceSeconds": seconds}, timeout=10
    )
    answer.raise_for_status()


def test_a_replace_whose_campaign_started_fails_and_sends_nothing(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("sched", number=1)
    assert project.run("apply", "--auto-approve").exit_code == 0
    advance_clock(project, YEARS_10)  # Routee's campaign has started; the state still says not
    project.declare("sched", number=1, message={"text": "Changed", "language": "en-GB"})
    result = project.run("apply", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "400009002" in result.output
    assert "nothing was cancelled or sent for it" in result.output
    assert "0 sent, 0 replaced" in result.output
    assert len(sandbox_campaigns(project.sandbox)) == 1
    assert len(project.state().campaigns["sched"].submissions) == 1
    assert not project.state().pending


def test_groups_are_counted_before_any_send_and_rejected_recipients_are_shown(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    members = ["+306912300001", "+306912300002", "+99900000001"]
    sandbox = sandbox_factory(groups={"Mixed": members})
    project = Project(tmp_path / "p", sandbox)
    project.init()
    project.configure(max_recipients=1)
    project.declare("grouped", to=None, groups=["Mixed"])
    stopped = project.run("apply", "--auto-approve")
    assert stopped.exit_code == ExitCode.GUARD, stopped.output
    assert "--allow-recipients 2" in stopped.output  # Routee's analysis: 2 placeable members
    assert sandbox_campaigns(sandbox) == []
    allowed = project.run("apply", "--auto-approve", "--allow-recipients", "2")
    assert allowed.exit_code == 0, allowed.output
    assert "Routee rejected some recipients" in allowed.output
    assert "grouped: +••••••••• 01" in allowed.output  # no country code +9/+99/+999: none shown
    assert "+99900000001" not in allowed.output
    errors = project.state().campaigns["grouped"].submissions[0].errors
    assert [e.property for e in errors] == ["+99900000001"]
    assert len(sandbox_campaigns(sandbox)) == 1


def test_a_held_submission_is_shown_by_status_and_settled_by_import(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(name_uniqueness=False)
    project = Project(tmp_path / "p", sandbox, canary=False)
    project.init()
    project.declare("c0")
    sandbox.options.lose_response_rate = 1.0
    held = project.run("apply", "--auto-approve")
    assert held.exit_code == ExitCode.IN_DOUBT, held.output
    pending = project.state().pending
    assert [p.outcome for p in pending] == ["held"]
    name = pending[0].intent.submission_name  # type: ignore[union-attr]
    assert f"c0 ({name})" in held.output
    status = project.run("status")
    assert status.exit_code == 0, status.output
    assert f"held: submit {name}" in status.output
    sandbox.options.lose_response_rate = 0.0
    # The human found the campaign in Routee under that name and records it.
    (landed,) = sandbox_campaigns(sandbox)
    assert landed["campaignName"] == name
    imported = project.run("import", "c0", "--tracking-id", landed["trackingId"])
    assert imported.exit_code == 0, imported.output
    state = project.state()
    assert not state.pending
    (submission,) = state.campaigns["c0"].submissions
    assert (submission.seq, submission.submission_name) == (1, name)
    after = project.run("apply", "--auto-approve")
    assert after.exit_code == 0, after.output
    assert "No changes" in after.output
    assert len(sandbox_campaigns(sandbox)) == 1


def test_import_refuses_a_tracking_id_recorded_for_another_campaign(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("a", number=1)
    assert project.run("apply", "--auto-approve").exit_code == 0
    tracking_id = project.state().campaigns["a"].submissions[0].tracking_id
    assert tracking_id
    project.path("a").unlink()
    project.declare("b", number=2)
    refused = project.run("import", "b", "--tracking-id", tracking_id)
    assert refused.exit_code == 1
    assert f"trackingId {tracking_id} is already recorded for a" in refused.output
    assert "b" not in project.state().campaigns


def test_an_in_doubt_send_resolved_by_409_gets_its_tracking_id_from_refresh(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(tracking_includes_campaign_id=True)
    project = Project(tmp_path / "p", sandbox)
    project.init()
    assert project.run("doctor").exit_code == 0
    project.declare("later")
    sandbox.options.lose_response_rate = 1.0  # the POST is made, its answer lost; 409s get through
    resolved = project.run("apply", "--auto-approve")
    assert resolved.exit_code == 0, resolved.output
    assert "trackingId pending" in resolved.output
    (submission,) = project.state().campaigns["later"].submissions
    assert submission.origin == "resolved" and submission.tracking_id is None
    sandbox.options.lose_response_rate = 0.0
    early = project.run("refresh")  # still Scheduled: tracking finds no messages yet
    assert "trackingId still pending" in early.output
    advance_clock(project, YEARS_10)  # the campaign starts: tracking finds its messages
    refreshed = project.run("refresh")
    assert refreshed.exit_code == 0, refreshed.output
    (landed,) = sandbox_campaigns(sandbox)
    assert project.state().campaigns["later"].submissions[0].tracking_id == landed["trackingId"]
    assert_exactly_once(project)


def test_a_corrupt_journal_says_what_to_do_and_doing_it_sends_nothing_twice(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory()
    project = Project(tmp_path / "p", sandbox)
    project.init()
    project.declare("a", number=1)
    state_file = project.root / "state" / "e2e.json"
    before = state_file.read_bytes()
    assert project.run("apply", "--auto-approve").exit_code == 0
    # The apply's state write was lost and its journal survived with a damaged record.
    state_file.write_bytes(before)
    journal = project.root / "state" / "e2e.journal"
    lineage = project.state().lineage
    journal.write_text(
        f'{{"type":"header","lineage":"{lineage}","baseSerial":0,"startedAt":"t"}}\n'
        '{"type":"submit","key":"k","id":"a","seq":"one"}\n'
    )
    refused = project.run("apply", "--auto-approve")
    assert refused.exit_code == ExitCode.ERROR, refused.output
    assert "corrupt journal record" in refused.output
    advice = f"move it aside (mv {journal} {journal}.unfolded)"
    assert advice in refused.output
    journal.rename(f"{journal}.unfolded")
    again = project.run("apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert "spec unverified" in again.output
    assert len(sandbox_campaigns(sandbox)) == 1
    assert_exactly_once(project)
