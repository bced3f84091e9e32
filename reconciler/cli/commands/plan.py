"""``campaigns plan``: show what apply would do, without changing anything (docs/plan.md).

Exit codes: 0 no changes (or changes without ``--detailed-exitcode``), 2 changes with
``--detailed-exitcode``, 1 invalid declarations, plan errors, no state, or bad usage. Guards are
reported, never enforced here.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from reconciler.cli.options import Target, target_options
from reconciler.errors import CampaignsError, ExitCode
from reconciler.load import LoadResult, load_project
from reconciler.load.paths import require_campaigns_dir
from reconciler.models.plan import Plan
from reconciler.plan.diff import diff
from reconciler.plan.guards import GuardLimits
from reconciler.plan.saved import write_plan
from reconciler.render import RENDERERS, RenderOptions
from reconciler.state.workspace import OpenedWorkspace, endpoint_for, open_workspace


def open_for_plan(target: Target) -> OpenedWorkspace | CampaignsError:
    """The workspace (a leftover journal folded), or why it cannot be opened.

    The error is returned, not raised, so that invalid declarations are still reported first.
    """
    config, workspace = target.config, target.workspace
    try:
        opened = open_workspace(config, workspace, endpoint=endpoint_for(config, workspace))
    except CampaignsError as exc:
        return exc
    for note in opened.notes:
        click.echo(note, err=True)
    return opened


def make_plan(target: Target, opened: OpenedWorkspace, loaded: LoadResult, now: datetime) -> Plan:
    """Diff the declarations against the opened workspace's state."""
    settings = target.workspace.settings
    limits = GuardLimits(max_sends=settings.max_sends, max_recipients=settings.max_recipients)
    return diff(loaded.campaigns, opened.state, now, limits=limits)


def report_findings(loaded: LoadResult) -> None:
    """The same lines as ``campaigns validate``."""
    for finding in loaded.findings:
        click.echo(str(finding), err=True)
    files = len({finding.path for finding in loaded.findings})
    count = len(loaded.findings)
    click.echo(
        f"{count} problem{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}: "
        f"no plan was made",
        err=True,
    )


@click.command("plan")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save the plan (canonical JSON, bound to the state serial) for `campaigns apply FILE`.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(RENDERERS)),
    default="text",
    show_default=True,
    help="text: a Terraform-like diff; json: the plan (schema/plan.schema.json); markdown: a "
    "pull-request comment.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes (campaigns only tracked again are not: no remote call).",
)
@click.option(
    "--no-color",
    is_flag=True,
    help="Never colour the text output (colour is used only on a terminal, and never when the "
    "NO_COLOR environment variable is set).",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Read Routee tracking first (campaigns refresh; needs credentials, except with "
    "--sandbox).",
)
@target_options
def command(
    *,
    target: Target,
    out: Path | None,
    output_format: str,
    detailed_exitcode: bool,
    no_color: bool,
    refresh: bool = False,
) -> None:
    """Show what `campaigns apply` would send, cancel or forget. Changes nothing remote.

    Offline unless --refresh. Guards (sends, recipients, late sends) are reported with the exact
    --allow-* flag apply would need; they never change plan's exit code. A plan with errors is
    shown but not saved with --out. Campaigns declared again after their file was deleted are
    shown as "tracked again"; a resolve Routee refused is shown "held: not re-sent". See
    docs/plan.md.

    Exit codes: 0 no changes (or changes without --detailed-exitcode),
    2 changes with --detailed-exitcode, 1 invalid declarations, plan errors, no state, or bad
    usage.
    """
    ctx = click.get_current_context()
    require_campaigns_dir(target.config)  # before a sandbox state or data dir is created
    if refresh:
        from reconciler.cli.commands.refresh import show_refresh
        from reconciler.usecases.refresh import refresh_workspace

        with contextlib.redirect_stdout(sys.stderr):
            show_refresh(refresh_workspace(target))
    opened = open_for_plan(target)
    state = opened.state if isinstance(opened, OpenedWorkspace) else None
    loaded = load_project(target.config, state)
    if loaded.findings:
        report_findings(loaded)
        ctx.exit(ExitCode.ERROR)
    if not isinstance(opened, OpenedWorkspace):
        raise opened
    plan = make_plan(target, opened, loaded, datetime.now(UTC))
    colour = sys.stdout.isatty() and not no_color and not os.environ.get("NO_COLOR")
    options = RenderOptions(color=colour)
    RENDERERS[output_format](plan, sys.stdout, options)
    if plan.errored:
        if out is not None:
            click.echo(f"{out}: not written: a plan with errors cannot be applied", err=True)
        ctx.exit(ExitCode.ERROR)
    if out is not None:
        write_plan(out, plan)
        click.echo(
            f"Saved the plan to {out}: apply it with `{apply_command(target, out)}`.", err=True
        )
    if detailed_exitcode and plan.changes:
        ctx.exit(ExitCode.CHANGES)


def apply_command(target: Target, out: Path) -> str:
    """The command that applies a saved plan to the same project and workspace."""
    words = ["campaigns", "apply"]
    if target.root != Path():
        words += ["--dir", str(target.root)]
    if target.workspace.is_sandbox:
        words.append("--sandbox")
    elif target.workspace.name != "default":
        words += ["--workspace", target.workspace.name]
    return " ".join([*words, str(out)])
