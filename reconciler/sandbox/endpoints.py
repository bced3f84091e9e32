"""The sandbox's endpoints: Routee's token and voice API, and the ``/_sandbox/`` controls.

Each endpoint takes a decoded :class:`Request` and returns ``(status, JSON-able payload)``; a None
payload is an empty body. Routes flagged ``faulty`` get fault injection, ``control`` routes need no
token but only answer loopback clients.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reconciler.sandbox import tracking
from reconciler.sandbox.api_errors import ApiError, tracking_not_found, validation_error
from reconciler.sandbox.clock import iso

if TYPE_CHECKING:
    from reconciler.sandbox.server import SandboxState

Result = tuple[int, Any]


@dataclass(frozen=True)
class Request:
    body: bytes
    params: dict[str, str]
    query: dict[str, str]
    authorization: str | None
    content_type: str

    def json(self) -> Any:
        """The body as JSON, or a 400 validation error naming the parse problem."""
        try:
            return json.loads(self.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise validation_error({"body": f"Malformed JSON: {exc}"}) from None


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    call: Callable[[Request], Result]
    faulty: bool = False
    control: bool = False
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))


class Endpoints:
    """The route table, bound to one sandbox's state."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes = [
            Route("POST", "/oauth/token", self.token),
            Route("POST", "/voice/campaign", self.create, faulty=True),
            Route("DELETE", "/voice/campaign/{trackingId}", self.cancel, faulty=True),
            Route("POST", "/voice/analysis", self.analyze),
            Route("GET", "/voice/tracking/campaign/{trackingId}", self.campaign_tracking),
            Route("POST", "/voice/tracking", self.search),
            Route("GET", "/voice/tracking/{messageId}", self.message),
            Route("GET", "/_sandbox/campaigns", self.campaigns, control=True),
            Route("GET", "/_sandbox/clock", self.clock, control=True),
            Route("POST", "/_sandbox/clock", self.set_clock, control=True),
            Route("GET", "/_sandbox/faults", self.faults, control=True),
            Route("POST", "/_sandbox/faults", self.set_faults, control=True),
            Route("POST", "/_sandbox/reset-faults", self.reset_faults, control=True),
        ]

    def route(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for candidate in self.routes:
            match = candidate.pattern.match(path)
            if match and candidate.method == method:
                return candidate, match.groupdict()
        return None, {}

    def allowed(self, path: str) -> list[str]:
        """The methods some route serves at ``path`` (for a 405's ``Allow`` header)."""
        return sorted({r.method for r in self.routes if r.pattern.match(path)})

    # -- Routee --------------------------------------------------------------------------

    def token(self, request: Request) -> Result:
        ttl = self.state.options.token_ttl
        return 200, self.state.issuer.issue(request.authorization, request.body, ttl)

    def create(self, request: Request) -> Result:
        response = self.state.desk.create(request.json())
        self.state.callbacks.watch(response["trackingId"])
        return 200, response

    def analyze(self, request: Request) -> Result:
        return 200, self.state.desk.analyze(request.json())

    def cancel(self, request: Request) -> Result:
        self.state.desk.cancel(request.params["trackingId"])
        return 200, None

    def campaign_tracking(self, request: Request) -> Result:
        record = self.state.desk.campaign(request.params["trackingId"])
        options = self.state.options
        items = tracking.campaign_records(record, self.state.clock.now(), options)
        if not items and options.empty_tracking == "404":
            raise tracking_not_found(request.params["trackingId"])
        return 200, tracking.page(items, request.query)

    def search(self, request: Request) -> Result:
        filters = request.json()
        if filters is None:
            filters = []
        only = request.query.get("trackingId")
        now, options = self.state.clock.now(), self.state.options
        items: list[dict[str, Any]] = []
        for record in self.state.store.all():
            if only and record["trackingId"] != only:
                continue
            items += tracking.campaign_records(record, now, options)
        return 200, tracking.page(tracking.search(items, filters, request.query), request.query)

    def message(self, request: Request) -> Result:
        record, found = self.state.desk.find_message(request.params["messageId"])
        return 200, tracking.message_record(record, found, self.state.options)

    # -- controls ------------------------------------------------------------------------

    def campaigns(self, request: Request) -> Result:
        return 200, self.state.desk.listing()

    def clock(self, request: Request) -> Result:
        clock = self.state.clock
        return 200, {"now": iso(clock.now()), "offsetSeconds": clock.offset}

    def set_clock(self, request: Request) -> Result:
        body = request.json()
        if not isinstance(body, dict) or not (set(body) & {"advanceSeconds", "offsetSeconds"}):
            raise validation_error({"body": "expected {advanceSeconds: N} or {offsetSeconds: N}"})
        for key in ("advanceSeconds", "offsetSeconds"):
            value = body.get(key)
            if key in body and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise validation_error({key: "must be a number"})
        self.state.move_clock(body.get("offsetSeconds"), body.get("advanceSeconds"))
        return self.clock(request)

    def faults(self, request: Request) -> Result:
        return 200, {**self.state.options.faults(), "seed": self.state.options.seed}

    def set_faults(self, request: Request) -> Result:
        body = request.json()
        if not isinstance(body, dict):
            raise validation_error({"body": "expected an object of fault switches"})
        changes = dict(body)
        seeded = "seed" in changes
        seed = changes.pop("seed", None)
        if seeded and seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise validation_error({"seed": "must be an integer or null"})
        try:
            self.state.options.set_faults(changes)
        except ValueError as exc:
            raise ApiError(400, {"code": "400000000", "developerMessage": str(exc)}) from None
        if seeded:
            self.state.options.seed = seed
            self.state.faults.reseed(seed)
        return self.faults(request)

    def reset_faults(self, request: Request) -> Result:
        self.state.options.reset_faults()
        return self.faults(request)
