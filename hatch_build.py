"""Build hook: record the commit a wheel is built from, as ``reconciler/release.json``.

``campaigns init --scaffold`` pins the GitHub Action of the scaffolded workflows to that commit
(``uses: owner/routee-campaigns@<sha> # v<version>``): a release built from its tag pins exactly the
action of the version it installs, by a hash no one can move. Built outside a git checkout (from
an sdist, say) the commit is unknown and recorded as null; the scaffold then names the tag and
says to pin it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _commit(root: str) -> str | None:
    """HEAD of the git checkout whose top is ``root`` (not of a repository around an sdist).

    The same rule as ``reconciler.bundled.checkout_commit``, written again on purpose: a build
    hook must not import the package it is building.
    """
    try:
        out = subprocess.run(
            ["git", "-C", root, "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.stdout.split()
    if len(lines) != 2 or Path(lines[0]).resolve() != Path(root).resolve():
        return None
    return lines[1] if len(lines[1]) == 40 else None


class ReleaseCommitHook(BuildHookInterface):
    PLUGIN_NAME = "custom"
    directory: Path | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        self.directory = Path(tempfile.mkdtemp(prefix="routee-campaigns-build-"))
        record = self.directory / "release.json"
        record.write_text(json.dumps({"commit": _commit(self.root)}) + "\n", encoding="utf-8")
        build_data["force_include"][str(record)] = "reconciler/release.json"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
