"""``campaigns validate``: every problem in every declaration, one per line, then a count."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler.cli.options import project_dir_option
from reconciler.config import load_config
from reconciler.errors import ExitCode
from reconciler.load import LoadResult, load_project


def _text(result: LoadResult) -> None:
    for finding in result.findings:
        click.echo(str(finding))
    count = len(result.findings)
    if count:
        files = len({finding.path for finding in result.findings})
        click.echo(
            f"{count} problem{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        )
    else:
        click.echo(f"{len(result.campaigns)} campaigns, {result.recipients} recipients, all valid")


def _json(result: LoadResult) -> None:
    click.echo(json.dumps([finding.to_json() for finding in result.findings], indent=2))


RENDERERS = {"text": _text, "json": _json}


@click.command("validate")
@project_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="text: path:line:col: field: message lines; json: a list of finding objects.",
)
@click.pass_context
def command(ctx: click.Context, project_dir: Path, output_format: str) -> None:
    """Check every declaration in campaigns/ and report all problems (exit 1 on any)."""
    result = load_project(load_config(project_dir))
    RENDERERS[output_format](result)
    if result.findings:
        ctx.exit(ExitCode.ERROR)
