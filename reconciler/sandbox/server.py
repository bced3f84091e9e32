"""Start and stop the sandbox: one ``ThreadingHTTPServer`` on a loopback port.

Why the standard library's ``http.server``: it adds no dependency, a thread per connection is
plenty for a test double (the apply benchmark runs at a concurrency of about 16), and it gives raw
access to each connection's socket, which fault injection needs: a reset is a close with
``SO_LINGER`` 0 before the request is read, a lost response a close after the work is done.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler.sandbox.auth import TokenIssuer
from reconciler.sandbox.callbacks import CallbackNotifier
from reconciler.sandbox.campaigns import CampaignDesk
from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.endpoints import Endpoints
from reconciler.sandbox.errors import SandboxError
from reconciler.sandbox.faults import FaultInjector
from reconciler.sandbox.handler import SandboxHandler
from reconciler.sandbox.identity import account_id
from reconciler.sandbox.options import SandboxOptions
from reconciler.sandbox.store import CampaignStore

JOIN_SECONDS = 5.0

__all__ = ["RunningSandbox", "SandboxError", "SandboxState", "start_sandbox"]


@dataclass
class SandboxState:
    """Everything the endpoints share; ``options`` may be changed while the server runs."""

    options: SandboxOptions
    clock: SandboxClock
    store: CampaignStore
    desk: CampaignDesk
    issuer: TokenIssuer
    faults: FaultInjector
    callbacks: CallbackNotifier

    def move_clock(self, offset: float | None, advance: float | None) -> None:
        """Set and/or advance the clock offset, and persist it so states never run backwards."""
        with self.store.locked():
            if offset is not None:
                self.clock.set_offset(float(offset))
            if advance is not None:
                self.clock.advance(float(advance))
            self.store.set_clock_offset(self.clock.offset)


class SandboxHTTPServer(ThreadingHTTPServer):
    """Tracks its connections so that close() can end them and reset faults can abort them."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        self.state = state
        self.options = state.options
        self.faults = state.faults
        self.issuer = state.issuer
        self.endpoints = Endpoints(state)
        self._lock = threading.Lock()
        self._aborts: set[int] = set()
        self._open: dict[int, socket.socket] = {}
        self._workers: set[threading.Thread] = set()
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, SandboxHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        worker = threading.Thread(target=self._work, args=(request, client_address), daemon=True)
        with self._lock:
            self._open[id(request)] = request
            self._workers.add(worker)
        worker.start()

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._open.pop(id(request), None)
                self._workers.discard(threading.current_thread())

    def abort_on_close(self, request: socket.socket) -> None:
        """Close this connection with a RST (no FIN first) when its exchange ends."""
        with self._lock:
            self._aborts.add(id(request))

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            abort = id(request) in self._aborts
            self._aborts.discard(id(request))
        if abort:
            request.close()
        else:
            super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer is normal here; never print tracebacks."""

    def end_connections(self) -> None:
        with self._lock:
            sockets = list(self._open.values())
            workers = list(self._workers)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(timeout=JOIN_SECONDS)


class RunningSandbox:
    """A sandbox serving in a daemon thread; a context manager that closes it."""

    def __init__(self, server: SandboxHTTPServer, account: str) -> None:
        self._server = server
        self.state = server.state
        self.account_id = account
        host, port = server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._closed = False

    @property
    def options(self) -> SandboxOptions:
        return self.state.options

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> RunningSandbox:
        self.state.callbacks.own_port = self.port
        self.state.callbacks.start()
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, end open connections, stop callbacks and close the store."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._thread.join(timeout=JOIN_SECONDS)
        self._server.end_connections()
        self._server.server_close()
        self.state.callbacks.close()
        self.state.store.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def start_sandbox(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    application_id: str = "sandbox",
    application_secret: str = "sandbox",
    options: SandboxOptions | None = None,
) -> RunningSandbox:
    """Serve a sandbox whose data lives in ``data_dir`` on ``host:port`` (0 = a free port).

    Raises :class:`SandboxError` (a ``CampaignsError``) when it cannot: a non-loopback host, a
    busy port, a data directory that is unreadable, corrupt or in use by another sandbox.
    """
    _require_loopback(host)
    options = options if options is not None else SandboxOptions()
    account = account_id(data_dir)
    try:
        store = CampaignStore(data_dir)
    except OSError as exc:
        raise SandboxError(f"cannot use the data directory {data_dir}: {exc}") from exc
    clock = SandboxClock(store.clock_offset)
    state = SandboxState(
        options=options,
        clock=clock,
        store=store,
        desk=CampaignDesk(store, clock, options),
        issuer=TokenIssuer(application_id, application_secret),
        faults=FaultInjector(options),
        callbacks=CallbackNotifier(store, clock, options),
    )
    try:
        server = SandboxHTTPServer((host, port), state)
    except OSError as exc:
        store.close()
        raise SandboxError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
    return RunningSandbox(server, account).start()


def _require_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SandboxError(f"the sandbox only binds loopback addresses, not {host!r}")
