"""``campaigns bind``: bind a workspace's state to the endpoints configured now, explicitly."""

from __future__ import annotations

import click

from reconciler.cli.options import Target, target_options
from reconciler.state.workspace import bind_workspace


@click.command("bind")
@target_options
def command(target: Target) -> None:
    """Bind state/WORKSPACE.json to the API and auth endpoints configured now.

    The state records both endpoints; plan and apply refuse a configuration that points either
    elsewhere, so credentials never follow an edited auth_url. Run this by hand, once, when an
    endpoint really changed (or to bind a state made before auth binding), and commit the
    state: a pull request that edits state/ fails the plan check (campaigns help security).
    """
    before, after = bind_workspace(target.config, target.workspace)
    name = target.workspace.name
    if after is before:
        click.echo(
            f"state/{name}.json is already bound to {after.endpoint} (auth: "
            f"{after.auth_endpoint}); nothing changed."
        )
        return
    click.echo(f"Re-bound state/{name}.json (serial {after.serial}):")
    click.echo(f"  api:  {before.endpoint} -> {after.endpoint}")
    click.echo(f"  auth: {before.auth_endpoint or '(none)'} -> {after.auth_endpoint}")
    click.echo(
        f'Commit it: git add state/{name}.json && git commit -m "Bind {name} to its endpoints"'
    )
