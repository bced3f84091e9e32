"""The boundary with httpx: send one request, translate every failure into the tree.

No httpx exception leaves this module. The rule is whether the request can have reached Routee:
a failure to connect (or to get a pooled connection) means it never left, so ``NotSent``; a
failure after the first byte was written means it may have been acted on, so ``OutcomeUnknown``.

Limits: a request has an overall deadline (:class:`Limits`, the configured ``timeout_seconds``
from connect to the last byte of the answer), so a server dripping a byte at a time cannot hold
it past that; the answer's body is read up to ``max_body_bytes`` (after decompression, so a
gzip bomb stops there too). A body over the cap is not read: a success answer becomes
``UnexpectedResponse`` (in doubt), an error answer keeps its status without its body.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from reconciler.routee.errors import (
    NotSent,
    OutcomeUnknown,
    RouteeError,
    UnexpectedResponse,
    error_for_status,
    parse_error_body,
)

logger = logging.getLogger(__name__)

#: Failures before any byte of the request was written.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
#: Failures that say the request could not even be built: a wrong endpoint URL, not an outage.
_UNSENDABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)


#: Routee's answers are small (a tracking page of 100 records is ~50 KB); 16 MiB is far past that.
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How long one request may take in all, and how much of an answer is read."""

    deadline_seconds: float = 30.0
    max_body_bytes: int = MAX_BODY_BYTES


class _TooLarge(Exception):
    """The body passed the cap; the status is known, the body is not kept."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__("body too large")
        self.response = response


class _Exchange:
    """One request on a worker thread, so the caller can stop waiting at the deadline."""

    def __init__(self, http: httpx.Client, request: httpx.Request, limits: Limits) -> None:
        self.http, self.request, self.limits = http, request, limits
        self.deadline = time.monotonic() + limits.deadline_seconds
        self.done = threading.Event()
        self.response: httpx.Response | None = None
        self.error: BaseException | None = None

    def run(self) -> httpx.Response:
        worker = threading.Thread(target=self._work, name="routee-request", daemon=True)
        worker.start()
        if not self.done.wait(self.limits.deadline_seconds):
            raise _DeadlinePassed
        if self.error is not None:
            raise self.error
        assert self.response is not None
        return self.response

    def _work(self) -> None:
        try:
            self.response = self._send_and_read()
        except BaseException as exc:  # handed to the waiting caller
            self.error = exc
        finally:
            self.done.set()

    def _send_and_read(self) -> httpx.Response:
        response = self.http.send(self.request, stream=True)
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
                raise _TooLarge(response)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.limits.max_body_bytes:
                    raise _TooLarge(response)
                if time.monotonic() > self.deadline:
                    raise _DeadlinePassed  # the caller has stopped waiting: stop reading
                chunks.append(chunk)
        finally:
            response.close()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=b"".join(chunks),
            request=self.request,
        )


class _DeadlinePassed(Exception):
    """The whole request took longer than its deadline."""


def exchange(
    http: httpx.Client, request: httpx.Request, operation: str, limits: Limits | None = None
) -> httpx.Response:
    """Send ``request`` and read its answer within ``limits``; a failure becomes a RouteeError."""
    limits = limits or Limits()
    started = time.monotonic()
    try:
        response = _Exchange(http, request, limits).run()
    except _DeadlinePassed:
        logger.info("%s: no complete answer within %ss", operation, limits.deadline_seconds)
        raise OutcomeUnknown(
            f"{operation}: sent, but no complete answer within {limits.deadline_seconds:g} s "
            "(the request's overall deadline, timeout_seconds)"
        ) from None
    except _TooLarge as exc:
        return _over_cap(exc.response, operation, limits)
    except _NOT_SENT as exc:
        logger.info("%s: not sent (%s)", operation, type(exc).__name__)
        raise NotSent(f"{operation}: not sent: {_describe(exc)}") from exc
    except _UNSENDABLE as exc:
        raise RouteeError(f"{operation}: cannot send: {_describe(exc)}") from exc
    except httpx.HTTPError as exc:
        logger.info("%s: no answer after sending (%s)", operation, type(exc).__name__)
        raise OutcomeUnknown(f"{operation}: sent, but no answer: {_describe(exc)}") from exc
    elapsed = time.monotonic() - started
    logger.debug("%s -> HTTP %d in %.3fs", operation, response.status_code, elapsed)
    return response


def _over_cap(response: httpx.Response, operation: str, limits: Limits) -> httpx.Response:
    if response.is_success:
        raise UnexpectedResponse(
            f"{operation}: HTTP {response.status_code} with a body over "
            f"{limits.max_body_bytes} bytes, not read: the request may have taken effect",
            status=response.status_code,
        )
    logger.info("%s: HTTP %d with an oversized body, dropped", operation, response.status_code)
    return httpx.Response(response.status_code, headers=response.headers, request=response.request)


def raise_for_status(response: httpx.Response, operation: str, secrets: Iterable[str]) -> None:
    """Raise the tree's error for a non-2xx answer; secrets echoed in the body are blanked."""
    if response.is_success:
        return
    body = parse_error_body(response.content, secrets)
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    raise error_for_status(response.status_code, body, operation=operation, retry_after=retry_after)


def json_body(response: httpx.Response, operation: str) -> Any:
    """The parsed JSON of a success answer; anything else is UnexpectedResponse."""
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise UnexpectedResponse(
            f"{operation}: HTTP {response.status_code} with a body that is not JSON",
            status=response.status_code,
        ) from exc


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; junk is ignored."""
    if not value:
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


def _describe(exc: Exception) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
