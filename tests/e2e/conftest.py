"""Fixtures for end-to-end tests: a Routee sandbox on an ephemeral loopback port.

``sandbox`` yields a running sandbox with default options in ``tmp_path``; ``sandbox_factory``
starts more (options as a ``SandboxOptions`` or as keyword switches, an optional ``data_dir`` and
``port``), and closes every one it started. ``sandbox_client`` is a plain httpx client already
holding a token. ``installable`` builds this checkout's wheel once per session
(:mod:`tests.e2e.installed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.sandbox.options import SandboxOptions
from reconciler.sandbox.server import RunningSandbox, start_sandbox
from tests.e2e.installed import Toolbox, toolbox

SandboxFactory = Callable[..., RunningSandbox]


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[SandboxFactory]:
    started: list[RunningSandbox] = []

    def factory(
        options: SandboxOptions | None = None,
        *,
        data_dir: Path | None = None,
        port: int = 0,
        application_id: str = "sandbox",
        application_secret: str = "sandbox",
        **switches: Any,
    ) -> RunningSandbox:
        if switches:
            options = SandboxOptions(**switches)
        running = start_sandbox(
            data_dir or tmp_path / "sandbox",
            port=port,
            options=options,
            application_id=application_id,
            application_secret=application_secret,
        )
        started.append(running)
        return running

    yield factory
    for running in started:
        running.close()


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> RunningSandbox:
    return sandbox_factory()


def bearer_client(running: RunningSandbox, secret: str = "sandbox") -> httpx.Client:
    """An httpx client for ``running`` whose requests carry a fresh bearer token."""
    answer = httpx.post(
        f"{running.base_url}/oauth/token",
        auth=("sandbox", secret),
        data={"grant_type": "client_credentials"},
    )
    answer.raise_for_status()
    token = answer.json()["access_token"]
    return httpx.Client(
        base_url=running.base_url, timeout=10, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def sandbox_client(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with bearer_client(sandbox) as client:
        yield client


SANDBOX_FUTURE = "2030-06-01T10:00:00Z"


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """A valid voice campaign request; keyword arguments replace (or, as None, drop) fields."""
    body: dict[str, Any] = {
        "from": "306900000000",
        "to": ["+306912345678", "+447123123456"],
        "name": "Spring promo",
        "message": {
            "text": "Your appointment is tomorrow",
            "language": "en-GB",
            "gender": "female",
        },
        "scheduledDate": SANDBOX_FUTURE,
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


@pytest.fixture(scope="session")
def installable(tmp_path_factory: pytest.TempPathFactory) -> Toolbox:
    """The wheel of this checkout, and an environment in which pip installs it offline."""
    return toolbox(tmp_path_factory.mktemp("installable"))
