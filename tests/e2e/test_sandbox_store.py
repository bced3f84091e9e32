"""Persistence, identity, concurrency and binding rules of the sandbox."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from reconciler.errors import CampaignsError
from reconciler.sandbox.errors import DataDirInUse, StoreCorrupt
from reconciler.sandbox.identity import IdentityError, account_id
from reconciler.sandbox.server import SandboxError, start_sandbox
from reconciler.sandbox.store import LOG_FILE
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body


def test_account_id_is_created_once_without_a_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "sandbox"
    first = account_id(data_dir)
    assert account_id(data_dir) == first
    identity = json.loads((data_dir / "identity.json").read_text())
    assert identity["accountId"] == first
    assert identity["createdAt"].endswith("Z")


def test_corrupt_identity_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "identity.json").write_text("{nope")
    with pytest.raises(IdentityError, match=r"identity\.json"):
        account_id(tmp_path)


def test_restart_keeps_campaigns_names_clock_and_identity(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = sandbox_factory(data_dir=data_dir)
    with bearer_client(first) as client:
        created = client.post("/voice/campaign", json=campaign_body()).json()
        other = client.post("/voice/campaign", json=campaign_body(name="Other")).json()
        client.delete(f"/voice/campaign/{other['trackingId']}")
    httpx.post(f"{first.base_url}/_sandbox/clock", json={"offsetSeconds": 42})
    before = httpx.get(f"{first.base_url}/_sandbox/campaigns").json()
    first.close()

    second = sandbox_factory(data_dir=data_dir)
    after = httpx.get(f"{second.base_url}/_sandbox/campaigns").json()
    with bearer_client(second) as client:
        duplicate = client.post("/voice/campaign", json=campaign_body(to=["+306912345670"]))
    assert second.account_id == first.account_id
    assert [c["trackingId"] for c in after] == [c["trackingId"] for c in before]
    assert after[0]["trackingId"] == created["trackingId"]
    assert after[1]["cancelled"] is True
    assert second.state.clock.offset == 42
    assert duplicate.status_code == 409


def test_torn_last_line_is_dropped_on_start(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = sandbox_factory(data_dir=data_dir)
    with bearer_client(first) as client:
        client.post("/voice/campaign", json=campaign_body())
    first.close()
    with (data_dir / LOG_FILE).open("a") as log:
        log.write('{"op":"campaign","campaign":{"trackingId":')
    second = sandbox_factory(data_dir=data_dir)
    assert len(httpx.get(f"{second.base_url}/_sandbox/campaigns").json()) == 1
    compacted = (data_dir / LOG_FILE).read_text().splitlines()
    assert all(json.loads(line) for line in compacted)


def test_log_grows_by_one_line_per_post(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    running = sandbox_factory(data_dir=data_dir)
    before = len((data_dir / LOG_FILE).read_text().splitlines())
    with bearer_client(running) as client:
        for index in range(5):
            client.post("/voice/campaign", json=campaign_body(name=f"c{index}"))
    assert len((data_dir / LOG_FILE).read_text().splitlines()) == before + 5


def test_concurrent_posts_of_one_name_accept_exactly_one(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(latency_ms=5)
    with bearer_client(running) as client, ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(
            pool.map(
                lambda _: client.post("/voice/campaign", json=campaign_body()).status_code,
                range(48),
            )
        )
    assert codes.count(200) == 1
    assert codes.count(409) == 47
    assert len(httpx.get(f"{running.base_url}/_sandbox/campaigns").json()) == 1


def test_non_loopback_host_is_refused(tmp_path: Path) -> None:
    for host in ("0.0.0.0", "192.0.2.1", "example.test"):
        with pytest.raises(SandboxError, match="loopback"):
            start_sandbox(tmp_path, host=host)


def test_bad_line_before_the_last_stops_the_start_and_keeps_the_file(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = sandbox_factory(data_dir=data_dir)
    with bearer_client(first) as client:
        client.post("/voice/campaign", json=campaign_body())
        client.post("/voice/campaign", json=campaign_body(name="Second"))
    first.close()
    log = data_dir / LOG_FILE
    lines = log.read_text().splitlines()
    lines.insert(1, '{"op":"campaign"}')
    log.write_text("\n".join(lines) + "\n")
    with pytest.raises(StoreCorrupt, match=rf"{LOG_FILE}:2: unreadable campaign log line"):
        sandbox_factory(data_dir=data_dir)
    assert log.read_text().splitlines() == lines  # nothing compacted away


def test_a_data_directory_serves_one_sandbox_at_a_time(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = sandbox_factory(data_dir=data_dir)
    with pytest.raises(
        DataDirInUse, match=rf"in use by another running sandbox \(pid {os.getpid()}"
    ):
        start_sandbox(data_dir)
    with bearer_client(first) as client:
        assert client.post("/voice/campaign", json=campaign_body()).status_code == 200
    first.close()
    second = sandbox_factory(data_dir=data_dir)
    assert len(httpx.get(f"{second.base_url}/_sandbox/campaigns").json()) == 1


def test_sandbox_errors_are_the_tools_errors() -> None:
    assert issubclass(SandboxError, CampaignsError)
    for kind in (IdentityError, DataDirInUse, StoreCorrupt):
        assert issubclass(kind, SandboxError)


def test_concurrent_creators_agree_on_one_account_id(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(lambda _: account_id(data_dir), range(32)))
    assert ids == {account_id(data_dir)}
    assert [p.name for p in data_dir.iterdir()] == ["identity.json"]
