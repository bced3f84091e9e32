"""``campaigns import ID --tracking-id T``: adopt a campaign sent outside the tool; never sends."""

from __future__ import annotations

import click

from reconciler.cli.options import Target, target_options


@click.command("import")
@click.argument("campaign_id", metavar="ID")
@click.option(
    "--tracking-id",
    required=True,
    help="Routee's trackingId of the campaign (from its web platform or API answer).",
)
@target_options
def command(*, target: Target, campaign_id: str, tracking_id: str) -> None:
    """Record declared campaign ID as already sent under TRACKING-ID (spec unverified).

    For a campaign sent outside the tool (Routee's web platform, a script), or an in-doubt
    submission you found in Routee by its submission name (`campaigns help recovery`): the state then
    knows it, and the next apply does not send it. Never sends anything. Reads the campaign's
    tracking from Routee, so it needs ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET.

    When a submission of ID is recorded with its trackingId pending (a lost response, a send
    settled by a 409; the plan says it "cannot be cancelled or replaced until its trackingId is
    known"), import gives it TRACKING-ID instead: Routee must know it and, once the campaign has
    messages, name them as that submission. It can then be cancelled and replaced.

    Refused for an id that is not declared, whose last submission is live with a known
    trackingId, or a trackingId the state already holds. Commit the state file afterwards.

    \b
    Example:
      campaigns import spring-promo --tracking-id 5f3e0c1a-... -w production

    Exit codes: 0 imported or settled, 1 refused or Routee error.
    """
    from reconciler.usecases.importing import import_into_workspace

    submission, settled = import_into_workspace(target, campaign_id, tracking_id)
    if settled:
        click.echo(
            f"Settled {campaign_id}: submission {submission.seq} ({submission.submission_name!r}) "
            f"has trackingId {tracking_id} (state {submission.state or 'unknown'}); it can now "
            "be cancelled and replaced. Commit the state file."
        )
        return
    click.echo(
        f"Imported {campaign_id} as submission {submission.seq} "
        f"(trackingId {tracking_id}, name {submission.submission_name!r}, "
        f"state {submission.state or 'unknown'}). Commit the state file."
    )
    if submission.state is None:
        click.echo(
            "Routee's tracking has no messages for it yet (it may still be Scheduled): "
            "`campaigns refresh` reads it once it starts."
        )
