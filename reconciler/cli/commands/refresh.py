"""``campaigns refresh``: read Routee tracking for campaigns not yet final."""

from __future__ import annotations

import sys

import click

from reconciler.cli.options import Target, target_options


@click.command("refresh")
@target_options
def command(*, target: Target) -> None:
    """Record state, per-status counts and cost of unfinished campaigns (never finished ones).

    Asks Routee's tracking for every submission not yet final, fills in a trackingId still
    pending after a 409, and settles held cancels when tracking can tell. A 404 from tracking
    means "no messages yet" (a campaign still Scheduled may answer so), never "cancelled". Writes the state file (commit it). Needs
    ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET; with --sandbox, nothing.
    `campaigns status` then shows the result; `campaigns plan --refresh` does both in one go.

    Exit codes: 0 refreshed, 1 error (credentials, endpoint, lock).
    """
    from reconciler.render.refresh import render_refresh  # httpx loads only when needed
    from reconciler.usecases.refresh import refresh_workspace

    report = refresh_workspace(target)
    render_refresh(report, sys.stdout, sys.stderr)
