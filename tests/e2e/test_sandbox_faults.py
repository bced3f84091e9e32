"""Fault injection: what the client sees and what the sandbox really did (design.md section 7)."""

from __future__ import annotations

import time

import httpx
import pytest

from reconciler.sandbox.server import RunningSandbox
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body


def listed(running: RunningSandbox) -> list[dict[str, object]]:
    answer = httpx.get(f"{running.base_url}/_sandbox/campaigns")
    answer.raise_for_status()
    result: list[dict[str, object]] = answer.json()
    return result


def test_lost_response_creates_the_campaign(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(lose_response_rate=1.0)
    with bearer_client(running) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post("/voice/campaign", json=campaign_body())
    [campaign] = listed(running)
    assert campaign["campaignName"] == "Spring promo"
    assert campaign["request"] == campaign_body()


def test_lost_response_on_cancel_still_cancels(sandbox: RunningSandbox) -> None:
    with bearer_client(sandbox) as client:
        tracking_id = client.post("/voice/campaign", json=campaign_body()).json()["trackingId"]
        sandbox.options.lose_response_rate = 1.0
        with pytest.raises(httpx.RemoteProtocolError):
            client.delete(f"/voice/campaign/{tracking_id}")
        sandbox.options.lose_response_rate = 0.0
        again = client.delete(f"/voice/campaign/{tracking_id}")
    assert again.status_code == 404
    assert listed(sandbox)[0]["cancelled"] is True


def test_reset_creates_nothing(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(reset_rate=1.0)
    with bearer_client(running) as client, pytest.raises(httpx.TransportError) as caught:
        client.post("/voice/campaign", json=campaign_body())
    assert not isinstance(caught.value, httpx.TimeoutException)
    assert listed(running) == []


@pytest.mark.parametrize(
    ("switch", "status", "code"),
    [("error_rate", 500, "500000000"), ("rate_limit_rate", 429, "429000000")],
)
def test_5xx_and_429_create_nothing(
    sandbox_factory: SandboxFactory, switch: str, status: int, code: str
) -> None:
    running = sandbox_factory(**{switch: 1.0})
    with bearer_client(running) as client:
        answer = client.post("/voice/campaign", json=campaign_body())
    assert answer.status_code == status
    assert answer.json()["code"] == code
    if status == 429:
        assert answer.headers["Retry-After"] == "1"
    assert listed(running) == []


def test_faults_spare_other_endpoints(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(error_rate=1.0)
    with bearer_client(running) as client:
        answer = client.post("/voice/analysis", json=campaign_body())
    assert answer.status_code == 200


def test_latency_is_added(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(latency_ms=150)
    with bearer_client(running) as client:
        started = time.monotonic()
        client.post("/voice/analysis", json=campaign_body())
        elapsed = time.monotonic() - started
    assert elapsed >= 0.15


def test_faults_are_read_set_and_reset_at_run_time(sandbox: RunningSandbox) -> None:
    url = f"{sandbox.base_url}/_sandbox/faults"
    assert httpx.get(url).json()["error_rate"] == 0.0
    changed = httpx.post(url, json={"error_rate": 0.5, "latency_ms": 5, "seed": 7})
    assert changed.status_code == 200
    assert changed.json()["error_rate"] == 0.5
    assert sandbox.options.latency_ms == 5
    bad = httpx.post(url, json={"error_rate": 2})
    assert bad.status_code == 400
    assert "between 0 and 1" in bad.json()["developerMessage"]
    unknown = httpx.post(url, json={"explode_rate": 1})
    assert unknown.status_code == 400
    assert sandbox.options.error_rate == 0.5
    reset = httpx.post(f"{sandbox.base_url}/_sandbox/reset-faults", json={})
    assert reset.json()["error_rate"] == 0.0
    assert reset.json()["latency_ms"] == 0


def test_seeded_faults_repeat(sandbox_factory: SandboxFactory, tmp_path) -> None:
    outcomes = []
    for run in range(2):
        running = sandbox_factory(error_rate=0.5, seed=42, data_dir=tmp_path / f"run{run}")
        with bearer_client(running) as client:
            codes = [
                client.post("/voice/campaign", json=campaign_body(name=f"c{i}")).status_code
                for i in range(12)
            ]
        outcomes.append(codes)
    assert outcomes[0] == outcomes[1]
    assert {200, 500} == set(outcomes[0])
