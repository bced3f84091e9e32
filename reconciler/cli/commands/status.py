"""``campaigns status [--format text|json]``: the campaigns the state knows, offline."""

from __future__ import annotations

import os
import sys

import click

from reconciler.cli.options import Target, target_options
from reconciler.clock import current_time


@click.command("status")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table; json: a list of rows (id, state, counts, cost, trackingId, flags, pending).",
)
@click.option(
    "--live",
    is_flag=True,
    help="List every submission that may still ring (accepted, not seen started, its "
    "scheduledDate ahead), earlier ones too, and every submit in doubt.",
)
@target_options
def command(*, target: Target, fmt: str, live: bool = False) -> None:
    """A table of campaigns: state, counts, cost, estimate, trackingId, submitted at, flags.

    Reads the state only; run `campaigns refresh` first for fresh counts. The cost is
    what Routee reported; the estimate, with a [prices] table in campaigns.toml, is the
    upper bound of the last submission under today's prices (`campaigns help policy`). Flags:
    spec unverified (adopted after a 409, or imported), name not echoed,
    pending trackingId, origin (resolved/adopted/imported), forgotten, and
    "held"/"in doubt" for a remote call whose outcome is unknown.

    With --live: one row per submission that may still ring (a resend leaves the earlier one
    Scheduled; a deleted file does not cancel), with its date, recipient count and trackingId.

    Offline and read-only: needs no credentials, creates and writes nothing, and is not blocked
    by a running apply (it shows the state as last written and says so). Exit codes: 0 shown,
    1 no state or unreadable state.
    """
    from reconciler.render.status import (
        render_live_text,
        render_status_json,
        render_status_text,
    )
    from reconciler.usecases.status import cost_estimates, live_rows, open_for_status, status_rows

    opened = open_for_status(target)
    for note in opened.notes:
        sys.stderr.write(f"{note}\n")
    if live:
        rows = live_rows(
            opened.state, current_time(os.environ, sandbox=target.workspace.is_sandbox)
        )
        if fmt == "json":
            render_status_json(rows, sys.stdout)
        else:
            render_live_text(rows, sys.stdout)
        return
    rows = status_rows(opened.state, cost_estimates(target, opened.state))
    if fmt == "json":
        render_status_json(rows, sys.stdout)
    else:
        render_status_text(rows, len(opened.state.pending), opened.path, sys.stdout)
