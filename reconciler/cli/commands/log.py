"""``campaigns log [ID]``: the audit trail of a workspace, read from the state file's git history."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TextIO

import click

from reconciler.audit import AuditError, AuditTrail, Event, read_trail, write_json, write_text
from reconciler.cli.options import Target, target_options

_Writer = Callable[[AuditTrail, TextIO, Sequence[Event]], None]
_FORMATS: dict[str, _Writer] = {"text": write_text, "json": write_json}


@click.command("log")
@click.argument("campaign_id", metavar="[ID]", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(_FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@target_options
def command(target: Target, campaign_id: str | None, output_format: str) -> None:
    """Show what was sent, resent, replaced, cancelled and forgotten, and which commit recorded it.

    Reads every committed version of state/WORKSPACE.json (git log --first-parent) and compares
    each with the one before. Give an ID to see one campaign only.
    """
    relpath = f"state/{target.workspace.name}.json"
    trail = read_trail(target.root, relpath)
    events = [e for e in trail.events if campaign_id in (None, e.campaign_id)]
    if campaign_id is not None and not events:
        raise AuditError(f"campaign {campaign_id!r} has no recorded history in {relpath}")
    _FORMATS[output_format](trail, sys.stdout, events)
