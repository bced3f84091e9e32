"""A 404 from tracking is "no messages yet", never "cancelled" (routee-voice-api.md decision 6).

The sandbox answers 404 ``404005000`` for the tracking of a campaign with no messages (its
default, the harsher reading), so a scheduled campaign looks exactly like this to refresh.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from reconciler.models.state import SubmissionStatus
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, sandbox_campaigns


@pytest.fixture
def project(tmp_path: Path, sandbox_factory: SandboxFactory) -> Project:
    made = Project(tmp_path / "project", sandbox_factory())
    made.init()
    return made


def test_refresh_of_a_scheduled_campaign_keeps_it_cancellable(project: Project) -> None:
    project.declare("a", number=1)
    assert project.run("apply", "--auto-approve").exit_code == 0
    [campaign] = sandbox_campaigns(project.sandbox)
    tracking = httpx.post(
        f"{project.sandbox.base_url}/oauth/token",
        auth=("sandbox", "sandbox"),
        data={"grant_type": "client_credentials"},
    ).json()["access_token"]
    answer = httpx.get(
        f"{project.sandbox.base_url}/voice/tracking/campaign/{campaign['trackingId']}",
        headers={"Authorization": f"Bearer {tracking}"},
    )
    assert (answer.status_code, answer.json()["code"]) == (404, "404005000")

    refreshed = project.run("refresh")
    assert refreshed.exit_code == 0, refreshed.output
    assert (
        f"a: no messages yet for {campaign['trackingId']} (tracking answered 404): "
        "still possibly Scheduled"
    ) in refreshed.output
    assert "cancelled" not in refreshed.output
    sub = project.state().campaigns["a"].submissions[-1]
    assert (sub.status, sub.state) == (SubmissionStatus.ACCEPTED, "Scheduled")
    assert "cancelled" not in project.run("status").output.lower()

    body = json.loads(project.path("a").read_text()) | {"cancel": True}
    project.path("a").write_text(json.dumps(body))
    planned = project.run("plan", "--refresh")
    assert planned.exit_code == 0, planned.output
    assert "- cancel a  campaigns/a.yaml:1:1" in planned.output, planned.output
    assert "Plan: 0 to send, 0 to replace, 1 to cancel, 0 to forget." in planned.output
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    [listed] = sandbox_campaigns(project.sandbox)
    assert listed["cancelled"] is True
    last = project.state().campaigns["a"].submissions[-1]
    assert last.status is SubmissionStatus.CANCELLED


def test_a_scheduled_campaign_edited_after_refresh_is_replaced(project: Project) -> None:
    project.declare("b", number=2)
    assert project.run("apply", "--auto-approve").exit_code == 0
    assert project.run("refresh").exit_code == 0
    project.declare("b", number=2, message={"text": "Changed words", "language": "en-GB"})
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    listed = sandbox_campaigns(project.sandbox)
    assert [c["cancelled"] for c in listed] == [True, False]
    assert listed[1]["request"]["message"]["text"] == "Changed words"
