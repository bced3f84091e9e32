"""The boundary with httpx: send one request, translate every failure into the tree.

No httpx exception leaves this module. The rule is whether the request can have reached Routee:
a failure to connect (or to get a pooled connection) means it never left, so ``NotSent``; a
failure after the first byte was written means it may have been acted on, so ``OutcomeUnknown``.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Iterable
from typing import Any

import httpx

from reconciler.routee.errors import (
    NotSent,
    OutcomeUnknown,
    RouteeError,
    UnexpectedResponse,
    error_for_status,
    parse_error_body,
    scrub,
)

logger = logging.getLogger(__name__)

#: Failures before any byte of the request was written.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
#: Failures that say the request could not even be built: a wrong endpoint URL, not an outage.
_UNSENDABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)


def exchange(http: httpx.Client, request: httpx.Request, operation: str) -> httpx.Response:
    """Send ``request`` and read its answer; a transport failure becomes a RouteeError."""
    started = time.monotonic()
    try:
        response = http.send(request)
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


def raise_for_status(response: httpx.Response, operation: str, secrets: Iterable[str]) -> None:
    """Raise the tree's error for a non-2xx answer; secrets echoed in the body are blanked."""
    if response.is_success:
        return
    body = scrub(parse_error_body(response.content), secrets)
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
