"""``campaigns apply [PLANFILE]``: perform the plan, every campaign exactly once (docs/apply.md)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.options import Target, replace_option, target_options
from reconciler.cli.progress import ProgressBar
from reconciler.errors import ExitCode

if TYPE_CHECKING:  # imported inside the command: httpx loads only when a command needs it
    from reconciler.apply.results import ActionResult
    from reconciler.models.plan import Plan

PROMPT = "Do you want to perform these actions? Only 'yes' will be accepted"


class ClickApplyView:
    """Shows the plan, asks for approval, and prints one line per finished action.

    On a terminal a progress bar stays on the last line under those lines; elsewhere (a pipe, a CI
    log) only the lines are printed. Use it as a context manager so the bar's line is ended. With
    ``to_stderr`` (``--format json``) the plan and the lines go to stderr, leaving stdout to the
    JSON document.
    """

    def __init__(self, tty: bool | None = None, *, to_stderr: bool = False) -> None:
        self._stream = sys.stderr if to_stderr else sys.stdout
        self.tty = self._stream.isatty() if tty is None else tty
        self._bar: ProgressBar | None = None

    def __enter__(self) -> ClickApplyView:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def note(self, text: str) -> None:
        with self._bar.hidden() if self._bar else contextlib.nullcontext():
            click.echo(text, err=True)

    def show_plan(self, plan: Plan) -> None:
        from reconciler.cli.options import in_ci
        from reconciler.render.options import RenderOptions
        from reconciler.render.text import render_text

        render_text(plan, self._stream, RenderOptions(color=self.tty, mask=in_ci()))

    def confirm(self) -> bool:
        if not sys.stdin or sys.stdin.closed:
            return False
        try:
            answer = click.prompt(PROMPT, default="", show_default=False)
        except click.Abort:
            return False
        return str(answer).strip() == "yes"

    def start(self, total: int) -> None:
        if self.tty:
            self._bar = ProgressBar(self._stream, total)
            self._bar.draw()

    def finished(self, result: ActionResult) -> None:
        from reconciler.render.apply import describe

        if self._bar is None:
            click.echo(describe(result), file=self._stream)
        else:
            self._bar.advance(describe(result))


@click.command("apply")
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Skip the interactive approval.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    help="Campaigns submitted at once. Default: the workspace's concurrency (8).",
)
@click.option(
    "--allow-sends",
    type=click.IntRange(0),
    help="Echo the exact sends count to pass the max_sends guard.",
)
@click.option(
    "--allow-recipients",
    type=click.IntRange(0),
    help="Echo the exact recipients count (max_recipients guard).",
)
@click.option(
    "--allow-late",
    type=click.IntRange(0),
    help="Echo the exact number of sends whose scheduledDate has passed.",
)
@click.option(
    "--allow-outside-window",
    type=click.IntRange(0),
    help="Echo the exact number of recipients who would ring outside their calling window.",
)
@click.option(
    "--allow-over-frequency",
    type=click.IntRange(0),
    help="Echo the exact number of calls over the frequency cap (max_calls per per_days).",
)
@click.option(
    "--allow-cost",
    type=click.IntRange(0),
    metavar="AMOUNT",
    help="Echo the estimated cost (whole currency units, rounded up) over max_cost.",
)
@replace_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a line per action and a summary; json: the result as one JSON document on "
    "stdout (the plan and the lines go to stderr); needs --auto-approve or PLANFILE.",
)
@target_options
def command(
    *,
    target: Target,
    output_format: str,
    replace: tuple[str, ...] = (),
    planfile: Path | None,
    auto_approve: bool,
    concurrency: int | None,
    allow_sends: int | None,
    allow_recipients: int | None,
    allow_late: int | None,
    allow_outside_window: int | None,
    allow_over_frequency: int | None,
    allow_cost: int | None,
) -> None:
    """Perform the plan: submit, replace, cancel and forget campaigns, each exactly once.

    Without PLANFILE the plan is made now, shown, and approved by typing 'yes'
    (or --auto-approve). With PLANFILE (from `campaigns plan --out`) a stale or
    altered plan is refused, before credentials are read. Credentials come from ROUTEE_APPLICATION_ID and
    ROUTEE_APPLICATION_SECRET (not needed with --sandbox); the endpoint and the
    guards (max_sends 100, max_recipients 50000 by default) from campaigns.toml.

    Guards stop the apply before any remote call unless the exact count is
    echoed with --allow-sends/--allow-recipients/--allow-late. The safe-to-send
    guards (calling windows, frequency cap, cost; `campaigns help policy`) are echoed
    the same way with --allow-outside-window/--allow-over-frequency/--allow-cost.
    With CI=true the same numbers are also read from the trailers of the commits
    not yet applied (Campaigns-Allow-Recipients: 12480; see `campaigns help ci`); flags win.

    \b
    Examples:
      campaigns apply --sandbox
      campaigns plan -w production --out plan.json && campaigns apply -w production plan.json
      campaigns apply -w production --auto-approve --allow-recipients 12480
      campaigns apply -w production --replace spring-promo   (a spec unverified)
      campaigns apply -w production --auto-approve --format json > result.json

    Credentials and endpoints are checked first (a token and one read, within
    10 s): a refused secret or a dead endpoint stops the apply before the
    prompt with one message, and the state file is left untouched, as it is by
    any apply that sent nothing.

    Exit codes: 0 done or no changes, 1 failures (the others still ran; the
    state records them), credentials or endpoint refused (nothing was sent), a
    stale plan, approval refused, Ctrl-C or bad usage,
    3 an in-doubt submission is held (see `campaigns help recovery`), 4 a guard tripped
    (nothing was sent).
    """
    from reconciler.apply.trailers import guard_allowances
    from reconciler.models.plan import GuardKind
    from reconciler.usecases.apply import ApplyOptions, apply_workspace, raise_for_report

    flags = {
        GuardKind.SENDS: allow_sends,
        GuardKind.RECIPIENTS: allow_recipients,
        GuardKind.LATE: allow_late,
        GuardKind.OUTSIDE_WINDOW: allow_outside_window,
        GuardKind.OVER_FREQUENCY: allow_over_frequency,
        GuardKind.COST: allow_cost,
    }
    allow = guard_allowances(target.root, os.environ, target.workspace.name, flags)
    as_json = output_format == "json"
    if as_json and not (auto_approve or planfile):
        raise click.UsageError(
            "--format json needs --auto-approve or PLANFILE: the approval prompt would mix with "
            "the JSON document"
        )
    options = ApplyOptions(
        plan_file=planfile,
        auto_approve=auto_approve,
        concurrency=concurrency,
        allow=allow,
        replace=frozenset(replace),
    )
    with ClickApplyView(to_stderr=as_json) as view:
        try:
            report = apply_workspace(target, options, view)
        except KeyboardInterrupt:
            view.note(interrupted_message(target))
            sys.exit(ExitCode.ERROR)
    from reconciler.render.apply import render_report, render_report_json

    (render_report_json if as_json else render_report)(report, sys.stdout)
    raise_for_report(report, target.workspace)


def interrupted_message(target: Target) -> str:
    """What an interrupted apply tells: what happened to the sends, and how to finish."""
    return (
        "Interrupted: campaigns not yet started were not sent; those already under way finished "
        f"and are recorded in state/{target.workspace.name}.json. Run the same apply again to "
        "send the rest: nothing is sent twice."
    )
