"""Routee application credentials: read from the environment only, never shown.

Both values count as secrets (design.md section 6), so neither ``repr`` nor ``str`` shows them:
only the last four characters of a long application id, enough to tell two apps apart.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.errors import ConfigError

ID_VARIABLE = "ROUTEE_APPLICATION_ID"
SECRET_VARIABLE = "ROUTEE_APPLICATION_SECRET"
MIN_SCRUBBED_CHARS = 6


@dataclass(frozen=True, repr=False)
class Credentials:
    """An application id and secret from the Routee web platform (Applications)."""

    application_id: str
    application_secret: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        """Read both variables; a missing or empty one is a ConfigError naming it."""
        environ = os.environ if env is None else env
        missing = [name for name in (ID_VARIABLE, SECRET_VARIABLE) if not environ.get(name)]
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} not set: export the Routee application's credentials "
                "(Routee web platform, Applications) in the environment"
            )
        return cls(environ[ID_VARIABLE], environ[SECRET_VARIABLE])

    @property
    def basic_authorization(self) -> str:
        """The ``Authorization`` header value for the token endpoint."""
        raw = f"{self.application_id}:{self.application_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every string that must never appear in a message."""
        encoded = self.basic_authorization.removeprefix("Basic ")
        # A very short id would blank ordinary words; the secret is hidden whatever its length.
        ids = tuple(v for v in (self.application_id, encoded) if len(v) >= MIN_SCRUBBED_CHARS)
        return (self.application_secret, *ids)

    def __repr__(self) -> str:
        return f"Credentials(application_id={self.masked_id!r}, application_secret='***')"

    __str__ = __repr__

    @property
    def masked_id(self) -> str:
        if len(self.application_id) < 12:
            return "***"
        return "***" + self.application_id[-4:]
