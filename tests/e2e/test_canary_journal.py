"""Canaries are journalled like any submission (issue 12 item 3, canary part): a SubmitIntent
before each canary POST, an outcome after, folded into ``State.canaries`` while a canary may still
be scheduled, so a killed doctor or apply never leaves an unrecorded call. Against the sandbox over
real sockets; the kill is a real SIGKILL of a ``campaigns doctor`` process."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from reconciler.models.intent import CANARY_ID, OutcomeKind
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import WORKSPACE, Project, sandbox_campaigns

CANARY_TO = "+306900000097"
SENDER = "+306900000001"  # the canary is never sent from the number it calls


def canary_campaigns(project: Project) -> list[dict[str, object]]:
    return [c for c in sandbox_campaigns(project.sandbox, canaries=True) if c not in
            sandbox_campaigns(project.sandbox)]  # fmt: skip


def canary_lines(journal: Path) -> list[dict[str, object]]:
    if not journal.exists():
        return []
    records = [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]
    return [r for r in records if r.get("id") == CANARY_ID]


def test_doctor_journals_its_canaries_and_leaves_none_recorded_once_cancelled(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory(), canary=False)
    project.configure(canary=False, canary_from=SENDER)
    project.init()
    result = project.run("doctor", "--canary-to", CANARY_TO)
    assert result.exit_code == 0, result.output
    state = project.state()
    assert state.dedupe.verified
    assert state.canaries == [] and state.campaigns == {} and state.pending == []
    canaries = canary_campaigns(project)
    assert canaries and all(c["cancelled"] for c in canaries)


def test_a_kill_during_the_canary_leaves_it_recorded_and_the_next_doctor_deals_with_it(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(latency_ms=700)
    project = Project(tmp_path / "p", sandbox, canary=False)
    project.configure(canary=False, canary_from=SENDER)
    project.init()
    journal = project.root / "state" / f"{WORKSPACE}.journal"
    proc = project.spawn("doctor", "--canary-to", CANARY_TO)
    deadline = time.monotonic() + 60
    while not canary_lines(journal) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.kill()
    proc.communicate(timeout=30)
    recorded = canary_lines(journal)
    assert recorded, "the canary POST was not journalled before it was made"
    intent = recorded[0]
    assert intent["type"] == "submit" and str(intent["submissionName"]).startswith("canary-")
    assert intent["request"]["to"] == [CANARY_TO]  # type: ignore[index]
    time.sleep(1.0)  # the sandbox finishes the POST the killed process was waiting for
    faults = httpx.post(f"{sandbox.base_url}/_sandbox/faults", json={"latency_ms": 0}, timeout=10)
    faults.raise_for_status()

    again = project.run("doctor", "--canary-to", CANARY_TO)
    assert again.exit_code == 0, again.output
    state = project.state()
    assert state.campaigns == {} and state.pending == []  # a canary is never re-sent by a plan
    standing = {c.submission_name for c in state.canaries}
    # No unrecorded call: every canary Routee holds is cancelled or recorded in the state (and
    # `campaigns status` lists it).
    for canary in canary_campaigns(project):
        assert canary["cancelled"] or canary["campaignName"] in standing, canary
    killed = str(intent["submissionName"])
    # Killed while its POST waited for the answer: no outcome was journalled, so the state keeps
    # it as a canary whose trackingId is unknown; doctor names it, status lists it.
    assert killed in standing, (standing, again.output)
    assert f"canary {killed!r} got no answer" in again.output
    status = project.run("status")
    assert f"canary {killed}: no answer, it may exist" in status.output


def test_a_recorded_canary_is_cancelled_only_when_a_person_asks(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    """A canary whose DELETE never ran (its trackingId known) is named by doctor, not cancelled:
    the trackingId comes from the state file, which a pull request can change.
    `--cancel-canaries` cancels it."""
    from reconciler.config import load_config
    from reconciler.models.state import Canary
    from reconciler.state.store import state_path, write_state

    project = Project(tmp_path / "p", sandbox_factory(), canary=False)
    project.configure(canary=False, canary_from=SENDER)
    project.init()
    posted = httpx.post(
        f"{project.sandbox.base_url}/oauth/token",
        auth=("sandbox", "sandbox"),
        data={"grant_type": "client_credentials"},
        timeout=10,
    ).json()["access_token"]
    request = {
        "from": "+306900000001",
        "to": [CANARY_TO],
        "message": {"text": "routee-campaigns dedupe check.", "language": "en-GB"},
        "scheduledDate": "2031-06-01T10:00:00Z",
    }
    answer = httpx.post(
        f"{project.sandbox.base_url}/voice/campaign",
        json={**request, "name": "canary-leftover1", "campaignName": "canary-leftover1"},
        headers={"Authorization": f"Bearer {posted}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    tracking_id = answer.json()["trackingId"]
    left = Canary(
        submission_name="canary-leftover1",
        tracking_id=tracking_id,
        request=request,
        submitted_at="2026-11-28T00:00:00.000Z",
        outcome=OutcomeKind.ACCEPTED,
    )
    path = state_path(load_config(project.root), WORKSPACE)
    write_state(path, project.state().model_copy(update={"canaries": [left]}))

    named = project.run("doctor", "--canary-to", CANARY_TO)
    assert named.exit_code == 0, named.output
    assert f"warn canary 'canary-leftover1' (trackingId {tracking_id}) may still be" in named.output
    assert "`campaigns doctor --cancel-canaries` cancels it" in named.output
    assert [c.tracking_id for c in project.state().canaries] == [tracking_id]
    assert not _by_name(project)["canary-leftover1"]["cancelled"]

    cancelled = project.run("doctor", "--canary-to", CANARY_TO, "--cancel-canaries")
    assert cancelled.exit_code == 0, cancelled.output
    assert project.state().canaries == []
    assert _by_name(project)["canary-leftover1"]["cancelled"]


def _by_name(project: Project) -> dict[str, dict[str, object]]:
    listing = sandbox_campaigns(project.sandbox, canaries=True)
    return {str(c["campaignName"]): c for c in listing}
