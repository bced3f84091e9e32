"""Callbacks: loopback only, per strategy, retried on non-200 (routee-voice-api.md section 9)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from reconciler.sandbox.callbacks import is_loopback_url
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body

NUMBERS = ["+306912345600", "+306912345601"]


class Receiver:
    """A loopback HTTP server recording JSON POSTs; the first ``failures`` get HTTP 500."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[tuple[str, Any]] = []
        self.attempts = 0
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                payload = json.loads(self.rfile.read(length))
                receiver.attempts += 1
                failing = receiver.attempts <= receiver.failures
                if not failing:
                    receiver.received.append((self.path, payload))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, done: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert done(), self.received

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


def fast(sandbox_factory: SandboxFactory, **switches: Any) -> Any:
    return sandbox_factory(queued_seconds=0.0, callback_poll_seconds=0.02, **switches)


def test_message_and_campaign_callbacks(
    sandbox_factory: SandboxFactory, receiver: Receiver
) -> None:
    running = fast(sandbox_factory)
    body = campaign_body(
        to=NUMBERS,
        scheduledDate=None,
        callback={"strategy": "OnChange", "url": f"{receiver.url}/message"},
        campaignCallback={"strategy": "OnCompletion", "url": f"{receiver.url}/campaign"},
    )
    with bearer_client(running) as client:
        tracking_id = client.post("/voice/campaign", json=body).json()["trackingId"]
    httpx.post(f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": 30})

    def campaign_done() -> bool:
        return any(path == "/campaign" for path, _ in receiver.received)

    receiver.wait_for(campaign_done)
    [campaign] = [p for path, p in receiver.received if path == "/campaign"]
    assert campaign["trackingId"] == tracking_id
    assert campaign["campaignStatus"] == "Sent"
    assert campaign["totalRecipients"] == 2
    assert campaign["messageStatuses"]["Completed"] == 1
    assert campaign["callbackInfo"] == body["campaignCallback"]
    finals = {
        p["to"]: p["status"]["name"]
        for path, p in receiver.received
        if path == "/message" and p["status"]["name"] in {"Completed", "Failed"}
    }
    assert finals == {NUMBERS[0]: "Completed", NUMBERS[1]: "Failed"}
    sample = next(p for path, p in receiver.received if path == "/message")
    assert sample["campaignTrackingId"] == tracking_id
    assert sample["campaignName"] == "Spring promo"
    assert sample["originatingService"] == "Voice"


def test_on_completion_sends_only_final_statuses(
    sandbox_factory: SandboxFactory, receiver: Receiver
) -> None:
    running = fast(sandbox_factory)
    body = campaign_body(
        to=NUMBERS,
        scheduledDate=None,
        callback={"strategy": "OnCompletion", "url": f"{receiver.url}/message"},
    )
    with bearer_client(running) as client:
        client.post("/voice/campaign", json=body)
    httpx.post(f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": 30})
    receiver.wait_for(lambda: len(receiver.received) >= 2)
    time.sleep(0.1)
    statuses = sorted(p["status"]["name"] for _, p in receiver.received)
    assert statuses == ["Completed", "Failed"]


def test_callbacks_are_retried_on_non_200(sandbox_factory: SandboxFactory) -> None:
    receiver = Receiver(failures=2)
    try:
        running = fast(sandbox_factory)
        body = campaign_body(
            to=NUMBERS[:1],
            scheduledDate=None,
            campaignCallback={"strategy": "OnCompletion", "url": f"{receiver.url}/campaign"},
        )
        with bearer_client(running) as client:
            client.post("/voice/campaign", json=body)
        httpx.post(f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": 30})
        receiver.wait_for(lambda: len(receiver.received) == 1)
        assert receiver.attempts == 3
    finally:
        receiver.close()


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/x", True),
        ("http://127.9.9.9/x", True),
        ("http://localhost/x", True),
        ("http://[::1]:80/x", True),
        ("https://hooks.example.com/routee", False),
        ("http://10.0.0.1/x", False),
        ("ftp://127.0.0.1/x", False),
        ("not a url", False),
    ],
)
def test_only_loopback_urls_are_called(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback
