"""``campaigns status [--format text|json]``: the campaigns the state knows, offline."""

from __future__ import annotations

import json

import click

from reconciler.cli.options import Target, target_options


@click.command("status")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table; json: a list of rows (id, state, counts, cost, trackingId, flags, pending).",
)
@target_options
def command(*, target: Target, fmt: str) -> None:
    """A table of campaigns: state, counts, cost, trackingId, submitted at, flags.

    Reads the state only; run `campaigns refresh` first for fresh counts. Flags:
    spec unverified (adopted after a 409, or imported), name not echoed,
    pending trackingId, origin (resolved/adopted/imported), forgotten, and
    "held"/"in doubt" for a remote call whose outcome is unknown.

    Offline: needs no credentials. Exit codes: 0 shown, 1 no state or unreadable state.
    """
    from reconciler.state.workspace import endpoint_for, open_workspace
    from reconciler.usecases.status import status_rows, status_table

    config, workspace = target.config, target.workspace
    if workspace.is_sandbox:
        config.state_dir.mkdir(parents=True, exist_ok=True)
    opened = open_workspace(config, workspace, endpoint=endpoint_for(config, workspace))
    for note in opened.notes:
        click.echo(note, err=True)
    if fmt == "json":
        click.echo(json.dumps(status_rows(opened.state), indent=2, sort_keys=True))
        return
    if not opened.state.campaigns and not opened.state.pending:
        click.echo(f"No campaigns in {opened.path} yet.")
        return
    for line in status_table(opened.state):
        click.echo(line)
    if opened.state.pending:
        click.echo(
            f"{len(opened.state.pending)} remote call(s) in doubt (flagged above): "
            "`campaigns apply` settles them by re-sending under the same name; if it exits 3 "
            "(held), see docs/recovery.md."
        )
