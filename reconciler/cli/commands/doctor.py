"""``campaigns doctor [--canary-to NUMBER]``: check config, credentials, endpoint and dedupe."""

from __future__ import annotations

import click

from reconciler.cli.options import CheckedString, Target, target_options
from reconciler.config import check_canary_number


@click.command("doctor")
@click.option(
    "--canary-to",
    type=CheckedString("NUMBER", check_canary_number),
    help="E.164 number for the dedupe canary (scheduled a year ahead, cancelled at once). "
    "Default: the workspace's canary_to; the sandbox has its own.",
)
@click.option(
    "--cancel-canaries",
    is_flag=True,
    help="Also cancel the canaries a killed doctor or apply left scheduled (listed by "
    "`campaigns status` as (canary) rows) whose trackingId is known.",
)
@target_options
def command(*, target: Target, canary_to: str | None, cancel_canaries: bool) -> None:
    """Check configuration, credentials, endpoint binding and name dedupe.

    Exit 0 when name dedupe is verified on the endpoint, 3 when it is not (in-
    doubt submissions are then held instead of re-sent), 1 on an error
    (configuration, credentials, endpoint). Needs ROUTEE_APPLICATION_ID and
    ROUTEE_APPLICATION_SECRET (not with --sandbox). The canary is one
    recipient, scheduled a year ahead and cancelled at once: nobody is called.
    A canary a killed run left scheduled is named; --cancel-canaries cancels the
    ones whose trackingId is known (never by itself: the trackingIds are read
    from the state file).
    """
    from reconciler.usecases.doctor import run_doctor

    run_doctor(target, canary_to, click.echo, cancel_canaries=cancel_canaries)
