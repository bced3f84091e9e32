"""``campaigns calendar``: when each campaign rings, by day, in the recipients' local time."""

from __future__ import annotations

import os
import sys

import click

from reconciler.cli.options import Target, target_options


@click.command("calendar")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "ics"]),
    default="text",
    show_default=True,
    help="text: by day; markdown: a table; ics: an iCalendar file for a calendar app.",
)
@target_options
def command(*, target: Target, fmt: str) -> None:
    """Every submission that may still ring and every send the plan would make, by day.

    Times are UTC with the local ring times per country of the recipients (the
    calling-window check's zones, `campaigns help policy`). A submission may still ring when it
    was accepted, is not cancelled (nor cancelled by the plan) and is not known to be
    finished: run `campaigns refresh` first for fresh states. Offline, like plan.

    Exit codes: 0 shown, 1 invalid declarations, plan errors (the calendar is still
    shown), no state, or bad usage.
    """
    from reconciler.clock import current_time
    from reconciler.errors import ExitCode
    from reconciler.models.plan import ActionKind
    from reconciler.policy.calendar import planned_rings, scheduled_rings
    from reconciler.render.calendar import calendar_ics, calendar_markdown, calendar_text
    from reconciler.usecases.plan import plan_workspace

    ctx = click.get_current_context()
    now = current_time(os.environ, sandbox=target.workspace.is_sandbox)
    result = plan_workspace(target, now)
    for note in result.notes:
        click.echo(note, err=True)
    plan = result.plan
    if plan is None or result.state is None:
        from reconciler.render.findings import render_no_plan

        render_no_plan(result.loaded, sys.stderr)
        ctx.exit(ExitCode.ERROR)
    cancelled = {
        a.tracking_id
        for a in plan.actions
        if a.action in (ActionKind.CANCEL, ActionKind.REPLACE) and a.tracking_id
    }
    rules = target.config.policy(target.workspace.name).window_rules
    rings = scheduled_rings(result.state, rules, cancelled)
    rings += planned_rings(plan.policy) if plan.policy is not None else []
    if fmt == "ics":
        sys.stdout.write(calendar_ics(rings, now))
    else:
        lines = calendar_text(rings) if fmt == "text" else calendar_markdown(rings, "### Calendar")
        click.echo("\n".join(lines).lstrip("\n"))
    if plan.errored:
        for problem in plan.errors:
            click.echo(f"plan error: {problem.text}", err=True)
        ctx.exit(ExitCode.ERROR)
