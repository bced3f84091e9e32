"""``campaigns refresh``: read Routee tracking for campaigns not yet final."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reconciler.cli.options import Target, target_options

if TYPE_CHECKING:  # imported inside the command: httpx loads only when a command needs it
    from reconciler.usecases.refresh import RefreshReport


def show_refresh(report: RefreshReport) -> None:
    for line in report.notes:
        click.echo(line)
    for line in report.warnings:
        click.echo(f"Warning: {line}", err=True)
    click.echo(f"Refreshed {report.read} submission(s) not yet final.")


@click.command("refresh")
@target_options
def command(*, target: Target) -> None:
    """Record state, per-status counts and cost of unfinished campaigns (never finished ones).

    Asks Routee's tracking for every submission not yet final, fills in a trackingId still
    pending after a 409, marks campaigns Routee no longer knows as cancelled externally, and
    settles held cancels when tracking can tell. Writes the state file (commit it). Needs
    ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET; with --sandbox, nothing.
    `campaigns status` then shows the result; `campaigns plan --refresh` does both in one go.

    Exit codes: 0 refreshed, 1 error (credentials, endpoint, lock).
    """
    from reconciler.usecases.refresh import refresh_workspace

    show_refresh(refresh_workspace(target))
