"""``campaigns force-unlock LOCK_ID``: remove a workspace lock whose holder is gone."""

from __future__ import annotations

import click

from reconciler.cli.options import Target, target_options
from reconciler.state.lock import force_unlock
from reconciler.state.store import lock_path


@click.command("force-unlock")
@click.argument("lock_id")
@target_options
def command(target: Target, lock_id: str) -> None:
    """Remove the workspace lock LOCK_ID (shown in the "locked by" error).

    Only for a lock whose holder is gone for good, e.g. a lock file on a shared file system left
    by a machine that died. A lock held by a live process on this host is refused: stop that
    process instead, and its lock goes with it. See `campaigns help state`.
    """
    path = lock_path(target.config, target.workspace.name)
    info = force_unlock(path, lock_id)
    click.echo(
        f"Removed lock {lock_id} of workspace '{target.workspace.name}' (was: "
        f"{info.get('operation', '?')} by {info.get('owner', '?')}@{info.get('host', '?')}, "
        f"pid {info.get('pid', '?')}, since {info.get('createdAt', '?')})."
    )
