"""Running git: the one place that starts a ``git`` process.

Callers (the audit trail, the CI trailers) translate these into their own layer's exceptions, each
with a message that says what the user was doing::

    GitError            git gave no usable answer
    ├── GitUnavailable  git could not be started (not installed, ``cwd`` missing, not executable)
    ├── GitTimeout      git ran longer than the caller's timeout
    └── GitFailed       git ran and exited non-zero (``returncode``, ``stderr``)

``str()`` of the first two is the underlying ``OSError`` / ``TimeoutExpired`` message.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from reconciler.errors import CampaignsError


class GitError(CampaignsError):
    """git gave no usable answer."""


class GitUnavailable(GitError):
    """git could not be started; ``missing`` when the executable (or ``cwd``) does not exist."""

    def __init__(self, message: str, *, missing: bool) -> None:
        super().__init__(message)
        self.missing = missing


class GitTimeout(GitError):
    """git ran longer than the caller's timeout."""


class GitFailed(GitError):
    """git ran and exited non-zero."""

    def __init__(self, returncode: int, stderr: str) -> None:
        super().__init__(stderr.strip() or f"exit status {returncode}")
        self.returncode = returncode
        self.stderr = stderr

    @property
    def last_line(self) -> str:
        """The last line git wrote on stderr (usually the reason), else the exit status."""
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else str(self.returncode)


def run_git(cwd: Path, args: Sequence[str], *, stdin: bytes | None = None, timeout: float) -> bytes:
    """Run ``git args`` in ``cwd`` and return its stdout; raise a :class:`GitError` otherwise."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitUnavailable(str(exc), missing=True) from exc
    except OSError as exc:
        raise GitUnavailable(str(exc), missing=False) from exc
    except subprocess.TimeoutExpired as exc:
        raise GitTimeout(str(exc)) from exc
    if done.returncode != 0:
        raise GitFailed(done.returncode, done.stderr.decode("utf-8", "replace"))
    return done.stdout


def git_text(cwd: Path, args: Sequence[str], *, stdin: str | None = None, timeout: float) -> str:
    """:func:`run_git` for text: UTF-8 in and out (undecodable bytes replaced), universal newlines."""
    data = None if stdin is None else stdin.encode("utf-8")
    out = run_git(cwd, args, stdin=data, timeout=timeout).decode("utf-8", "replace")
    return out.replace("\r\n", "\n").replace("\r", "\n")


def tracked_by_git(path: Path, *, timeout: float = 5.0) -> bool:
    """True if git tracks ``path`` (committed or staged); False for an ignored or untracked
    file, outside a repository, or without git: only then may a message say "restore it from git".
    """
    try:
        run_git(path.parent, ["ls-files", "--error-unmatch", "--", path.name], timeout=timeout)
    except GitError:
        return False
    return True
