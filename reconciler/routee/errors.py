"""What can go wrong talking to Routee, as one small tree the apply layer can act on.

The split follows the only question that matters for a submission: *did Routee act on it?*

``RouteeRejected``: a definitive 4xx, nothing was created; ``NotProcessed``: Routee did not act
on it, safe to send again; ``InDoubtError``: a POST/DELETE may or may not have taken effect. The
whole tree, this branch included, is drawn once in ``reconciler.errors``.

Every error carries the HTTP ``status`` (``None`` without an answer), Routee's ``code`` (an opaque
string; a numeric code is accepted and stringified), ``developer_message``, ``properties`` and
``errors``. Messages never hold credentials or tokens: :func:`parse_error_body` blanks them from the
whole body a server echoed, before anything is cut to length or parsed, and again from every string
it parsed (a token echoed in ``code`` included). Phone numbers quoted in Routee's message and
properties are masked (:mod:`reconciler.masking`). This module imports no httpx, so the rest of
the tool can catch these without loading it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler.enums import ErrorCode
from reconciler.errors import CampaignsError
from reconciler.masking import mask_numbers

#: What a secret echoed by a server is replaced with.
BLANK = "***"

#: How much of a non-JSON error body (an HTML 502 page, say) is kept for the message.
BODY_SNIPPET_CHARS = 200


@dataclass(frozen=True)
class ErrorBody:
    """Routee's error fields, read leniently from whatever body came back."""

    code: str | None = None
    developer_message: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    errors: list[Any] = field(default_factory=list)


class RouteeError(CampaignsError):
    """Base of the Routee client's errors; ``str()`` is a one-line message for the user."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: ErrorBody | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        body = body or ErrorBody()
        self.code = body.code
        self.developer_message = body.developer_message
        self.properties = body.properties
        self.errors = body.errors

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status}, code={self.code!r})"


class RouteeRejected(RouteeError):
    """A definitive refusal: Routee answered and created nothing."""


class ValidationRejected(RouteeRejected):
    """400: the request was invalid (or the balance too low); sending it again will not help."""


class NotScheduled(RouteeRejected):
    """400 ``400009002``: the campaign is no longer ``Scheduled``, so it cannot be cancelled."""


class NotFound(RouteeRejected):
    """404: no such campaign, message or contact."""


class NameConflict(RouteeRejected):
    """409 ``409009003``: a campaign with this name exists: perhaps our own earlier attempt."""


class AuthFailed(RouteeRejected):
    """The credentials were refused, or a fresh token was refused again (401/403)."""


class NotProcessed(RouteeError):
    """Routee did not act on the request; it may be sent again after a pause."""


class RateLimited(NotProcessed):
    """429: too many requests. ``retry_after`` is Routee's requested pause in seconds, if any."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: ErrorBody | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body)
        self.retry_after = retry_after


class NotSent(NotProcessed):
    """The request never reached Routee (connection refused, no free connection, no token)."""


class Unreachable(NotSent):
    """No answer from an endpoint within the access check's budget: nothing was sent."""


class InDoubtError(RouteeError):
    """The request may have taken effect. For a submit, only a re-send under the same name tells."""


class ServerError(InDoubtError):
    """5xx: Routee failed somewhere, perhaps after creating the campaign."""


class OutcomeUnknown(InDoubtError):
    """The request was sent, then no answer arrived (timeout, reset, connection closed)."""


class UnexpectedResponse(InDoubtError):
    """A success status whose body is not what Routee documents; not retried (it would repeat)."""


def parse_error_body(content: bytes, secrets: Iterable[str] = ()) -> ErrorBody:
    """Read Routee's error fields from a body of any shape; a non-JSON body becomes the message.

    ``secrets`` are blanked from the raw text first (so cutting it to a snippet can never leave
    half a secret) and then from every parsed string (an escaped secret, a token in ``code``).
    """
    hidden = sorted({s for s in secrets if s}, key=len, reverse=True)
    text = _blank(content.decode("utf-8", "replace"), hidden)
    try:
        data = _blank_all(json.loads(text), hidden)
    except ValueError:
        return ErrorBody(developer_message=_snippet(" ".join(text.split())))
    if not isinstance(data, dict):
        return ErrorBody(developer_message=_snippet(str(data)))
    code = data.get("code", data.get("errorCode"))
    message = next(
        (
            data[key]
            for key in ("developerMessage", "message", "error_description", "error")
            if isinstance(data.get(key), str) and data[key]
        ),
        "",
    )
    properties = data.get("properties")
    errors = data.get("errors")
    return ErrorBody(
        code=None if code is None or isinstance(code, bool) else _snippet(str(code)),
        developer_message=message,
        properties=properties if isinstance(properties, dict) else {},
        errors=errors if isinstance(errors, list) else [],
    )


def _snippet(text: str, limit: int = BODY_SNIPPET_CHARS) -> str:
    return text[:limit]


def _blank(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, BLANK)
    return text


def _blank_all(value: Any, secrets: list[str]) -> Any:
    """``value`` (parsed JSON) with every secret blanked from every string, keys included."""
    if isinstance(value, str):
        return _blank(value, secrets)
    if isinstance(value, list):
        return [_blank_all(item, secrets) for item in value]
    if isinstance(value, dict):
        return {_blank(str(k), secrets): _blank_all(v, secrets) for k, v in value.items()}
    return value


def error_for_status(
    status: int, body: ErrorBody, *, operation: str, retry_after: float | None = None
) -> RouteeError:
    """The error for a non-2xx answer to ``operation`` (e.g. ``"POST /voice/campaign"``)."""
    kind = _kind_for(status, body.code)
    message = _describe(operation, status, body)
    if kind is RateLimited:
        return RateLimited(message, status=status, body=body, retry_after=retry_after)
    return kind(message, status=status, body=body)


def _kind_for(status: int, code: str | None) -> type[RouteeError]:
    """Classify by HTTP status first (codes are unverified for voice), refined by known codes."""
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    if status in (401, 403):
        return AuthFailed
    if status == 404:
        return NotFound
    if status == 409 and code == ErrorCode.NAME_CONFLICT:
        return NameConflict
    if status == 400 and code == ErrorCode.NOT_SCHEDULED:
        return NotScheduled
    if status == 400:
        return ValidationRejected
    return RouteeRejected


def _describe(operation: str, status: int, body: ErrorBody) -> str:
    parts = [f"{operation}: HTTP {status}"]
    if body.code:
        parts.append(f" code {body.code}")
    if body.developer_message:
        parts.append(f": {body.developer_message}")
    if body.properties:
        details = ", ".join(f"{key}: {value}" for key, value in body.properties.items())
        parts.append(f" ({_snippet(details, 5 * BODY_SNIPPET_CHARS)})")
    if body.errors:
        parts.append(f" [{len(body.errors)} item error(s)]")
    return mask_numbers("".join(parts))
