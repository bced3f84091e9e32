"""``campaigns init``: create a workspace's state file, once, and say to commit it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconciler.cli.options import Target, target_options
from reconciler.errors import CampaignsError
from reconciler.state.errors import StateError
from reconciler.state.store import create_state, load_state, new_state, state_path
from reconciler.state.workspace import auth_endpoint_for, endpoint_for


@click.command("init")
@click.option(
    "--scaffold",
    is_flag=True,
    help="Set up a campaigns repository instead: campaigns.toml, an example declaration, "
    "schema/, .gitignore and the GitHub workflows. Never overwrites a file.",
)
@click.option("--force", is_flag=True, help="With --scaffold: overwrite files that differ.")
@target_options
def command(target: Target, scaffold: bool, force: bool) -> None:
    """Create state/WORKSPACE.json for a new workspace (refuses if it exists).

    The state's lineage seeds every submission name, so a workspace is created once and its state
    committed; plan and apply never create one silently (except for the sandbox).

    With --scaffold, set up a campaigns repository instead, in the project root (--dir, else the
    one found from the current directory up, else the current directory); no workspace state is
    created. Each file is listed as created, unchanged or kept (it differs, and only --force
    overwrites it); a second run changes nothing. The workflows install exactly this version of
    the tool.
    """
    if force and not scaffold:
        raise click.UsageError(
            "--force goes with --scaffold (a workspace's state is never replaced)"
        )
    if scaffold:
        from reconciler.render.scaffold import render_scaffold
        from reconciler.usecases.scaffold import scaffold_repository

        render_scaffold(scaffold_repository(target.root, force), sys.stdout)
        return
    workspace = target.workspace
    path = state_path(target.config, workspace.name)
    endpoint = endpoint_for(target.config, workspace)
    state = new_state(workspace.name, endpoint, auth_endpoint_for(workspace, endpoint))
    try:
        create_state(path, state)
    except StateError as exc:
        if not path.exists():
            raise
        raise StateError(_already_there(path)) from exc
    click.echo(f"Created {path}")
    click.echo(f"  lineage:  {state.lineage}")
    click.echo(f"  endpoint: {state.endpoint}")
    click.echo(f"  auth:     {state.auth_endpoint}")
    click.echo(_next_step(target.root, workspace.name, workspace.is_sandbox))


def _next_step(root: Path, name: str, sandbox: bool) -> str:
    if sandbox:
        return "The sandbox state is local and git-ignored: nothing to commit."
    where = "" if root == Path() else f" (in {root})"
    return (
        f"Commit it{where}: git add state/{name}.json && "
        f'git commit -m "Create campaigns workspace {name}"'
    )


def _already_there(path: Path) -> str:
    try:
        existing = load_state(path)
    except CampaignsError:
        about = ""
    else:
        about = f" (lineage {existing.lineage}, serial {existing.serial})"
    return (
        f"{path}: already exists{about}; nothing was changed. A workspace's state is created "
        f"once and kept: it records what was sent. Use it as it is, or name another workspace "
        f"with --workspace"
    )
