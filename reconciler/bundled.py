"""Files the tool ships beside its code: the JSON Schemas and the manual (``docs/*.md``).

The wheel carries them as package data under ``reconciler/schema/`` and ``reconciler/docs/``
(``force-include`` in pyproject.toml), so an installed user has them without a clone. In a source
checkout (an editable install) the package directory holds no copy; the checkout's own
``schema/`` and ``docs/`` beside the package are the same files.
"""

from __future__ import annotations

import json
import subprocess
from importlib.metadata import PackageNotFoundError, metadata
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from reconciler.errors import CampaignsError

DISTRIBUTION = "routee-campaigns"


class BundledFileMissing(CampaignsError):
    """A file the wheel should carry is not there (a broken install)."""


def _checkout() -> Path | None:
    """The source checkout the package runs from (an editable install), if it does."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def bundled_dir(name: str) -> Traversable:
    """The shipped directory ``name`` (``schema`` or ``docs``)."""
    packaged = files("reconciler") / name
    if packaged.is_dir():
        return packaged
    checkout = _checkout()
    if checkout is not None and (checkout / name).is_dir():
        return checkout / name
    raise BundledFileMissing(
        f"this installation of {DISTRIBUTION} has no {name}/ directory: reinstall it "
        f"(python -m pip install --force-reinstall {DISTRIBUTION})"
    )


def release_commit() -> str | None:
    """The commit this tool was built from (``release.json``, written by hatch_build.py at build
    time; in a source checkout, its ``HEAD``), or None when unknown."""
    record = files("reconciler") / "release.json"
    if record.is_file():
        commit = json.loads(record.read_text(encoding="utf-8")).get("commit")
        return commit if isinstance(commit, str) else None
    checkout = _checkout()
    return None if checkout is None else checkout_commit(checkout)


def checkout_commit(root: Path) -> str | None:
    """HEAD of the git checkout whose top is ``root``; None when ``root`` is not one (a directory
    inside another repository is not: its HEAD is someone else's commit)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.stdout.split()
    if len(lines) != 2 or Path(lines[0]).resolve() != root.resolve():
        return None
    return lines[1]


def repository_url() -> str:
    """The project's repository (``Repository`` in pyproject.toml's ``[project.urls]``)."""
    try:
        urls = metadata(DISTRIBUTION).get_all("Project-URL") or []
    except PackageNotFoundError:  # pragma: no cover - the tool always runs installed
        urls = []
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip() == "Repository":
            return url.strip()
    raise BundledFileMissing(  # pragma: no cover - pyproject.toml names it
        f"the metadata of {DISTRIBUTION} names no Repository URL: reinstall it"
    )


def action_slug() -> str:
    """``owner/name`` of the repository, as a workflow's ``uses:`` names its action."""
    return repository_url().removeprefix("https://github.com/").strip("/")
