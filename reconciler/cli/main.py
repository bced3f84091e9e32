"""Entry point of ``campaigns``: the click group, command discovery and error mapping.

Every exception the tool raises on purpose derives from ``CampaignsError``; it is caught here once,
printed as ``Error: <message>`` on stderr, and mapped to its exit code. ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click

from reconciler import __version__
from reconciler.cli import commands
from reconciler.errors import CampaignsError, ExitCode

EPILOG = """\b
Exit codes:
  0  success, no changes
  1  error (invalid declarations, plan error, failed apply)
  2  changes present (plan --detailed-exitcode)
  3  an in-doubt submission needs a human (see docs/recovery.md)
  4  a guard tripped; re-run with the exact --allow-* number shown
"""


class CampaignsGroup(click.Group):
    """Maps the tool's exceptions to messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CampaignsError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(
    cls=CampaignsGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="campaigns")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Campaigns-as-code for Routee voice campaigns.

    Declare campaigns in campaigns/*.yaml, review `campaigns plan`, and let
    `campaigns apply` submit each one exactly once. Start with `make demo`, or
    `campaigns plan --sandbox` and `campaigns apply --sandbox`.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="campaigns")
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.ERROR)
