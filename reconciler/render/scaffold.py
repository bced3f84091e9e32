"""What ``campaigns init --scaffold`` and ``campaigns schema`` say about the files they laid."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reconciler.usecases.scaffold import Laid, Scaffolded

NEXT_STEPS = """\
Next (campaigns help getting-started):
  campaigns validate && campaigns plan --sandbox && campaigns apply --sandbox
  rm campaigns/example.yaml      # it was for the sandbox: what reaches the default branch is sent
  campaigns init --workspace production
  git add -A && git commit -m "Set up a campaigns repository"
"""


def render_scaffold(result: Scaffolded, out: TextIO) -> None:
    out.write(f"Campaigns repository in {result.root} (routee-campaigns {result.version})\n")
    for laid in result.files:
        detail = f"  ({laid.detail})" if laid.detail else ""
        out.write(f"  {laid.outcome:<10} {laid.path}{detail}\n")
    if result.kept:
        out.write(
            f"{result.kept} file(s) differ from what this version writes and were kept as they "
            "are; --force overwrites them (a .gitignore only gets the missing lines).\n"
        )
    if not result.in_git_repository:
        out.write(
            "Not in a git repository yet: run `git init` (the workflows and the audit trail, "
            "`campaigns log`, need one).\n"
        )
    out.write(NEXT_STEPS if result.wrote else "Nothing to write.\n")


def render_schemas(root: Path, files: Sequence[Laid], out: TextIO) -> None:
    for laid in files:
        verb = "unchanged" if laid.outcome == "unchanged" else "wrote"
        out.write(f"{verb:<10} {root / laid.path}\n")
