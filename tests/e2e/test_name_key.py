"""The name key (routee-voice-api.md decision 1): ``name`` by default, what doctor finds otherwise.

The sandbox reads the name from one key only (``name`` by default, as Routee's published voice
schema) and echoes it as ``campaignName``; with ``name_key="campaignName"`` it reads only that key.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from reconciler.errors import ExitCode
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, assert_exactly_once, name_counts, sandbox_campaigns


def test_default_sends_name_and_doctor_records_it(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory()
    project = Project(tmp_path / "p", sandbox)
    project.init()
    doctor = project.run("doctor")
    assert doctor.exit_code == 0, doctor.output
    assert "ok   name key: Routee honours 'name' (the default or the recorded key)" in (
        doctor.output
    )
    dedupe = project.state().dedupe
    assert (dedupe.verified, dedupe.name_key) == (True, "name")
    project.declare("a")
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    [campaign] = sandbox_campaigns(sandbox)
    assert set(campaign["request"]) >= {"name"}
    assert "campaignName" not in campaign["request"]
    assert (
        campaign["campaignName"] == project.state().campaigns["a"].submissions[-1].submission_name
    )
    assert "NAME NOT ECHOED" not in applied.output


def test_doctor_finds_campaign_name_and_apply_sends_it(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    """Routee ignores ``name``: doctor tries ``campaignName``, records it, and apply uses it."""
    sandbox = sandbox_factory(name_key="campaignName")
    project = Project(tmp_path / "p", sandbox)
    project.init()
    doctor = project.run("doctor")
    assert doctor.exit_code == 0, doctor.output
    assert (
        "WARN name key: Routee ignored 'name' (the default or the recorded key) and honours "
        "'campaignName': recorded; apply sends 'campaignName' from now on"
    ) in doctor.output
    dedupe = project.state().dedupe
    assert (dedupe.verified, dedupe.name_key) == (True, "campaignName")
    for index in range(3):
        project.declare(f"c{index}", number=index)
    sandbox.options.lose_response_rate = 0.5
    sandbox.options.seed = 7
    for _ in range(6):
        result = project.run("apply", "--auto-approve")
        assert result.exit_code in (0, ExitCode.IN_DOUBT), result.output
        if "No changes" in result.output:
            break
    sandbox.options.lose_response_rate = 0.0
    final = project.run("apply", "--auto-approve")
    assert final.exit_code == 0, final.output
    counts = name_counts(sandbox)
    assert len(counts) == 3 and set(counts.values()) == {1}, counts
    assert "None" not in counts
    assert_exactly_once(project)
    again = project.run("doctor")
    assert "ok   name key: Routee honours 'campaignName'" in again.output


def test_campaigns_toml_name_key_overrides_the_recorded_key(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(name_key="campaignName")
    project = Project(tmp_path / "p", sandbox)
    project.init()
    assert project.run("doctor").exit_code == 0
    project.configure(name_key="name")
    project.declare("a")
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    [campaign] = sandbox_campaigns(sandbox)
    assert campaign["request"].get("name") and "campaignName" not in campaign["request"]
    assert campaign["campaignName"] is None  # ignored by this endpoint: the pin is obeyed
    assert "NAME NOT ECHOED" in applied.output


def test_sandbox_reads_only_the_configured_key(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    for key, other in (("name", "campaignName"), ("campaignName", "name")):
        running = sandbox_factory(data_dir=tmp_path / key, name_key=key)
        token = httpx.post(
            f"{running.base_url}/oauth/token",
            auth=("sandbox", "sandbox"),
            data={"grant_type": "client_credentials"},
        ).json()["access_token"]
        body = {
            "from": "+306900000000",
            "to": ["+306912345678"],
            "message": {"text": "hi", "language": "en-GB"},
        }
        headers = {"Authorization": f"Bearer {token}"}
        url = f"{running.base_url}/voice/campaign"
        ignored = httpx.post(url, json={**body, other: "ignored-1"}, headers=headers).json()
        read = httpx.post(url, json={**body, key: "read-1"}, headers=headers).json()
        assert (ignored["campaignName"], read["campaignName"]) == (None, "read-1")
        conflict = httpx.post(url, json={**body, key: "read-1"}, headers=headers)
        assert conflict.status_code == 409 and conflict.json()["code"] == "409009003"
