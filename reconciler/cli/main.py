"""Entry point of ``campaigns``: the click group, command discovery and error mapping.

Every exception the tool raises on purpose derives from ``CampaignsError``; it is caught here once,
printed as ``Error: <message>`` on stderr, and mapped to its exit code. ``--debug`` shows the
traceback instead. While a command runs, stdout and stderr pass through
:class:`~reconciler.escape.TerminalStream`: a control character in an id, a file name or a
server's message is shown as ``\\uXXXX``, never acted on by the terminal.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from types import ModuleType
from typing import Any

import click

from reconciler import __version__
from reconciler.cli import commands
from reconciler.collector import collector_paused
from reconciler.errors import CampaignsError, ExitCode
from reconciler.escape import TerminalStream

EPILOG = """\b
Exit codes:
  0  success, no changes
  1  error (invalid declarations, plan error, failed apply, bad usage, interrupted)
  2  changes present (plan --detailed-exitcode)
  3  an in-doubt submission needs a human (see `campaigns help recovery`)
  4  a guard tripped; re-run with the exact --allow-* number shown

\b
Environment:
  ROUTEE_APPLICATION_ID, ROUTEE_APPLICATION_SECRET
                        credentials (apply, refresh, import, doctor; never in campaigns.toml)
  ROUTEE_API_URL, ROUTEE_AUTH_URL
                        Routee's endpoints, over campaigns.toml's (bound in the state)
  CAMPAIGNS_WORKSPACE   the workspace when --workspace is not given
  CAMPAIGNS_STATE_KEY   seals the state and journal (`campaigns help security`)
  CAMPAIGNS_CACHE_DIR   where the parse cache lives; CAMPAIGNS_NO_CACHE=1 turns it off
  CAMPAIGNS_JOBS        processes loading declarations: auto (default), 1 (serial) or N
  CAMPAIGNS_NOW         the clock, for the sandbox workspace only
  CAMPAIGNS_SANDBOX_FAULTS
                        faults the --sandbox workspace injects (`campaigns help apply`)
"""


def command_name(module_name: str) -> str:
    """The command a module under ``cli/commands`` defines: ``force_unlock`` -> ``force-unlock``.

    A trailing ``_cmd`` lets a command be named after a Python keyword (``import_cmd`` ->
    ``import``). ``tests/unit/test_cli_lazy.py`` checks every module against this rule.
    """
    return module_name.removesuffix("_cmd").replace("_", "-")


class LazyCommands(MutableMapping[str, click.Command]):
    """``Group.commands`` that imports a command's module only when the command is looked up.

    click's documented LazyGroup pattern, applied where click keeps its commands: the group's
    ``list_commands`` iterates the names (found by ``pkgutil`` without importing anything) and
    its ``get_command`` looks one up, which imports that one module. ``campaigns plan`` thus
    never imports apply, the sandbox or the audit log; ``campaigns --help`` imports them all.
    Discovery stays automatic: a new module under ``cli/commands`` is a new command.
    """

    def __init__(self, package: ModuleType) -> None:
        self.package = package.__name__
        found = pkgutil.iter_modules(package.__path__)
        self.modules = {command_name(info.name): info.name for info in found}
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            # A command's imports build ~100,000 objects that live until it exits (modules,
            # classes, pydantic validators): the collector would scan them again and again
            # (~8 % of a plan's imports) for a few hundred unreachable ones (design.md 9).
            with collector_paused():
                module = importlib.import_module(f"{self.package}.{self.modules[name]}")
            command = getattr(module, "command", None)
            if not isinstance(command, click.Command):
                raise KeyError(name)
            self.loaded[name] = command
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        found = self.modules.pop(name, None), self.loaded.pop(name, None)
        if found == (None, None):
            raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.modules.keys() | self.loaded.keys()))

    def __len__(self) -> int:
        return len(self.modules.keys() | self.loaded.keys())


class CampaignsGroup(click.Group):
    """Commands loaded on first use (:class:`LazyCommands`); maps the tool's exceptions to exits.

    click exits 2 on a usage error, which would read as "changes present" to a script using
    ``plan --detailed-exitcode``; here every usage error and interrupt exits 1.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        def run() -> Any:
            return super(CampaignsGroup, self).main(
                args, prog_name, complete_var, standalone_mode=False, **extra
            )

        with terminal_safe_output():
            if not standalone_mode:
                return run()
            try:
                code = run()
            except click.ClickException as exc:
                exc.show()
                sys.exit(ExitCode.ERROR)
            except click.Abort:
                click.echo("Interrupted.", err=True)
                sys.exit(ExitCode.ERROR)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CampaignsError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@contextlib.contextmanager
def terminal_safe_output() -> Iterator[None]:
    """stdout and stderr escape control characters until the block ends (nested: once)."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, TerminalStream):
        sys.stdout = TerminalStream(sys.stdout)
    if not isinstance(sys.stderr, TerminalStream):
        sys.stderr = TerminalStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@click.group(
    cls=CampaignsGroup,
    commands=LazyCommands(commands),
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="campaigns")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Campaigns-as-code for Routee voice campaigns.

    Declare campaigns in campaigns/*.yaml, review `campaigns plan`, and let
    `campaigns apply` submit each one exactly once.

    \b
    New here?
      campaigns init --scaffold        set up a campaigns repository
      campaigns plan --sandbox         try it against a local Routee
      campaigns apply --sandbox
      campaigns help getting-started   the way to the first reviewed campaign
      campaigns help                   every page of the manual
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    """Console-script entry point.

    pydantic loads every installed package's plugin (entry point group ``pydantic``) into each
    model it builds, and such a plugin sees every value validated: phone numbers, requests,
    the state. None is loaded here, and the scan of installed packages for them is skipped.
    """
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    cli.main(prog_name="campaigns")
