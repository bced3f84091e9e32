"""``campaigns log [ID]``: the audit trail of a workspace, read from the state file's git history.

``--uncommitted`` compares the working copy of the state with ``HEAD`` instead; with
``--format commit-message`` that is the message the apply workflow commits the state with, ending
in the ``Campaigns-Applied: <HEAD sha>`` trailer that bounds the next run's guard trailers.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from reconciler.audit import (
    AuditError,
    AuditTrail,
    Event,
    head_sha,
    read_trail,
    uncommitted_changes,
)
from reconciler.cli.options import Target, target_options
from reconciler.render.log import (
    APPLY_OUTCOMES,
    render_commit_message,
    render_log_json,
    render_log_text,
)

FORMATS = ("text", "json", "commit-message")


@click.command("log")
@click.argument("campaign_id", metavar="[ID]", required=False)
@click.option(
    "--uncommitted",
    is_flag=True,
    help="Show what the working copy of the state adds to its last commit (after an apply).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: grouped by campaign; json: {stateFile, commits, events, skipped}; "
    "commit-message: the CI state commit's message (needs --uncommitted).",
)
@click.option(
    "--apply-outcome",
    type=click.Choice(list(APPLY_OUTCOMES)),
    envvar="CAMPAIGNS_APPLY_OUTCOME",
    help="With --format commit-message: how the apply step ended (GitHub's steps.<id>.outcome; "
    "also from CAMPAIGNS_APPLY_OUTCOME), said in the message when it did not succeed.",
)
@target_options
def command(
    target: Target,
    campaign_id: str | None,
    uncommitted: bool,
    output_format: str,
    apply_outcome: str | None,
) -> None:
    """Show what was sent, resent, replaced, cancelled and forgotten, and which commit recorded it.

    Reads every committed version of state/WORKSPACE.json from git (git log --first-parent
    --follow, so a renamed state file keeps its history) and compares each with the one before:
    per campaign, when, what (send, resend, replace, cancel, import, forget...), the submission
    name and seq, the trackingId, and the commit and its author. Give an ID to see one campaign
    only; a forgotten campaign keeps its history. Offline: needs git, no credentials.

    \b
    Examples:
      campaigns log -w production
      campaigns log spring-promo -w production --format json
      campaigns log -w production --uncommitted --format commit-message   (what CI commits)

    Exit codes: 0 shown (also when nothing was ever sent), 1 not a git repository, git missing,
    the state file never committed, or an ID with no recorded history. See `campaigns help ci`.
    """
    if output_format == "commit-message" and not uncommitted:
        raise click.UsageError(
            "--format commit-message describes a state not yet committed: add --uncommitted"
        )
    relpath = f"state/{target.workspace.name}.json"
    if target.workspace.is_sandbox and not uncommitted:
        raise AuditError(
            f"{relpath} is git-ignored (the sandbox is local), so it has no history in git: "
            "`campaigns status --sandbox` shows what it holds"
        )
    changes: list[str] = []
    if uncommitted:
        events, changes = uncommitted_changes(target.root, relpath)
        trail = AuditTrail(relpath=relpath, events=events, skipped=[], commits=0)
    else:
        trail = read_trail(target.root, relpath)
    events = [e for e in trail.events if campaign_id in (None, e.campaign_id)]
    if campaign_id is not None and not events and not uncommitted:
        raise AuditError(f"campaign {campaign_id!r} has no recorded history in {relpath}")
    if output_format == "commit-message":
        _commit_message(target, events, changes, apply_outcome)
    else:
        _write(trail, events, output_format)


def _write(trail: AuditTrail, events: Sequence[Event], output_format: str) -> None:
    if output_format == "json":
        render_log_json(trail, events, sys.stdout)
    else:
        render_log_text(trail, events, sys.stdout)


def _commit_message(
    target: Target, events: Sequence[Event], changes: Sequence[str], outcome: str | None
) -> None:
    """The CI state commit's message: the events, the other changes, and what the apply did."""
    journal = target.config.state_dir / f"{target.workspace.name}.journal"
    notes = [APPLY_OUTCOMES.get(outcome or "success")]
    if journal.exists():
        notes.append(
            f"The apply did not finish: state/{journal.name} is committed so that the next\n"
            "apply resolves its unanswered intents (see `campaigns help recovery`)."
        )
    note = "\n".join(n for n in notes if n) or None
    applied = head_sha(target.root)
    render_commit_message(
        target.workspace.name, events, sys.stdout, applied=applied, note=note, changes=changes
    )
