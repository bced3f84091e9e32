"""``campaigns init --scaffold``: lay a campaigns repository's files, list each, never overwrite."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.scaffold.content import Release, scaffold_files
from reconciler.scaffold.layout import Status, lay, survey

NEXT_STEPS = """\
Next (campaigns help getting-started):
  campaigns validate && campaigns plan --sandbox && campaigns apply --sandbox
  rm campaigns/example.yaml      # it was for the sandbox: what reaches the default branch is sent
  campaigns init --workspace production
  git add -A && git commit -m "Set up a campaigns repository\""""


def scaffold(root: Path, force: bool) -> None:
    """Survey, write what is missing (and with ``force`` what differs), and say what happened."""
    release = Release.current()
    surveyed = survey(root, scaffold_files(release))
    written = {entry.file.path for entry in lay(root, surveyed, force)}
    click.echo(f"Campaigns repository in {root.absolute()} (routee-campaigns {release.version})")
    for entry in surveyed:
        click.echo(
            f"  {_verb(entry.status, entry.file.path in written):<10} {entry.file.path}"
            + (f"  ({entry.detail})" if entry.detail else "")
        )
    kept = [e for e in surveyed if e.status is Status.DIFFERS and e.file.path not in written]
    if kept:
        click.echo(
            f"{len(kept)} file(s) differ from what this version writes and were kept as they "
            "are; --force overwrites them (a .gitignore only gets the missing lines)."
        )
    if not _in_git_repository(root):
        click.echo(
            "Not in a git repository yet: run `git init` (the workflows and the audit "
            "trail, `campaigns log`, need one)."
        )
    if not written:
        click.echo("Nothing to write.")
        return
    click.echo(NEXT_STEPS)


def _in_git_repository(root: Path) -> bool:
    here = root.absolute()
    return any((directory / ".git").exists() for directory in (here, *here.parents))


def _verb(status: Status, written: bool) -> str:
    if status is Status.CREATE:
        return "created"
    if status is Status.UNCHANGED:
        return "unchanged"
    return "replaced" if written else "kept"
