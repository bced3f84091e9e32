"""``campaigns validate``: every problem in every declaration, one per line, then a count."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler.cli.options import project_dir_option
from reconciler.config import load_config
from reconciler.errors import ExitCode
from reconciler.load import LoadResult, load_project
from reconciler.render.markdown import MARKER
from reconciler.render.mask import mask_written_numbers
from reconciler.render.options import MARKDOWN_LIMIT


def _summary(result: LoadResult) -> str:
    count = len(result.findings)
    if not count:
        return (
            f"{_count(len(result.campaigns), 'campaign')}, "
            f"{_count(result.recipients, 'recipient')}, all valid"
        )
    files = len({finding.path for finding in result.findings})
    return f"{_count(count, 'problem')} in {_count(files, 'file')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _text(result: LoadResult) -> None:
    for finding in result.findings:
        click.echo(str(finding))
    click.echo(_summary(result))


def _json(result: LoadResult) -> None:
    click.echo(json.dumps([finding.to_json() for finding in result.findings], indent=2))


def _markdown(result: LoadResult) -> None:
    """A pull-request comment: the plan's marker, numbers masked, whole lines under the cap.

    Every line starts with its path, so none can close the four-backtick fence early.
    """
    body = [MARKER, "### campaigns validate", "", f"**{_summary(result)}**"]
    lines = [mask_written_numbers(str(finding)) for finding in result.findings]
    budget = MARKDOWN_LIMIT - sum(len(line) + 1 for line in body) - 200
    shown = 0
    while shown < len(lines) and budget >= len(lines[shown]) + 1:
        budget -= len(lines[shown]) + 1
        shown += 1
    if lines:
        body += ["", "````", *lines[:shown], "````"]
    if shown < len(lines):
        body += [
            "",
            f"_… and {len(lines) - shown} more problems not shown: run `campaigns validate`._",
        ]
    click.echo("\n".join(body))


RENDERERS = {"text": _text, "json": _json, "markdown": _markdown}


@click.command("validate")
@project_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS)),
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
    RENDERERS[output_format](result)
    if result.findings:
        ctx.exit(ExitCode.ERROR)
