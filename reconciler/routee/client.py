"""The Routee voice API client: one synchronous httpx client, safe to share between threads.

One retry policy (``reconciler.routee.retry``): reads (the token, analysis, tracking) are retried
on any transient failure; a submit or a cancel is repeated only while Routee answers "not
processed" (429, or never sent), plus the single repeat after a 401/403 that the token renewal
calls for (a 401/403 means Routee did not act on it). What to do with an ``InDoubtError`` from a
write, or a ``NotProcessed`` left after the retries, is the apply layer's decision. See
docs/routee-client.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from reconciler.errors import ConfigError
from reconciler.routee.credentials import Credentials
from reconciler.routee.errors import (
    InDoubtError,
    NotProcessed,
    UnexpectedResponse,
    Unreachable,
)
from reconciler.routee.retry import RETRYABLE_WRITE_ERRORS, RetryPolicy, exponential_backoff
from reconciler.routee.token import TokenCache
from reconciler.routee.tracking import campaign_name_filter, collect_pages
from reconciler.routee.wire import MAX_BODY_BYTES, Limits, exchange, json_body, raise_for_status

__all__ = ["Credentials", "RouteeClient", "SubmitResult"]

logger = logging.getLogger(__name__)

#: Statuses that mean "renew the token and repeat the request" (routee-voice-api.md section 3).
_TOKEN_REFUSED = frozenset({401, 403})
DEFAULT_PAGE_SIZE = 100
#: How long the access check before an apply may take to say that an endpoint is unreachable.
ACCESS_BUDGET_SECONDS = 10.0
#: The campaign name the access check searches for: a read that changes nothing.
ACCESS_PROBE_NAME = "campaigns-access-probe"
TOKEN_OPERATION = "POST /oauth/token"


@dataclass(frozen=True)
class Access:
    """What the access check called: the token endpoint and one authenticated read."""

    token_url: str
    read: str


@dataclass(frozen=True)
class SubmitResult:
    """Routee's answer to an accepted ``POST /voice/campaign``."""

    tracking_id: str
    state: str | None
    #: The response's ``campaignName`` equals the name sent: this endpoint read our name.
    name_echoed: bool
    #: ``errors[]``: recipients Routee rejected while accepting the campaign.
    errors: list[dict[str, Any]]
    raw: dict[str, Any]


class RouteeClient:
    """Routee's voice endpoints, with errors from ``reconciler.routee.errors`` only."""

    def __init__(
        self,
        api_url: str,
        auth_url: str,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        read_retries: int = 4,
        backoff: Callable[[int], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        name_key: str = "name",
        scope: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        clock: Callable[[], float] = time.monotonic,
        max_response_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._api_url = _endpoint(api_url, "api_url")
        self._auth_url = _endpoint(auth_url, "auth_url")
        self._credentials = credentials
        self._name_key = name_key
        self._page_size = page_size
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "routee-campaigns"},
        )
        #: ``timeout`` bounds each read and write, and the whole request too (connect to last byte).
        self._limits = Limits(deadline_seconds=timeout, max_body_bytes=max_response_bytes)
        self._tokens = TokenCache(
            self._http, self._auth_url, credentials, scope=scope, clock=clock, limits=self._limits
        )
        self._retry = RetryPolicy(max(read_retries, 0), backoff or exponential_backoff, sleep)

    def __repr__(self) -> str:
        return (
            f"RouteeClient(api_url={self._api_url!r}, auth_url={self._auth_url!r}, "
            f"credentials={self._credentials!r})"
        )

    def __enter__(self) -> RouteeClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def name_key(self) -> str:
        """The request key the submission name is sent under (``name``: Routee's voice schema)."""
        return self._name_key

    @name_key.setter
    def name_key(self, key: str) -> None:
        self._name_key = key

    # -- the access check: fails fast, changes nothing -----------------------------------------

    def check_access(self, budget_seconds: float = ACCESS_BUDGET_SECONDS) -> Access:
        """Obtain a token and make one authenticated read, within ``budget_seconds``.

        ``AuthFailed`` when Routee refuses the credentials (one refusal, one message);
        ``Unreachable`` naming the URL when no answer came in time. Nothing changes at Routee.
        Each attempt's overall deadline is cut to what is left of the budget, so an endpoint
        that accepts connections and never answers is given up on in time too.
        """
        deadline = time.monotonic() + budget_seconds
        token_url = self._auth_url + "/oauth/token"
        read_url = self._api_url + "/voice/tracking"
        body = campaign_name_filter(ACCESS_PROBE_NAME)
        self._within(token_url, TOKEN_OPERATION, self._tokens.current, deadline)
        self._within(
            read_url,
            "POST /voice/tracking",
            lambda: self._read_once("POST", "/voice/tracking", json=body, params=self._page(0)),
            deadline,
        )
        return Access(token_url=token_url, read=f"POST {read_url}")

    def _within(
        self, url: str, operation: str, call: Callable[[], object], deadline: float
    ) -> None:
        started = time.monotonic()
        configured = self._limits

        def attempt() -> object:
            left = max(deadline - time.monotonic(), 0.05)
            self._narrow(
                replace(configured, deadline_seconds=min(configured.deadline_seconds, left))
            )
            return call()

        try:
            self._retry.run(operation, attempt, deadline=deadline)
        except (NotProcessed, InDoubtError) as exc:
            seconds = time.monotonic() - started
            raise Unreachable(
                f"Routee did not answer at {url} ({exc}; gave up after {seconds:.1f} s): "
                "check the endpoint (ROUTEE_API_URL / ROUTEE_AUTH_URL or "
                "campaigns.toml) and the network",
                status=exc.status,
            ) from exc
        finally:
            self._narrow(configured)

    def _narrow(self, limits: Limits) -> None:
        """Limits for the requests that follow (the access check runs alone, before any other)."""
        self._limits = limits
        self._tokens.limits = limits

    # -- writes: repeated only while not processed --------------------------------------------

    def submit_campaign(self, body: dict[str, Any], name: str) -> SubmitResult:
        """POST the campaign with ``name`` under :attr:`name_key`; repeated only while Routee did
        not process it. The echo check reads the answer's ``campaignName`` (the voice response key).
        """
        operation = "POST /voice/campaign"
        response = self._write("POST", "/voice/campaign", json={**body, self._name_key: name})
        return _submit_result(json_body(response, operation), name, operation)

    def cancel(self, tracking_id: str) -> None:
        """DELETE a scheduled campaign; the body (empty or JSON) is ignored, the status decides."""
        self._write("DELETE", f"/voice/campaign/{_segment(tracking_id)}")

    # -- reads: retried ----------------------------------------------------------------------

    def analyze(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /voice/analysis``: recipients and countries of a send-out, before sending it."""
        return _object(self._read("POST", "/voice/analysis", json=body), "POST /voice/analysis")

    def message_tracking(self, message_id: str) -> dict[str, Any]:
        path = f"/voice/tracking/{_segment(message_id)}"
        return _object(self._read("GET", path), f"GET {path}")

    def campaign_tracking(self, tracking_id: str) -> list[dict[str, Any]]:
        """Every message record of a campaign, all pages."""
        path = f"/voice/tracking/campaign/{_segment(tracking_id)}"
        return collect_pages(
            lambda page: self._read("GET", path, params=self._page(page)),
            self._page_size,
            f"GET {path}",
        )

    def search_by_campaign_name(self, name: str) -> list[dict[str, Any]]:
        """Every message record whose campaign is named ``name``; none while it is scheduled."""
        body = campaign_name_filter(name)
        return collect_pages(
            lambda page: self._read("POST", "/voice/tracking", json=body, params=self._page(page)),
            self._page_size,
            "POST /voice/tracking",
        )

    # -- plumbing ----------------------------------------------------------------------------

    def _page(self, number: int) -> dict[str, int]:
        return {"page": number, "size": self._page_size}

    def _write(self, method: str, path: str, *, json: Any = None) -> httpx.Response:
        """Send until processed (bounded); a token is obtained (with retries) first."""
        operation = f"{method} {path}"
        self._retry.run(TOKEN_OPERATION, self._tokens.current)

        def renew(stale: str) -> str:
            return self._retry.run(TOKEN_OPERATION, lambda: self._tokens.renew(stale))

        def attempt() -> httpx.Response:
            token = self._tokens.current()
            response = self._authorized(method, path, token, renew, json=json)
            raise_for_status(response, operation, self._tokens.secrets)
            return response

        return self._retry.run(operation, attempt, RETRYABLE_WRITE_ERRORS)

    def _read(
        self, method: str, path: str, *, json: Any = None, params: dict[str, int] | None = None
    ) -> Any:
        self._retry.run(TOKEN_OPERATION, self._tokens.current)  # retries named for what failed
        return self._retry.run(
            f"{method} {path}", lambda: self._read_once(method, path, json=json, params=params)
        )

    def _read_once(
        self, method: str, path: str, *, json: Any = None, params: dict[str, int] | None = None
    ) -> Any:
        token = self._tokens.current()
        response = self._authorized(
            method, path, token, self._tokens.renew, json=json, params=params
        )
        raise_for_status(response, f"{method} {path}", self._tokens.secrets)
        return json_body(response, f"{method} {path}")

    def _authorized(
        self,
        method: str,
        path: str,
        token: str,
        renew: Callable[[str], str],
        *,
        json: Any = None,
        params: dict[str, int] | None = None,
    ) -> httpx.Response:
        """Send with ``token``; on 401/403 renew it and repeat once (Routee's documented rule)."""
        response = self._send(method, path, token, json=json, params=params)
        if response.status_code in _TOKEN_REFUSED:
            logger.info("%s %s: HTTP %d; renewing the token", method, path, response.status_code)
            response = self._send(method, path, renew(token), json=json, params=params)
        return response

    def _send(
        self, method: str, path: str, token: str, *, json: Any, params: dict[str, int] | None
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            self._api_url + path,
            json=json,
            params=params,
            headers={"Authorization": f"Bearer {token}"},
        )
        return exchange(self._http, request, f"{method} {path}", self._limits)


def _submit_result(data: Any, name: str, operation: str) -> SubmitResult:
    tracking_id = data.get("trackingId") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(tracking_id, str) or not tracking_id:
        raise UnexpectedResponse(
            f"{operation}: accepted (HTTP 2xx) but no trackingId in the answer: "
            "the campaign may exist",
        )
    errors = data.get("errors")
    state = data.get("state")
    return SubmitResult(
        tracking_id=tracking_id,
        state=state if isinstance(state, str) else None,
        name_echoed=data.get("campaignName") == name,
        errors=[item for item in errors if isinstance(item, dict)]
        if isinstance(errors, list)
        else [],
        raw=data,
    )


def _object(data: Any, operation: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UnexpectedResponse(f"{operation}: the answer is not a JSON object")
    return data


def _segment(value: str) -> str:
    """A path segment: an id can never reach another path (``../``) or carry a query."""
    return quote(value, safe="")


def _endpoint(url: str, setting: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ConfigError(f"{setting} {url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(f"{setting} {url!r} must be an http(s) URL with a host")
    return url.rstrip("/")
