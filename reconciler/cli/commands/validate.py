"""``campaigns validate``: every problem in every declaration, one per line, then a count."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconciler.cli.options import project_dir_option
from reconciler.config import load_config
from reconciler.errors import ExitCode
from reconciler.load import load_project
from reconciler.render.findings import FINDINGS_RENDERERS


@click.command("validate")
@project_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FINDINGS_RENDERERS)),
    default="text",
    show_default=True,
    help="text: path:line:col: field: message lines; json: a list of {path, line, column, "
    "field, message} objects; markdown: a pull-request comment (phone numbers masked, the "
    "plan comment's marker, under 60,000 characters).",
)
@click.pass_context
def command(ctx: click.Context, project_dir: Path, output_format: str) -> None:
    """Check every declaration in campaigns/ and report all problems (exit 1 on any).

    Each problem is one line, path:line:col: field: message, sorted by file and place; then a
    count. With no problem: "N campaigns, M recipients, all valid" and exit 0. Nothing is sent
    and no state is needed.
    """
    result = load_project(load_config(project_dir))
    FINDINGS_RENDERERS[output_format](result, sys.stdout)
    if result.findings:
        ctx.exit(ExitCode.ERROR)
