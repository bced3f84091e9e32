"""``campaigns import ID --tracking-id T``: adopt a campaign sent outside the tool; never sends."""

from __future__ import annotations

import click

from reconciler.cli.options import Target, target_options


@click.command("import")
@click.argument("campaign_id", metavar="ID")
@click.option("--tracking-id", required=True, help="Routee's trackingId of the campaign.")
@target_options
def command(*, target: Target, campaign_id: str, tracking_id: str) -> None:
    """Record declared campaign ID as already sent under TRACKING-ID (spec unverified)."""
    from reconciler.apply.importing import import_into_workspace

    submission = import_into_workspace(target, campaign_id, tracking_id)
    click.echo(
        f"Imported {campaign_id} as submission {submission.seq} "
        f"(trackingId {tracking_id}, name {submission.submission_name!r}, "
        f"state {submission.state or 'unknown'}). Commit the state file."
    )
