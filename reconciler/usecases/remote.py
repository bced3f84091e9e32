"""Where apply's remote calls go: the workspace's Routee endpoint, or an in-process sandbox.

For the ``sandbox`` workspace a sandbox is started on a free loopback port with its data in
``.sandbox/`` (credentials ``sandbox``/``sandbox``) and the state is bound to
``sandbox:<account id>``, which survives restarts on other ports. Faults can be injected into that
in-process sandbox with ``CAMPAIGNS_SANDBOX_FAULTS="lose_response_rate=0.2,latency_ms=50"``
(a demo of the exactly-once protocol; see docs/apply.md). Every other workspace uses its
configured URLs and credentials from ``ROUTEE_APPLICATION_ID`` / ``ROUTEE_APPLICATION_SECRET``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.config import Config, Workspace
from reconciler.enums import NameKey
from reconciler.errors import ConfigError
from reconciler.routee.client import RouteeClient
from reconciler.routee.credentials import Credentials
from reconciler.usecases import Target

SANDBOX_FAULTS_ENV = "CAMPAIGNS_SANDBOX_FAULTS"
SANDBOX_CREDENTIALS = Credentials(application_id="sandbox", application_secret="sandbox")


@dataclass(frozen=True)
class Remote:
    client: RouteeClient
    #: What the state must be bound to: the API URL, or ``sandbox:<account id>``.
    endpoint: str


@contextlib.contextmanager
def connect(target: Target, env: Mapping[str, str] | None = None) -> Iterator[Remote]:
    """Yield a client for ``target``'s workspace; a sandbox started here is stopped on exit."""
    environ = os.environ if env is None else env
    workspace = target.workspace
    if workspace.is_sandbox:
        with _sandbox_remote(target.config, workspace, environ) as remote:
            yield remote
        return
    credentials = Credentials.from_env(environ)
    with _client(workspace, workspace.api_url, workspace.auth_url, credentials) as client:
        yield Remote(client, workspace.api_url)


@contextlib.contextmanager
def _sandbox_remote(
    config: Config, workspace: Workspace, environ: Mapping[str, str]
) -> Iterator[Remote]:
    from reconciler.sandbox.options import SandboxOptions
    from reconciler.sandbox.server import start_sandbox

    options = SandboxOptions()
    try:
        options.set_faults(sandbox_faults(environ.get(SANDBOX_FAULTS_ENV, "")))
    except ValueError as exc:
        raise ConfigError(f"{SANDBOX_FAULTS_ENV}: {exc}") from exc
    with start_sandbox(config.sandbox_dir, "127.0.0.1", options=options) as sandbox:
        url = sandbox.base_url
        with _client(workspace, url, url, SANDBOX_CREDENTIALS) as client:
            yield Remote(client, f"sandbox:{sandbox.account_id}")


def _client(
    workspace: Workspace, api_url: str, auth_url: str, credentials: Credentials
) -> RouteeClient:
    settings = workspace.settings
    return RouteeClient(
        api_url,
        auth_url,
        credentials,
        timeout=settings.timeout_seconds,
        name_key=settings.name_key or NameKey.NAME.value,
    )


def sandbox_faults(text: str) -> dict[str, Any]:
    """Parse ``name=value,name=value`` into the sandbox's fault switches."""
    faults: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            faults[name.strip()] = float(value)
        except ValueError:
            raise ConfigError(
                f"{SANDBOX_FAULTS_ENV}: {part!r} is not name=number "
                "(e.g. lose_response_rate=0.2,latency_ms=50)"
            ) from None
    return faults
