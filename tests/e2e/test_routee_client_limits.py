"""Client limits over real sockets: an overall deadline, a body cap, secrets blanked before a cut.

Each hostile server is a small loopback socket server (a real Routee cannot be made to drip or
flood); the client under test is the real RouteeClient with its real httpx transport.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from reconciler.routee.client import Credentials, RouteeClient
from reconciler.routee.errors import (
    OutcomeUnknown,
    ServerError,
    UnexpectedResponse,
    ValidationRejected,
)

SECRET = "s3cr3t-Value-0123456789"
CREDENTIALS = Credentials("app-id-0001", SECRET)
TOKEN = b'{"access_token": "tok-abcdef123456", "token_type": "bearer", "expires_in": 3600}'
Responder = Callable[[socket.socket], None]


def _answer(conn: socket.socket, status: str, body: bytes) -> None:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
    conn.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(rest) < length:
        rest += conn.recv(65536)
    return head


class HostileServer:
    """Answers /oauth/token properly and every other request with ``respond``."""

    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            try:
                while head := _read_request(conn):
                    if b"/oauth/token" in head.split(b"\r\n")[0]:
                        _answer(conn, "200 OK", TOKEN)
                    else:
                        self.respond(conn)
                        return
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Responder], HostileServer]]:
    servers: list[HostileServer] = []

    def start(respond: Responder) -> HostileServer:
        servers.append(HostileServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client_for(server: HostileServer, **options: object) -> RouteeClient:
    return RouteeClient(server.url, server.url, CREDENTIALS, read_retries=0, **options)  # type: ignore[arg-type]


def drip(conn: socket.socket, data: bytes, every: float = 0.5) -> None:
    for byte in data:
        conn.sendall(bytes([byte]))
        time.sleep(every)


def test_a_body_dripped_a_byte_at_a_time_stops_at_the_deadline(serve) -> None:
    body = b'{"trackingId": "t-1", "state": "Scheduled"}' + b" " * 100
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()

    def slow(conn: socket.socket) -> None:
        conn.sendall(head)
        drip(conn, body)

    server = serve(slow)
    started = time.monotonic()
    with client_for(server, timeout=1.0) as client, pytest.raises(OutcomeUnknown) as caught:
        client.submit_campaign({"to": ["+306912345678"]}, "n1")
    elapsed = time.monotonic() - started
    assert "no complete answer within 1 s" in str(caught.value)
    assert elapsed < 10, f"held {elapsed:.1f} s; the drip would take {len(body) * 0.5:.0f} s"


def test_headers_dripped_a_byte_at_a_time_stop_at_the_deadline(serve) -> None:
    head = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
    server = serve(lambda conn: drip(conn, head))
    with client_for(server, timeout=1.0) as client, pytest.raises(OutcomeUnknown):
        client.message_tracking("m1")


def test_a_huge_declared_body_is_not_read(serve) -> None:
    def huge(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 600000000\r\n\r\n{")
        time.sleep(2)

    server = serve(huge)
    with client_for(server, timeout=5.0) as client, pytest.raises(UnexpectedResponse) as caught:
        client.submit_campaign({"to": ["+306912345678"]}, "n1")
    assert "over 16777216 bytes, not read: the request may have taken effect" in str(caught.value)


def test_a_streamed_body_past_the_cap_is_cut_off(serve) -> None:
    def flood(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        try:
            for _ in range(400):  # 26 MB if it were all read
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            return  # the client hung up: what we want

    server = serve(flood)
    client = client_for(server, timeout=10.0, max_response_bytes=1_000_000)
    with client, pytest.raises(ValidationRejected) as caught:
        client.cancel("t-1")
    assert caught.value.status == 400 and caught.value.developer_message == ""


def test_a_secret_is_blanked_before_the_message_is_cut(serve) -> None:
    page = ("<html>" + "x" * 190 + SECRET + " tail</html>").encode()
    server = serve(lambda conn: _answer(conn, "502 Bad Gateway", page))
    with client_for(server) as client, pytest.raises(ServerError) as caught:
        client.submit_campaign({"to": ["+306912345678"]}, "n1")
    shown = str(caught.value) + caught.value.developer_message
    assert "s3cr" not in shown and "***" in shown


def test_a_token_echoed_in_code_and_numbers_in_properties_are_not_shown(serve) -> None:
    body = json.dumps(
        {
            "code": "tok-abcdef123456",
            "developerMessage": f"bad {SECRET}",
            "properties": {"to": "+306912345678 is invalid", "echo": "tok-abcdef123456"},
        }
    ).encode()
    server = serve(lambda conn: _answer(conn, "400 Bad Request", body))
    with client_for(server) as client, pytest.raises(ValidationRejected) as caught:
        client.submit_campaign({"to": ["+306912345678"]}, "n1")
    error = caught.value
    shown = " ".join([str(error), repr(error), str(error.code), json.dumps(error.properties)])
    assert "tok-abcdef123456" not in shown and SECRET not in shown
    assert "+306912345678" not in str(error) and "+30 •••••••• 78" in str(error)
