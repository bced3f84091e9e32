"""The project configuration: ``campaigns.toml`` at the project root (optional).

::

    [declarations]
    languages = ["cs-CZ"]          # TTS languages to accept beyond Routee's documented 14

    [workspaces.production]
    api_url = "https://connect.routee.net"
    auth_url = "https://auth.routee.net"
    max_sends = 100                # guard: submissions per apply
    max_recipients = 50000         # guard: recipients per apply
    concurrency = 8                # campaigns submitted at once
    canary_to = "+306900000000"    # number for the dedupe canary (campaigns doctor)

A workspace not named here works with the defaults; its endpoints come from ``ROUTEE_API_URL`` /
``ROUTEE_AUTH_URL`` or Routee's own. The environment overrides the file for the endpoints.
Secrets never live here: only ``ROUTEE_APPLICATION_ID`` / ``ROUTEE_APPLICATION_SECRET``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from reconciler.enums import DOCUMENTED_LANGUAGES
from reconciler.errors import ConfigError

CONFIG_FILE = "campaigns.toml"
#: A workspace name becomes a file name (``state/<name>.json``): no separators, no leading dot.
WORKSPACE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SANDBOX_WORKSPACE = "sandbox"
DEFAULT_API_URL = "https://connect.routee.net"
DEFAULT_AUTH_URL = "https://auth.routee.net"


class WorkspaceSettings(BaseModel):
    """One workspace's settings as written in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: str | None = None
    auth_url: str | None = None
    max_sends: int = Field(default=100, ge=0)
    max_recipients: int = Field(default=50_000, ge=0)
    concurrency: int = Field(default=8, ge=1, le=64)
    canary_to: str | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    name_key: str = "campaignName"


class DeclarationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: list[str] = Field(default_factory=list)


def check_workspace_name(name: str) -> str:
    """``name`` if it can name a workspace (and so a state file); ValueError otherwise."""
    if not WORKSPACE_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a workspace name: use 1-64 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


class ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    declarations: DeclarationSettings = Field(default_factory=DeclarationSettings)
    workspaces: dict[Annotated[str, AfterValidator(check_workspace_name)], WorkspaceSettings] = (
        Field(default_factory=dict)
    )


@dataclass(frozen=True)
class Workspace:
    """A resolved workspace: its name, settings and endpoints after the environment is applied."""

    name: str
    settings: WorkspaceSettings
    api_url: str
    auth_url: str

    @property
    def is_sandbox(self) -> bool:
        return self.name == SANDBOX_WORKSPACE


@dataclass(frozen=True)
class Config:
    """The project: its root and what ``campaigns.toml`` says (defaults when there is none)."""

    root: Path
    file: ConfigFile = field(default_factory=ConfigFile)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(DOCUMENTED_LANGUAGES) | frozenset(self.file.declarations.languages)

    @property
    def campaigns_dir(self) -> Path:
        return self.root / "campaigns"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def sandbox_dir(self) -> Path:
        return self.root / ".sandbox"

    def workspace(self, name: str, env: Mapping[str, str] | None = None) -> Workspace:
        try:
            check_workspace_name(name)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        environ = os.environ if env is None else env
        settings = self.file.workspaces.get(name, WorkspaceSettings())
        api = environ.get("ROUTEE_API_URL") or settings.api_url or DEFAULT_API_URL
        auth = environ.get("ROUTEE_AUTH_URL") or settings.auth_url or DEFAULT_AUTH_URL
        return Workspace(name=name, settings=settings, api_url=api, auth_url=auth)


def load_config(root: Path) -> Config:
    """Read ``campaigns.toml`` under ``root``; a missing file means all defaults."""
    path = root / CONFIG_FILE
    if not root.is_dir():
        raise ConfigError(f"{root}: project directory does not exist")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(root=root)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        return Config(root=root, file=ConfigFile.model_validate(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from exc
