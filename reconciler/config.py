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
    canary_from = "+306900000001"  # the canary's sender (default: from of campaigns/defaults.yaml)
    timeout_seconds = 30           # per HTTP request
    name_key = "campaignName"      # pin the request key of the campaign name (default: "name",
                                   # Routee's published voice schema, or what doctor recorded)

    [policy]                       # safe to send: suppression, calling windows, caps, cost
    calling_window = "09:00-20:00" # (reconciler.policy.settings, docs/policy.md)
    [workspaces.production.policy] # any [policy] key, for one workspace
    [prices]                       # per-minute prices per country, for the cost estimate

A workspace not named here works with the defaults; its endpoints come from ``ROUTEE_API_URL`` /
``ROUTEE_AUTH_URL`` or Routee's own. The environment overrides the file for the endpoints.
Secrets never live here: only ``ROUTEE_APPLICATION_ID`` / ``ROUTEE_APPLICATION_SECRET``.

An endpoint is an ``https`` URL (``http`` only for a loopback host such as the sandbox, since the
credentials travel to it), without user, password, query or fragment; a trailing ``/`` is dropped,
so ``https://connect.routee.net/`` and ``https://connect.routee.net`` are the same endpoint.
Errors name the file's line where it can be found: ``campaigns.toml:3:1: workspaces.x.y: ...``.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from reconciler.enums import DOCUMENTED_LANGUAGES, SENDER_PATTERN
from reconciler.errors import ConfigError
from reconciler.escape import for_terminal
from reconciler.policy.settings import Policy, PolicySettings, PriceSettings
from reconciler.safefile import MIB, FileRefused, read_bounded

CONFIG_FILE = "campaigns.toml"
#: A campaigns.toml is a few KiB: a larger one is refused, unread.
MAX_CONFIG_BYTES = MIB
#: A workspace name becomes a file name (``state/<name>.json``): no separators, no leading dot.
WORKSPACE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SANDBOX_WORKSPACE = "sandbox"
DEFAULT_API_URL = "https://connect.routee.net"
DEFAULT_AUTH_URL = "https://auth.routee.net"
#: An extra TTS language, written like the documented ones (``cs-CZ``, ``es-LA``).
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}-[A-Z]{2}")
CANARY_NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")
SENDER = re.compile(SENDER_PATTERN)
_LOOPBACK_NAMES = frozenset({"localhost"})
_USERINFO = re.compile(r"//[^/?#]*@")


def check_endpoint(url: str) -> str:
    """``url`` without a trailing ``/`` if it can be a Routee endpoint; ValueError otherwise.

    Messages show the URL with any user and password masked.
    """
    shown = repr(_USERINFO.sub("//***@", url))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"{shown} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{shown} is not an https URL with a host (e.g. {DEFAULT_API_URL})")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "an endpoint must not carry a user or password: credentials come only "
            "from ROUTEE_APPLICATION_ID / ROUTEE_APPLICATION_SECRET"
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"{shown}: an endpoint has no query or fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"{shown}: plain http is allowed only for a loopback host (the "
            "credentials travel to it); use https"
        )
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_language(tag: str) -> str:
    if not LANGUAGE_TAG.fullmatch(tag):
        raise ValueError(f"{tag!r} is not a language tag like cs-CZ (language-COUNTRY)")
    return tag


def check_canary_number(number: str) -> str:
    """``number`` if it is an E.164 phone number (the dedupe canary's); ValueError otherwise."""
    if not CANARY_NUMBER.fullmatch(number):
        raise ValueError(f"{number!r} is not a phone number in E.164 form (+306900000000)")
    return number


def check_sender(sender: str) -> str:
    """``sender`` if Routee takes it as a voice ``from``; ValueError otherwise."""
    if not SENDER.match(sender):
        raise ValueError(
            f"{sender!r} is not a sender: numeric (up to 16 digits, optional leading +) or "
            "alphanumeric (up to 11 letters and digits)"
        )
    return sender


Endpoint = Annotated[str, AfterValidator(check_endpoint)]


class WorkspaceSettings(BaseModel):
    """One workspace's settings as written in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: Endpoint | None = None
    auth_url: Endpoint | None = None
    max_sends: int = Field(default=100, ge=0)
    max_recipients: int = Field(default=50_000, ge=0)
    concurrency: int = Field(default=8, ge=1, le=64)
    canary_to: Annotated[str, AfterValidator(check_canary_number)] | None = None
    #: The canary's sender; None: the ``from`` of campaigns/defaults.yaml.
    canary_from: Annotated[str, AfterValidator(check_sender)] | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    #: None: ``name`` (the published schema), or the key ``campaigns doctor`` found honoured.
    name_key: Literal["name", "campaignName"] | None = None
    policy: PolicySettings | None = None


class DeclarationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: list[Annotated[str, AfterValidator(_check_language)]] = Field(default_factory=list)


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
    policy: PolicySettings | None = None
    prices: PriceSettings | None = None


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

    @functools.cached_property
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

    def policy(self, workspace: str) -> Policy:
        """The ``[policy]`` in force for ``workspace`` (its own keys over the project's)."""
        settings = self.file.workspaces.get(workspace, WorkspaceSettings())
        return Policy.resolve(self.file.policy, settings.policy, self.file.prices)

    def workspace(self, name: str, env: Mapping[str, str] | None = None) -> Workspace:
        try:
            check_workspace_name(name)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        environ = os.environ if env is None else env
        settings = self.file.workspaces.get(name, WorkspaceSettings())
        api = _environment_endpoint(environ, "ROUTEE_API_URL") or settings.api_url
        auth = _environment_endpoint(environ, "ROUTEE_AUTH_URL") or settings.auth_url
        return Workspace(
            name=name,
            settings=settings,
            api_url=api or DEFAULT_API_URL,
            auth_url=auth or DEFAULT_AUTH_URL,
        )


def _environment_endpoint(environ: Mapping[str, str], variable: str) -> str | None:
    value = environ.get(variable)
    if not value:
        return None
    try:
        return check_endpoint(value)
    except ValueError as exc:
        raise ConfigError(f"{variable}: {exc}") from None


def load_config(root: Path) -> Config:
    """Read ``campaigns.toml`` under ``root``; a missing file means all defaults."""
    path = root / CONFIG_FILE
    if not root.is_dir():
        raise ConfigError(f"{root}: project directory does not exist")
    try:
        # Never through a link, only a regular file, bounded: a pull request could make it a
        # link to a file on the runner, or to /dev/zero (safefile; the root may be a link).
        raw = read_bounded(root.resolve() / CONFIG_FILE, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return Config(root=root)
    except FileRefused as exc:
        raise ConfigError(str(exc)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_error(path, str(exc))) from exc
    lines = raw.decode("utf-8").splitlines()
    try:
        file = ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems = sorted(_problem(path, lines, err["loc"], err["msg"]) for err in exc.errors())
        raise ConfigError("\n".join(text for _, text in problems)) from exc
    _check_cost_needs_prices(path, lines, file)
    return Config(root=root, file=file)


def _check_cost_needs_prices(path: Path, lines: list[str], file: ConfigFile) -> None:
    """A ``max_cost`` guard needs a ``[prices]`` table to estimate anything against."""
    if file.prices is not None:
        return
    tables = [("policy",), *(("workspaces", name, "policy") for name in file.workspaces)]
    for keys in tables:
        policy = file.policy if keys == ("policy",) else file.workspaces[keys[1]].policy
        if policy is not None and policy.max_cost is not None:
            _, text = _problem(
                path, lines, (*keys, "max_cost"), "max_cost needs a [prices] table to estimate cost"
            )
            raise ConfigError(text)


_TOML_POSITION = re.compile(r"(.*) \(at line (\d+), column (\d+)\)$")


def _syntax_error(path: Path, message: str) -> str:
    """tomllib's ``msg (at line L, column C)`` as ``path:L:C: msg``."""
    found = _TOML_POSITION.fullmatch(message)
    if found is None:
        return f"{path}: {message}"
    text, line, column = found.groups()
    return f"{path}:{line}:{column}: {text}"


def _problem(
    path: Path, lines: list[str], loc: Sequence[int | str], message: str
) -> tuple[int, str]:
    """A validation error's line (0: not found) and text, ``path:line:col: field: message``."""
    keys = [str(p) for p in loc if p != "[key]"]
    where = ".".join(keys) or "(file)"
    text = message.removeprefix("Value error, ")
    if text == "Extra inputs are not permitted":
        text = _unknown_key(keys)
    line = _key_line(lines, [str(p) for p in loc if isinstance(p, str) and p != "[key]"])
    # One line per problem, whatever a (quoted) key holds: a line break shows as \u000a.
    if line is None:
        return 0, for_terminal(f"{path}: {where}: {text}", single_line=True)
    return line, for_terminal(f"{path}:{line}:1: {where}: {text}", single_line=True)


def _unknown_key(keys: list[str]) -> str:
    """``unknown key``, with the nearest key the table allows when one is close."""
    parent = keys[:-1]
    model: type[BaseModel] = ConfigFile
    if parent == ["declarations"]:
        model = DeclarationSettings
    elif len(parent) == 2 and parent[0] == "workspaces":
        model = WorkspaceSettings
    elif parent[-1:] == ["policy"]:
        model = PolicySettings
    close = difflib.get_close_matches(keys[-1], list(model.model_fields), n=1)
    return f"unknown key (did you mean {close[0]}?)" if close else "unknown key"


def _key_line(lines: list[str], keys: list[str]) -> int | None:
    """The line that writes ``a.b.c`` (``[a.b]`` then ``c =``, or a dotted key), or the line of
    the longest part of it that is written (an inline table, the table's header)."""
    best, best_depth = None, 0
    table: list[str] = []
    for number, text in enumerate(lines, start=1):
        stripped = text.split("#", 1)[0].strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            table = _dotted(stripped.strip("[]"))
            written = table
        elif "=" in stripped:
            written = table + _dotted(stripped.split("=", 1)[0])
        else:
            continue
        depth = min(len(written), len(keys))
        if written[:depth] == keys[:depth] and depth > best_depth:
            best, best_depth = number, depth
    return best


_KEY_PART = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^.]+)')


def _dotted(text: str) -> list[str]:
    """``a."b.c".d`` as ``["a", "b.c", "d"]``."""
    return [next(g for g in m.groups() if g is not None).strip() for m in _KEY_PART.finditer(text)]
