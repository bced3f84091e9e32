"""Suite-wide fixtures: the tests behave the same on a laptop and in CI."""

from __future__ import annotations

import os

import pytest

#: Variables of the caller's environment that change the tool's behaviour. CI=true makes apply
#: read guard overrides from git commit trailers; the others point commands elsewhere. Tests that
#: need one set it themselves.
_AMBIENT = (
    "CI",
    "CAMPAIGNS_WORKSPACE",
    "CAMPAIGNS_NO_CACHE",
    "CAMPAIGNS_JOBS",
    "CAMPAIGNS_SANDBOX_FAULTS",
    "CAMPAIGNS_STATE_KEY",
    "ROUTEE_API_URL",
    "ROUTEE_AUTH_URL",
    "ROUTEE_APPLICATION_ID",
    "ROUTEE_APPLICATION_SECRET",
    "NO_COLOR",
)


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in _AMBIENT:
        monkeypatch.delenv(name, raising=False)
    # A test run started by git (a hook, `git rebase --exec`) inherits GIT_DIR and friends: the
    # tests' own `git init`/`commit` in temporary directories would then write into the caller's
    # repository (seen: core.bare set and test branches created in the checkout's .git).
    for name in [name for name in os.environ if name.startswith("GIT_")]:
        monkeypatch.delenv(name)
    # The parse cache lives in the user's cache directory: each test gets its own.
    monkeypatch.setenv("CAMPAIGNS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
