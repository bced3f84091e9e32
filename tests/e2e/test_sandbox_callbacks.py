"""Callbacks: loopback only, per strategy, retried on non-200 (routee-voice-api.md section 9)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.sandbox.callbacks import is_loopback_url
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body

NUMBERS = ["+306912345600", "+306912345601"]


class Receiver:
    """A loopback HTTP server recording JSON POSTs; the first ``failures`` get HTTP 500.

    With ``redirect_to`` every POST is answered 302 to that URL instead.
    """

    def __init__(self, failures: int = 0, redirect_to: str | None = None) -> None:
        self.received: list[tuple[str, Any]] = []
        self.attempts = 0
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                payload = json.loads(self.rfile.read(length))
                receiver.attempts += 1
                if redirect_to is not None:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                failing = receiver.attempts <= receiver.failures
                if not failing:
                    receiver.received.append((self.path, payload))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # what a followed 302 would arrive as
                receiver.attempts += 1
                self.send_response(200)
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


ELSEWHERE = "https://hooks.example.com/routee"


def _walk_through_a_campaign_with_remote_callbacks(running: Any) -> None:
    """Accept a campaign whose callbacks point beyond loopback, then observe its whole life."""
    body = campaign_body(
        to=NUMBERS,
        scheduledDate=None,
        callback={"strategy": "OnChange", "url": f"{ELSEWHERE}/message"},
        campaignCallback={"strategy": "OnChange", "url": f"{ELSEWHERE}/campaign"},
    )
    with bearer_client(running) as client:
        assert client.post("/voice/campaign", json=body).status_code == 200
    for _ in range(12):
        running.state.move_clock(None, 0.5)
        running.state.callbacks.observe()


def test_remote_callback_urls_are_named_once_and_never_warned_about(
    sandbox_factory: SandboxFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="reconciler.sandbox")
    running = fast(sandbox_factory)
    _walk_through_a_campaign_with_remote_callbacks(running)
    skipped = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) > 2  # many changes were observed...
    named = sorted(r.getMessage() for r in skipped if r.levelno == logging.INFO)
    assert named == [  # ...but each URL is named once, and only at INFO
        f"callbacks to {ELSEWHERE}/campaign skipped: the sandbox only calls loopback URLs",
        f"callbacks to {ELSEWHERE}/message skipped: the sandbox only calls loopback URLs",
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_embedded_sandbox_prints_nothing_about_remote_callbacks(tmp_path: Path) -> None:
    """What ``--sandbox`` does: no logging configured, so nothing below WARNING is shown."""
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parents[2])!r})
from pathlib import Path
from reconciler.sandbox.options import SandboxOptions
from reconciler.sandbox.server import start_sandbox
from tests.e2e.test_sandbox_callbacks import _walk_through_a_campaign_with_remote_callbacks
options = SandboxOptions(queued_seconds=0.0, callback_poll_seconds=0.02)
with start_sandbox(Path({str(tmp_path / "data")!r}), options=options) as running:
    _walk_through_a_campaign_with_remote_callbacks(running)
print("done")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "done\n"
    assert result.stderr == ""


def test_redirects_from_a_callback_url_are_not_followed(sandbox_factory: SandboxFactory) -> None:
    target = Receiver()
    redirector = Receiver(redirect_to=f"{target.url}/elsewhere")
    try:
        running = fast(sandbox_factory, callback_retries=1)
        body = campaign_body(
            to=NUMBERS[:1],
            scheduledDate=None,
            campaignCallback={"strategy": "OnCompletion", "url": f"{redirector.url}/campaign"},
        )
        with bearer_client(running) as client:
            client.post("/voice/campaign", json=body)
        httpx.post(f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": 30})
        redirector.wait_for(lambda: redirector.attempts == 2)  # the first try and one retry
        time.sleep(0.3)
        assert target.attempts == 0
    finally:
        redirector.close()
        target.close()
