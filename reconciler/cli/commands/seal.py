"""``campaigns seal``: seal an existing state with CAMPAIGNS_STATE_KEY, after showing what it holds."""

from __future__ import annotations

import click

from reconciler.cli.options import Target, target_options
from reconciler.models.state import State
from reconciler.state.workspace import seal_workspace


@click.command("seal")
@target_options
def command(target: Target) -> None:
    """Seal state/WORKSPACE.json with CAMPAIGNS_STATE_KEY (run once, by a person, to adopt sealing).

    With the key set, every state write is sealed and every command that may call Routee or write
    the state refuses a state whose seal is missing or wrong. This seals the state as it is now,
    without checking it: read what it holds (printed first), compare it with `git log -p state/`,
    then commit the sealed state. The key is never printed. See `campaigns help security`.
    """
    state = seal_workspace(target.config, target.workspace)
    name = target.workspace.name
    for line in describe(state):
        click.echo(line)
    click.echo(
        f"Sealed state/{name}.json. Commit it: git add state/{name}.json && "
        f'git commit -m "Seal the {name} state"'
    )


def describe(state: State) -> list[str]:
    """What a state holds, for the person sealing it."""
    submissions = sum(len(record.submissions) for record in state.campaigns.values())
    lines = [
        f"state/{state.workspace}.json: lineage {state.lineage}, serial {state.serial}",
        f"  endpoint: {state.endpoint}; auth: {state.auth_endpoint or '(not bound)'}",
        f"  campaigns: {len(state.campaigns)} ({submissions} submissions); "
        f"files recorded: {len(state.sources)}",
        f"  pending (apply will resolve these): {len(state.pending)}",
    ]
    lines += [
        f"    {p.intent.type} {p.intent.id} ({p.intent.key}): {p.outcome or 'no answer'}"
        for p in state.pending
    ]
    return lines
