"""Options every project command shares: ``--dir``, ``--workspace``, ``--sandbox``."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.config import (
    SANDBOX_WORKSPACE,
    Config,
    Workspace,
    check_workspace_name,
    load_config,
)
from reconciler.project_root import find_project_root

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Target:
    """The project and workspace a command works on."""

    config: Config
    workspace: Workspace

    @property
    def root(self) -> Path:
        return self.config.root


class CheckedString(click.types.StringParamType):
    """A string option checked by ``check`` (which raises ValueError with the user's message)."""

    def __init__(self, metavar: str, check: Callable[[str], str]) -> None:
        self.name = metavar
        self.check = check

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return self.check(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


#: A workspace name: it becomes ``state/<name>.json``, so no path separators.
WORKSPACE_NAME = CheckedString("NAME", check_workspace_name)


def _project_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """``--dir`` as given; else the root found from the current directory up (named on stderr
    when it is not the current directory); else the current directory."""
    if value is not None:
        return value
    here = Path.cwd()
    found = find_project_root(here)
    if found is None or found == here:
        return Path()
    click.echo(f"campaigns: project root {found}", err=True)
    return found


def _dir_option(f: F) -> F:
    return click.option(
        "--dir",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=_project_root,
        help="Project root holding campaigns/, state/ and campaigns.toml. Default: the nearest "
        "directory from the current one up that holds campaigns.toml or campaigns/ (stopping at "
        "the top of a git repository), else the current one.",
    )(f)


def project_dir_option(f: F) -> F:
    """``--dir`` alone, for commands that do not touch a workspace (``validate``)."""
    return _dir_option(f)


def target_options(f: F) -> F:
    """``--dir``, ``--workspace`` and ``--sandbox``; the command receives ``target: Target``."""

    def build(project_dir: Path, workspace: str | None, sandbox: bool, **kwargs: Any) -> Any:
        if sandbox and workspace not in (None, SANDBOX_WORKSPACE):
            raise click.UsageError("--sandbox and --workspace name different workspaces")
        name = SANDBOX_WORKSPACE if sandbox else (workspace or "default")
        config = load_config(project_dir)
        return f(target=Target(config=config, workspace=config.workspace(name)), **kwargs)

    build.__name__ = f.__name__
    build.__doc__ = f.__doc__
    decorated = click.option(
        "--sandbox",
        is_flag=True,
        help="Use the 'sandbox' workspace against a Routee sandbox started in-process on a free "
        "loopback port (data kept in .sandbox/).",
    )(build)
    decorated = click.option(
        "--workspace",
        "-w",
        type=WORKSPACE_NAME,
        envvar="CAMPAIGNS_WORKSPACE",
        help="Workspace (state/NAME.json); also read from CAMPAIGNS_WORKSPACE. Default: 'default'.",
    )(decorated)
    return _dir_option(decorated)  # type: ignore[return-value]


def in_ci() -> bool:
    """``CI=true`` (GitHub Actions and most CI systems set it): output goes to a shared log."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


#: ``plan``/``apply --replace ID`` (as Terraform's ``-replace``), repeatable.
replace_option = click.option(
    "--replace",
    "replace",
    multiple=True,
    metavar="ID",
    help="Cancel campaign ID's Scheduled submission and send its declared spec again although "
    "nothing changed (for a submission marked 'spec unverified'). Repeatable.",
)
