"""``campaigns refresh``: read Routee tracking for campaigns not yet final."""

from __future__ import annotations

import click

from reconciler.apply.refresh import RefreshReport, refresh_workspace
from reconciler.cli.options import Target, target_options


def show_refresh(report: RefreshReport) -> None:
    for line in report.notes:
        click.echo(line)
    for line in report.warnings:
        click.echo(f"Warning: {line}", err=True)
    click.echo(f"Refreshed {report.read} submission(s) not yet final.")


@click.command("refresh")
@target_options
def command(*, target: Target) -> None:
    """Record state, per-status counts and cost of unfinished campaigns (never finished ones)."""
    show_refresh(refresh_workspace(target))
