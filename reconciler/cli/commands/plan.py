"""``campaigns plan``: show what apply would do, without changing anything (docs/plan.md).

Exit codes: 0 no changes (or changes without ``--detailed-exitcode``), 2 changes with
``--detailed-exitcode``, 1 invalid declarations, plan errors, no state, or bad usage. Guards are
reported, never enforced here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from reconciler.cli.options import Target, in_ci, replace_option, target_options
from reconciler.clock import current_time
from reconciler.errors import CampaignsError, ExitCode
from reconciler.escape import for_terminal
from reconciler.models.plan import Problem
from reconciler.render import RENDERERS, RenderOptions
from reconciler.usecases.plan import Review, plan_workspace


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
    "--base",
    metavar="REF",
    help="Also report, as plan errors, every file only apply writes (state/, journals, locks, "
    "caches) that differs between REF (its merge base) and the working tree: a pull request "
    "may not edit them. plan.yml passes the pull request's base branch.",
)
@click.option(
    "--mask",
    is_flag=True,
    help="Mask phone numbers in the text plan (country code and last two digits); always on "
    "when CI=true, and always in the markdown comment.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Read Routee tracking first (campaigns refresh; needs credentials, except with "
    "--sandbox).",
)
@replace_option
@target_options
def command(
    *,
    target: Target,
    replace: tuple[str, ...] = (),
    out: Path | None,
    output_format: str,
    detailed_exitcode: bool,
    no_color: bool,
    base: str | None = None,
    mask: bool = False,
    refresh: bool = False,
) -> None:
    """Show what `campaigns apply` would send, cancel or forget. Changes nothing remote.

    Offline unless --refresh. Guards (sends, recipients, late sends, and the safe-to-send guards
    outside-window, over-frequency, cost: `campaigns help policy`) are reported with the exact
    --allow-* flag apply would need; they never change plan's exit code. Suppressed numbers are
    dropped from the requests and shown; CAMPAIGNS_NOW sets the clock for the sandbox (tests,
    demos). A plan error stops only its own campaign (apply performs the others, then exits 1);
    a plan with errors is shown but not saved with --out. Campaigns declared again after their file was deleted are
    shown as "tracked again"; a resolve Routee refused is shown "held: not re-sent". See
    `campaigns help plan`.

    Exit codes: 0 no changes (or changes without --detailed-exitcode),
    2 changes with --detailed-exitcode, 1 invalid declarations, plan errors, no state, or bad
    usage.
    """
    ctx = click.get_current_context()
    # First: a pull request's edit of the state must be reported even when it breaks the state.
    review = Review.of(target, base) if base is not None else None
    protected = review.protected if review is not None else ()
    try:
        result = plan_workspace(
            target,
            current_time(os.environ, sandbox=target.workspace.is_sandbox),
            refresh=refresh,
            replace=replace,
            # only the JSON plan and a saved one show the checksum: not hashed for the others
            sealed=output_format == "json" or out is not None,
            review=review,
        )
    except CampaignsError as exc:
        no_plan(target, protected, output_format, [str(exc)])
        raise
    err = sys.stderr
    if result.refresh is not None:
        from reconciler.render.refresh import render_refresh

        render_refresh(result.refresh, err, err)
    for note in result.notes:  # one line each: an id from a file cannot forge log lines
        err.write(f"{for_terminal(note, single_line=True)}\n")
    plan = result.plan
    if plan is None:
        from reconciler.render.findings import render_no_plan

        no_plan(target, protected, output_format, [str(f) for f in result.loaded.findings])
        render_no_plan(result.loaded, err)
        ctx.exit(ExitCode.ERROR)
    colour = sys.stdout.isatty() and not no_color and not os.environ.get("NO_COLOR")
    options = RenderOptions(color=colour, mask=mask or in_ci())
    RENDERERS[output_format](plan, sys.stdout, options)
    if plan.errored:
        if out is not None:
            err.write(f"{out}: not written: a saved plan must have no errors\n")
        ctx.exit(ExitCode.ERROR)
    if out is not None:
        from reconciler.usecases.plan_file import write_plan

        write_plan(out, plan)
        err.write(f"Saved the plan to {out}: apply it with `{apply_command(target, out)}`.\n")
    if detailed_exitcode and plan.changes:
        ctx.exit(ExitCode.CHANGES)


def no_plan(
    target: Target, protected: Sequence[Problem], output_format: str, why: list[str]
) -> None:
    """No plan was made, so none carries the errors of the files only apply writes: name them
    in the log (stderr), and for markdown write the failure comment with them and ``why``."""
    names = [problem.text for problem in protected]
    for name in names:
        click.echo(f"Error: {name}", err=True)
    if output_format == "markdown":  # the comment says why, escaped; stderr is for the log
        fail_comment(target, "\n".join([*names, *why]))


def fail_comment(target: Target, message: str) -> None:
    """A failed plan's pull-request comment on stdout: the error fenced, escaped and masked."""
    from reconciler.render.markdown import render_failure_markdown

    render_failure_markdown(f"campaigns plan: {target.workspace.name}", message, sys.stdout)


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
