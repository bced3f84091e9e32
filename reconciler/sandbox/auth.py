"""OAuth2 client-credentials tokens, as ``POST /oauth/token`` issues them (section 3).

Tokens live in memory only and expire on the real monotonic clock, not the sandbox clock: advancing
the sandbox clock to move campaigns along must not log every client out. A restarted sandbox has
forgotten its tokens, so clients get 401 and fetch a new one, as they must with Routee.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from reconciler.sandbox.api_errors import ApiError, forbidden, not_authenticated
from reconciler.sandbox.clock import iso

SCOPES = (
    "voice",
    "lookup",
    "virtual_number",
    "contact",
    "report",
    "sms",
    "2step",
    "number_validator",
    "account",
)
PERMISSIONS = {
    "voice": "MT_ROLE_VOICE",
    "lookup": "MT_ROLE_LOOKUP",
    "virtual_number": "MT_ROLE_VIRTUAL_NUMBER",
    "contact": "MT_ROLE_CONTACT",
    "report": "MT_ROLE_REPORT",
    "sms": "MT_ROLE_SMS",
    "2step": "MT_ROLE_2STEP",
    "number_validator": "MT_ROLE_NUMBER_VALIDATOR",
    "account": "MT_ROLE_ACCOUNT_FINANCE",
}


@dataclass(frozen=True)
class Token:
    expires: float
    scopes: frozenset[str]


class TokenIssuer:
    """Checks application credentials and issues and verifies bearer tokens."""

    def __init__(self, application_id: str, application_secret: str) -> None:
        self._expected = f"{application_id}:{application_secret}".encode()
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def issue(self, authorization: str | None, form: bytes, ttl: int) -> dict[str, Any]:
        """Answer a token request, or raise 401 (bad credentials) / 400 (bad grant)."""
        if not self._credentials_ok(authorization):
            raise ApiError(401, _spring_401())
        fields = parse_qs(form.decode("utf-8", "replace"))
        grant = fields.get("grant_type", [""])[0]
        if grant != "client_credentials":
            raise ApiError(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": f"Unsupported grant type: {grant}",
                },
            )
        scopes = _granted(fields.get("scope", [""])[0])
        token = str(uuid.uuid4())
        with self._lock:
            self._tokens[token] = Token(time.monotonic() + ttl, scopes)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": ttl,
            "scope": " ".join(s for s in SCOPES if s in scopes),
            "permissions": [PERMISSIONS[s] for s in SCOPES if s in scopes],
        }

    def check(self, authorization: str | None) -> None:
        """Raise 401 unless a valid unexpired bearer token is given, 403 if it lacks ``voice``."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise not_authenticated("Full authentication is required to access this resource")
        with self._lock:
            token = self._tokens.get(authorization[7:].strip())
        if token is None or token.expires <= time.monotonic():
            raise not_authenticated("Invalid or expired access token")
        if "voice" not in token.scopes:
            raise forbidden("access token does not have the right to use Voice service")

    def _credentials_ok(self, authorization: str | None) -> bool:
        if not authorization or not authorization.lower().startswith("basic "):
            return False
        try:
            given = base64.b64decode(authorization[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self._expected)


def _granted(requested: str) -> frozenset[str]:
    asked = {s for s in re.split(r"[\s,]+", requested) if s}
    return frozenset(asked & set(SCOPES)) if asked else frozenset(SCOPES)


def _spring_401() -> dict[str, Any]:
    return {
        "timestamp": iso(time.time()),
        "status": 401,
        "error": "Unauthorized",
        "message": "Bad credentials",
        "path": "/oauth/token",
    }
