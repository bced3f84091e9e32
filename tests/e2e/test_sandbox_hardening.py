"""The sandbox's /_sandbox/ controls answer only a loopback Host and JSON; it never calls itself."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body
from tests.e2e.test_sandbox_callbacks import NUMBERS, Receiver


def clock_of(base_url: str) -> float:
    return float(httpx.get(f"{base_url}/_sandbox/clock").json()["offsetSeconds"])


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", ""])
def test_controls_refuse_a_foreign_host_header(sandbox_factory: SandboxFactory, host: str) -> None:
    running = sandbox_factory()
    headers = {"Host": host}
    read = httpx.get(f"{running.base_url}/_sandbox/faults", headers=headers)
    write = httpx.post(
        f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": 3600}, headers=headers
    )
    assert (read.status_code, write.status_code) == (403, 403)
    assert "loopback Host" in write.json()["message"]
    assert clock_of(running.base_url) == 0.0


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:1", "127.0.0.1", "[::1]:8080", "127.9.9.9"]
)
def test_controls_answer_a_loopback_host(sandbox_factory: SandboxFactory, host: str) -> None:
    running = sandbox_factory()
    answer = httpx.get(f"{running.base_url}/_sandbox/faults", headers={"Host": host})
    assert answer.status_code == 200


def test_controls_refuse_a_body_that_is_not_json(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        answer = httpx.post(
            f"{running.base_url}/_sandbox/clock",
            content=b'{"advanceSeconds": 3600}',
            headers=headers,
        )
        assert answer.status_code == 415, content_type
    assert clock_of(running.base_url) == 0.0
    ok = httpx.post(
        f"{running.base_url}/_sandbox/clock",
        content=b'{"advanceSeconds": 5}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 200


def test_the_api_itself_still_answers_any_host(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory()
    with bearer_client(running) as client:
        answer = client.post(
            "/voice/campaign", json=campaign_body(to=NUMBERS), headers={"Host": "api.example"}
        )
    assert answer.status_code == 200


def test_a_callback_never_drives_the_sandboxs_own_controls(
    sandbox_factory: SandboxFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reconciler.sandbox")
    running = sandbox_factory(queued_seconds=0.0, callback_poll_seconds=0.02)
    receiver = Receiver()
    try:
        own = f"{running.base_url}/_sandbox/reset-faults"
        body = campaign_body(
            to=NUMBERS,
            scheduledDate=None,
            callback={"strategy": "OnChange", "url": own},
            campaignCallback={"strategy": "OnCompletion", "url": f"{receiver.url}/campaign"},
        )
        httpx.post(f"{running.base_url}/_sandbox/faults", json={"latency_ms": 7})
        with bearer_client(running) as client:
            assert client.post("/voice/campaign", json=body).status_code == 200
        httpx.post(f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": 30})
        receiver.wait_for(lambda: bool(receiver.received))  # the named loopback URL is called
        time.sleep(0.2)
        assert running.options.latency_ms == 7  # reset-faults was never called
        assert any("never calls itself" in r.getMessage() for r in caplog.records)
        assert [path for path, _ in receiver.received] == ["/campaign"]
    finally:
        receiver.close()
