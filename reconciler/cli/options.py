"""Options every project command shares: ``--dir``, ``--workspace``, ``--sandbox``."""

from __future__ import annotations

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


def _dir_option(f: F) -> F:
    return click.option(
        "--dir",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(),
        show_default=".",
        help="Project root holding campaigns/, state/ and campaigns.toml.",
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
