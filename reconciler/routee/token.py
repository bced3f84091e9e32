"""OAuth2 client-credentials tokens for Routee, cached and shared by every thread.

There is no refresh grant: a token is fetched again shortly before ``expires_in`` runs out, or
when a resource answers 401/403 (routee-voice-api.md section 3). Any failure to get a token means
the request it was for never left, so apart from a refusal of the credentials (``AuthFailed``)
and a 429 every token failure is raised as ``NotSent``: a submit waiting for a token is never in
doubt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from reconciler.routee.credentials import Credentials
from reconciler.routee.errors import (
    AuthFailed,
    NotSent,
    RateLimited,
    RouteeError,
    error_for_status,
    parse_error_body,
)
from reconciler.routee.wire import Limits, exchange, json_body, retry_after_seconds

logger = logging.getLogger(__name__)

DEFAULT_EXPIRES_IN = 3600.0
#: Renew this long before expiry (capped at a tenth of the lifetime for short-lived tokens).
RENEW_MARGIN_SECONDS = 60.0
OPERATION = "POST /oauth/token"


@dataclass(frozen=True, repr=False)
class _Token:
    value: str
    expires_at: float


class TokenCache:
    """Hands out a valid bearer token; fetches one when none is cached or it is stale."""

    def __init__(
        self,
        http: httpx.Client,
        auth_url: str,
        credentials: Credentials,
        *,
        scope: str | None = None,
        clock: Callable[[], float],
        limits: Limits | None = None,
    ) -> None:
        self._http = http
        #: The limits of each token request (the access check narrows them to its budget).
        self.limits = limits or Limits()
        self._url = auth_url.rstrip("/") + "/oauth/token"
        self._credentials = credentials
        self._scope = scope
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = None

    def __repr__(self) -> str:
        return f"TokenCache(url={self._url!r}, cached={self._token is not None})"

    @property
    def secrets(self) -> tuple[str, ...]:
        """The credentials' secrets and the current token: never to appear in a message."""
        token = self._token
        return (*self._credentials.secrets, *((token.value,) if token else ()))

    def current(self) -> str:
        """A token valid for a while yet, fetched now if needed."""
        with self._lock:
            if self._token is None or self._clock() >= self._token.expires_at:
                self._token = self._fetch()
            return self._token.value

    def renew(self, stale: str) -> str:
        """A token other than ``stale``, which a resource refused; one fetch for all threads."""
        with self._lock:
            if self._token is None or self._token.value == stale:
                logger.info("access token refused by a resource; fetching a new one")
                self._token = self._fetch()
            return self._token.value

    def _fetch(self) -> _Token:
        try:
            return self._request_token()
        except (AuthFailed, RateLimited, NotSent):
            raise
        except RouteeError as exc:
            raise NotSent(
                f"no access token, so nothing was sent: {exc}", status=exc.status
            ) from exc

    def _request_token(self) -> _Token:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        request = self._http.build_request(
            "POST",
            self._url,
            data=form,
            headers={"Authorization": self._credentials.basic_authorization},
        )
        response = exchange(self._http, request, OPERATION, self.limits)
        if not response.is_success:
            raise self._refusal(response)
        return self._read(json_body(response, OPERATION))

    def _refusal(self, response: httpx.Response) -> RouteeError:
        body = parse_error_body(response.content, self._credentials.secrets)
        status = response.status_code
        if 400 <= status < 500 and status != 429:
            detail = body.developer_message or "no reason given"
            return AuthFailed(
                f"Routee refused the application credentials ({OPERATION}: HTTP {status}: "
                f"{detail}); check ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET",
                status=status,
                body=body,
            )
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return error_for_status(status, body, operation=OPERATION, retry_after=retry_after)

    def _read(self, data: object) -> _Token:
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise NotSent(f"{OPERATION}: the answer holds no access_token")
        token_type = str(data.get("token_type", "bearer"))
        if token_type.lower() != "bearer":
            raise AuthFailed(f"{OPERATION}: token_type {token_type!r} is not a bearer token")
        lifetime = _seconds(data.get("expires_in"))
        margin = min(RENEW_MARGIN_SECONDS, lifetime / 10)
        return _Token(data["access_token"], self._clock() + lifetime - margin)


def _seconds(value: object) -> float:
    """``expires_in`` as received; absent or unreadable means Routee's documented hour."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return DEFAULT_EXPIRES_IN
    try:
        return max(float(value), 0.0)
    except ValueError:
        return DEFAULT_EXPIRES_IN
