"""``campaigns optouts``: the numbers that opted out by DTMF, as refresh recorded them."""

from __future__ import annotations

import sys

import click

from reconciler.cli.options import Target, target_options


@click.command("optouts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: a suppression list (number,reason,since); json: every field recorded.",
)
@target_options
def command(*, target: Target, fmt: str) -> None:
    """Every number that pressed one of its campaign's optOutDigits.

    `campaigns refresh` records them in the state from Routee's collectedTones; plan and
    apply then suppress them like the numbers of a suppression list (`campaigns help policy`). The
    CSV has a suppression list's columns, so it can be kept and named in [policy] suppress.

    Offline: reads the state only. Exit codes: 0 shown, 1 no state or unreadable state.
    """
    from reconciler.render.optouts import render_optouts_csv, render_optouts_json
    from reconciler.usecases.status import open_for_status

    opened = open_for_status(target)
    for note in opened.notes:
        sys.stderr.write(f"{note}\n")
    render = render_optouts_csv if fmt == "csv" else render_optouts_json
    render(opened.state.opt_outs, sys.stdout)
