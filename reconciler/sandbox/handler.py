"""HTTP plumbing: routing, JSON bodies, bearer checks, fault injection and dropped connections.

Routes are a table of (method, path pattern) -> endpoint; endpoints live in ``endpoints`` and work on
decoded JSON. Every answer carries a Content-Length so HTTP/1.1 keep-alive works as with Routee.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from reconciler.sandbox.api_errors import ApiError, rate_limited, server_error, validation_error
from reconciler.sandbox.clock import iso
from reconciler.sandbox.faults import Fault

if TYPE_CHECKING:
    from reconciler.sandbox.endpoints import Endpoints, Route
    from reconciler.sandbox.server import SandboxHTTPServer

MAX_BODY = 8 * 1024 * 1024
log = logging.getLogger(__name__)


class DropConnection(Exception):
    """End the exchange without any response; ``reset`` sends a TCP RST instead of a FIN."""

    def __init__(self, *, reset: bool) -> None:
        super().__init__("reset" if reset else "lost response")
        self.reset = reset


class SandboxHandler(BaseHTTPRequestHandler):
    """One connection; ``server`` carries the sandbox's state."""

    protocol_version = "HTTP/1.1"
    server_version = "RouteeSandbox/1"
    timeout = 30
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm meets the
        # client's delayed ACK and every answer waits about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.client_address[0], *args)

    # -- request pipeline ------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        endpoints: Endpoints = self.server.endpoints
        url = urlsplit(self.path)
        route, params = endpoints.route(method, url.path)
        try:
            status, payload, headers = self._run(route, params, dict(parse_qsl(url.query)))
        except DropConnection as drop:
            self._drop(reset=drop.reset)
            return
        except ApiError as error:
            status, payload, headers = error.status, error.body, error.headers
        except Exception:
            log.exception("sandbox endpoint failed")
            failure = server_error()
            status, payload, headers = failure.status, failure.body, failure.headers
        self._answer(status, payload, headers)

    def _run(
        self, route: Route | None, params: dict[str, str], query: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        if route is None:
            self._discard_body()
            raise self._no_route()
        if route.control:
            return self._control(route, params, query)
        latency = self.server.options.latency_ms
        if latency:
            time.sleep(latency / 1000)
        fault = self.server.faults.draw() if route.faulty else Fault.NONE
        if fault is Fault.RESET:
            raise DropConnection(reset=True)
        body = self._read_body()
        if route.path != "/oauth/token":
            self.server.issuer.check(self.headers.get("Authorization"))
        if fault is Fault.ERROR:
            raise server_error()
        if fault is Fault.RATE_LIMIT:
            raise rate_limited()
        status, payload = route.call(self._request(body, params, query))
        if fault is Fault.LOSE_RESPONSE:
            raise DropConnection(reset=False)
        return status, payload, {}

    def _no_route(self) -> ApiError:
        """404 for an unknown path; 405 with ``Allow`` for a known path and another method."""
        allowed = self.server.endpoints.allowed(urlsplit(self.path).path)
        if not allowed:
            return ApiError(404, self._spring(404, "Not Found", "No handler for this path"))
        message = f"Request method '{self.command}' not supported"
        body = self._spring(405, "Method Not Allowed", message)
        return ApiError(405, body, {"Allow": ", ".join(allowed)})

    def _control(
        self, route: Route, params: dict[str, str], query: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        """``/_sandbox/``: loopback clients, a loopback ``Host`` and JSON bodies only.

        The ``Host`` check stops DNS rebinding (a web page whose name now resolves to 127.0.0.1
        sends its own name); requiring ``application/json`` for a POST stops a cross-site form
        or ``text/plain`` POST, which a browser sends without asking the server first.
        """
        body = self._read_body()
        if not _is_loopback(self.client_address[0]):
            raise ApiError(
                403, self._spring(403, "Forbidden", "Sandbox controls are loopback-only")
            )
        if not is_loopback_host(self.headers.get("Host")):
            message = "Sandbox controls answer only a loopback Host (127.0.0.1, [::1], localhost)"
            raise ApiError(403, self._spring(403, "Forbidden", message))
        if self.command == "POST" and not _is_json(self.headers.get("Content-Type")):
            message = "Sandbox controls take Content-Type: application/json"
            raise ApiError(415, self._spring(415, "Unsupported Media Type", message))
        status, payload = route.call(self._request(body, params, query))
        return status, payload, {}

    def _request(self, body: bytes, params: dict[str, str], query: dict[str, str]) -> Any:
        from reconciler.sandbox.endpoints import Request

        return Request(
            body=body,
            params=params,
            query=query,
            authorization=self.headers.get("Authorization"),
            content_type=self.headers.get("Content-Type", ""),
        )

    # -- wire ------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise validation_error({"Content-Length": "must be an integer"}) from None
        if length > MAX_BODY or length < 0:
            self.close_connection = True
            raise ApiError(413, {"code": "413000000", "developerMessage": "Body too large"})
        return self.rfile.read(length) if length else b""

    def _discard_body(self) -> None:
        with contextlib.suppress(ApiError):
            self._read_body()

    def _answer(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self, *, reset: bool) -> None:
        """Close without answering; the server's ``shutdown_request`` does the closing."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.server.abort_on_close(self.connection)

    def _spring(self, status: int, error: str, message: str) -> dict[str, Any]:
        return {
            "timestamp": iso(time.time()),
            "status": status,
            "error": error,
            "message": message,
            "path": urlsplit(self.path).path,
        }


def _is_loopback(host: str) -> bool:
    return host == "::1" or host.startswith("127.") or host == "::ffff:127.0.0.1"


def is_loopback_host(value: str | None) -> bool:
    """A ``Host`` header naming a loopback address (with or without a port), or localhost."""
    host = (value or "").strip()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == "application/json"
