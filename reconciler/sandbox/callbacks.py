"""Best-effort callbacks (``callback`` per message, ``campaignCallback`` per campaign), loopback only.

A watcher thread looks at campaigns that asked for callbacks every ``callback_poll_seconds`` and
queues one POST per change it observes; a sender thread delivers them, retrying up to
``callback_retries`` times on anything but HTTP 200 (section 9). Changes the clock jumps over are
not invented: after a big clock advance a message reports only the status it is in. Non-loopback
URLs are never called: each is logged once at INFO (``campaigns sandbox`` shows INFO; a sandbox
embedded by ``--sandbox`` does not, so a demo's ``https://hooks.example.com`` callbacks stay
quiet), then at DEBUG. What was notified is kept in memory only, so a restarted sandbox starts
watching from the campaigns' current states.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import queue
import socket
import threading
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from reconciler.enums import FINAL_VOICE_STATUSES, CallbackStrategy, CampaignState
from reconciler.sandbox import lifecycle
from reconciler.sandbox.clock import SandboxClock, iso
from reconciler.sandbox.options import SandboxOptions
from reconciler.sandbox.store import CampaignStore

log = logging.getLogger(__name__)
Delivery = tuple[str, dict[str, Any]]


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs on 127.0.0.0/8, ``::1``, or ``localhost`` if it resolves there only."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a bad port raises here, not later in the sender
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"}:
        return False
    if host == "localhost":
        return _resolves_to_loopback_only(host)
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _resolves_to_loopback_only(host: str) -> bool:
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(found) and all(ipaddress.ip_address(f[4][0]).is_loopback for f in found)


def _port_of(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


class CallbackNotifier:
    """Observes watched campaigns and POSTs their changes to loopback URLs."""

    def __init__(self, store: CampaignStore, clock: SandboxClock, options: SandboxOptions) -> None:
        self.store, self.clock, self.options = store, clock, options
        self._seen: dict[str, tuple[str, dict[int, str]]] = {}
        self._skipped: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._outbox: queue.Queue[Delivery | None] = queue.Queue()
        #: The sandbox's own port: a callback there would drive its own /_sandbox/ controls.
        self.own_port: int | None = None
        self._threads = [
            threading.Thread(target=self._watch_loop, name="sandbox-callback-watch", daemon=True),
            threading.Thread(target=self._send_loop, name="sandbox-callback-send", daemon=True),
        ]
        now = clock.now()
        for record in store.all():
            if _wants_callbacks(record) and not record.get("cancelled"):
                self._seen[record["trackingId"]] = self._snapshot(record, now)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        self._stop.set()
        self._outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=5)

    def watch(self, tracking_id: str) -> None:
        """Start watching a new campaign (no-op if it asked for no callbacks)."""
        record = self.store.get(tracking_id)
        if record is not None and _wants_callbacks(record):
            state = lifecycle.campaign_state(record, self.clock.now()).value
            with self._lock:
                self._seen[tracking_id] = (state, {})

    def observe(self) -> None:
        """Queue a callback for every change since the last observation."""
        now = self.clock.now()
        with self._lock:
            watched = list(self._seen.items())
        for tracking_id, before in watched:
            record = self.store.get(tracking_id)
            if record is None or record.get("cancelled"):
                self._forget(tracking_id)
                continue
            after = self._snapshot(record, now)
            self._queue_changes(record, before, after, now)
            with self._lock:
                self._seen[tracking_id] = after
            if after[0] == CampaignState.SENT:
                self._forget(tracking_id)

    def _forget(self, tracking_id: str) -> None:
        with self._lock:
            self._seen.pop(tracking_id, None)

    def _snapshot(self, record: dict[str, Any], now: float) -> tuple[str, dict[int, str]]:
        state = lifecycle.campaign_state(record, now).value
        found = lifecycle.messages(record, now)
        return state, {i: m.status.value for i, m in enumerate(found)}

    def _queue_changes(
        self,
        record: dict[str, Any],
        before: tuple[str, dict[int, str]],
        after: tuple[str, dict[int, str]],
        now: float,
    ) -> None:
        found = lifecycle.messages(record, now)
        per_message = record["request"].get("callback")
        if per_message:
            for index, status in after[1].items():
                if before[1].get(index) != status and _due(per_message, status in _FINAL):
                    self._send(per_message["url"], self._message_payload(record, found[index]))
        per_campaign = record["request"].get("campaignCallback")
        changed = per_campaign and before[0] != after[0]
        if changed and _due(per_campaign, after[0] == CampaignState.SENT):
            self._send(per_campaign["url"], _campaign_payload(record, after[0], found))

    def _send(self, url: str, payload: dict[str, Any]) -> None:
        """Queue a POST to ``url``, exactly the URL the campaign's request named, if allowed."""
        if not is_loopback_url(url):
            self._skip(url, "the sandbox only calls loopback URLs")
            return
        if _port_of(url) == self.own_port:
            self._skip(url, "the sandbox never calls itself (its /_sandbox/ controls)")
            return
        self._outbox.put((url, payload))

    def _skip(self, url: str, why: str) -> None:
        """Never call ``url``; say so once per URL (INFO), then only at DEBUG."""
        with self._lock:
            first = url not in self._skipped
            self._skipped.add(url)
        level = logging.INFO if first else logging.DEBUG
        log.log(level, "callbacks to %s skipped: %s", url, why)

    def _message_payload(self, record: dict[str, Any], message: lifecycle.Message) -> Any:
        body = record["request"]
        return {
            "messageId": message.message_id,
            "campaignTrackingId": record["trackingId"],
            "to": message.number,
            "groups": message.groups,
            "campaignName": record["campaignName"],
            "from": body.get("from"),
            "country": message.country,
            "operator": None,
            "applicationName": self.options.application_name,
            "price": message.price,
            "originatingService": "Voice",
            "status": {"name": message.status.value, "updatedDate": iso(message.since)},
            "direction": "Outbound",
            "audioMessage": body.get("message"),
            "fileURL": body.get("fileURL"),
            "hangupDelay": body.get("hangupDelay"),
            "respectQuietHours": bool(body.get("respectQuietHours")),
            "duration": message.duration,
            "createdAt": record["createdAt"],
            "chargeInterval": 1,
        }

    def _watch_loop(self) -> None:
        while not self._stop.wait(self.options.callback_poll_seconds):
            try:
                self.observe()
            except Exception:  # pragma: no cover - a watcher must never die
                log.exception("callback watcher failed")

    def _send_loop(self) -> None:
        while (item := self._outbox.get()) is not None:
            self._deliver(*item)

    def _deliver(self, url: str, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        attempts = 1 + max(0, self.options.callback_retries)
        for attempt in range(attempts):
            if attempt and self._stop.wait(min(0.1 * attempt, 1.0)):
                return
            request = urllib.request.Request(
                url, data=data, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with _OPENER.open(request, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                log.debug("callback to %s failed: %s", url, exc)
        log.info("callback to %s given up after %d attempts", url, attempts)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is a failed delivery: following it could lead beyond loopback."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: No proxies and no redirects: a loopback callback must never leave the machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _RefuseRedirects())
_FINAL = {s.value for s in FINAL_VOICE_STATUSES}


def _wants_callbacks(record: dict[str, Any]) -> bool:
    body = record["request"]
    return bool(body.get("callback") or body.get("campaignCallback"))


def _due(callback: dict[str, Any], final: bool) -> bool:
    return callback.get("strategy") != CallbackStrategy.ON_COMPLETION or final


def _campaign_payload(record: dict[str, Any], state: str, found: list[lifecycle.Message]) -> Any:
    callback = record["request"]["campaignCallback"]
    return {
        "trackingId": record["trackingId"],
        "name": record["campaignName"],
        "totalRecipients": len(record["recipients"]),
        "campaignStatus": state,
        "messageStatuses": lifecycle.statuses(found),
        "callbackInfo": {"url": callback["url"], "strategy": callback["strategy"]},
    }
