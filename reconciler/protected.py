"""Files only ``campaigns apply`` writes, and whether a pull request changed one of them.

A pull request can change any file (docs/security.md). The state, its journal and lock, and a
parse cache are written by apply (or are local to one machine); a reviewer reads the diff of
``campaigns/``, not of ``state/production.json``. ``campaigns plan --base REF`` therefore lists
every such file that differs between REF (the merge base with it, as a pull request's diff does)
and the working tree, committed or not, and the plan reports each as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reconciler import gitrepo
from reconciler.errors import CampaignsError

GIT_TIMEOUT_SECONDS = 60
_STATUS = {"A": "added", "D": "deleted", "M": "modified", "T": "changed type", "C": "copied"}


class BaseRefError(CampaignsError):
    """``--base REF`` cannot be compared with the working tree."""


@dataclass(frozen=True)
class ProtectedChange:
    path: str
    change: str

    def message(self, base: str) -> str:
        return (
            f"{self.path}: {self.change} since {base}; only `campaigns apply` writes "
            f"{_what(self.path)}, a pull request may not: revert it "
            f"(git checkout {base} -- {self.path}, or git rm it if it is new)"
        )


def is_protected(path: str) -> bool:
    """Under ``state/``, or a journal, lock or parse-cache file anywhere."""
    parts = PurePosixPath(path).parts
    return bool(parts) and (
        parts[0] == "state" or ".campaigns-cache" in parts or path.endswith((".journal", ".lock"))
    )


def protected_changes(root: Path, base: str) -> list[ProtectedChange]:
    """Every protected file that differs between ``base`` and the working tree under ``root``."""
    if not base or base.startswith("-"):
        raise BaseRefError(f"--base {base!r}: not a git revision")
    merge_base = _git(root, ["merge-base", "--end-of-options", base, "HEAD"], base).strip()
    listing = _git(
        root,
        ["diff", "--relative", "--name-status", "-z", "--no-renames", merge_base, "--", "."],
        base,
    )
    fields = listing.split("\0")
    changes = [
        ProtectedChange(path, _STATUS.get(status[:1], "changed"))
        for status, path in zip(fields[0::2], fields[1::2], strict=False)
        if path and is_protected(path)
    ]
    untracked = _git(root, ["ls-files", "-z", "--others", "--exclude-standard", "--", "."], base)
    changes += [
        ProtectedChange(path, "added (not committed)")
        for path in untracked.split("\0")
        if path and is_protected(path)
    ]
    return sorted(changes, key=lambda c: c.path)


def _git(root: Path, args: list[str], base: str) -> str:
    try:
        return gitrepo.git_text(root, args, timeout=GIT_TIMEOUT_SECONDS)
    except gitrepo.GitFailed as exc:
        raise BaseRefError(
            f"--base {base}: cannot compare with the working tree ({exc.last_line}); in CI "
            "fetch the base branch (actions/checkout with fetch-depth: 0)"
        ) from exc
    except gitrepo.GitError as exc:
        raise BaseRefError(f"--base {base}: git is needed to compare ({exc})") from exc


def _what(path: str) -> str:
    if path.endswith(".journal"):
        return "journals"
    if path.endswith(".lock"):
        return "lock files"
    if ".campaigns-cache" in PurePosixPath(path).parts:
        return "caches (and never in the project)"
    return "the state"
