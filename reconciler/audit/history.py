"""The state file's history, read from git: one version per commit that changed it.

``git log --first-parent`` follows the branch as it was applied (a merge counts as one step, its
author as the person who merged), and ``git cat-file --batch`` reads every version in one process,
so a long history costs two git calls rather than one per commit. Every call is bounded by a
timeout, and every git failure becomes an :class:`AuditError` with a message a person can act on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler import gitrepo
from reconciler.audit.changes import state_changes
from reconciler.audit.events import Commit, Event, compare_states
from reconciler.errors import CampaignsError

GIT_TIMEOUT_SECONDS = 60
#: The state commit's trailer naming the commit an apply worked on (its HEAD when it started).
APPLIED_TRAILER = "Campaigns-Applied"
#: Field separator in ``git log --format``; a byte that cannot occur in names or subjects.
_SEP = "\x1f"
_LOG_FORMAT = _SEP.join(["%H", "%h", "%an", "%aI", "%s"])


class AuditError(CampaignsError):
    """The audit trail cannot be read: no git, not a repository, no committed history."""


class HistoryGitFailed(AuditError):
    """git ran and answered with a non-zero exit status."""


@dataclass(frozen=True)
class StateVersion:
    """One committed version of the state file (``None`` where the commit deleted it)."""

    commit: Commit
    state: dict[str, Any] | None
    #: Why the version could not be read, if it could not (corrupt JSON in that commit).
    problem: str | None = None


def run_git(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    """Run git in ``cwd`` and return its stdout; any failure is an :class:`AuditError`."""
    try:
        return gitrepo.run_git(cwd, args, stdin=stdin, timeout=GIT_TIMEOUT_SECONDS)
    except gitrepo.GitUnavailable as exc:
        if exc.missing:
            raise AuditError("git is not installed: the audit trail is read from git") from exc
        raise AuditError(f"cannot run git: {exc}") from exc
    except gitrepo.GitTimeout as exc:
        raise AuditError(f"git {args[0]} took longer than {GIT_TIMEOUT_SECONDS}s") from exc
    except gitrepo.GitFailed as exc:
        raise HistoryGitFailed(f"git {args[0]} failed: {exc.last_line}") from exc


def ensure_repository(root: Path) -> None:
    """Refuse early, with a clear message, when ``root`` is not inside a git work tree."""
    try:
        run_git(root, ["rev-parse", "--is-inside-work-tree"])
    except HistoryGitFailed as exc:
        raise AuditError(
            f"{root.resolve()} is not inside a git repository: the audit trail is the git "
            "history of the state file, so commit the state (git init; git add state/) first"
        ) from exc


def list_commits(root: Path, relpath: str) -> list[tuple[Commit, str]]:
    """Commits that changed ``relpath`` (relative to ``root``), oldest first, each with the path
    the file had in that commit, relative to the repository's top level.

    ``--follow`` keeps the history of a renamed state file (``git mv state/prod.json
    state/production.json``): without it the rename commit would look like every campaign was
    sent at once, by whoever renamed the file.
    """
    try:
        run_git(root, ["rev-parse", "--verify", "--quiet", "HEAD"])
    except HistoryGitFailed:
        return []  # a repository without any commit yet
    prefix = run_git(root, ["rev-parse", "--show-prefix"]).decode("utf-8", "replace").strip()
    args = ["log", "--first-parent", "--follow", "--name-only", f"--format={_LOG_FORMAT}", "-z"]
    raw = run_git(root, [*args, "--", relpath]).decode("utf-8", "replace")
    return list(reversed(_parse_log(raw, prefix + relpath)))


def _parse_log(raw: str, default_path: str) -> list[tuple[Commit, str]]:
    """``<header>\0\n<path>\0`` per commit; a commit listed without a path keeps the default."""
    found: list[tuple[Commit, str]] = []
    for token in raw.split("\0"):
        if _SEP in token:
            commit = _parse_commit(token)
            if commit is not None:
                found.append((commit, default_path))
        elif token.strip() and found:
            found[-1] = (found[-1][0], token.strip("\n"))
    return found


def _parse_commit(entry: str) -> Commit | None:
    parts = entry.strip("\n").split(_SEP)
    if len(parts) != 5:
        return None
    sha, short, author, date, subject = parts
    return Commit(sha=sha, short=short, author=author, date=date, subject=subject)


def read_versions(root: Path, commits: Sequence[tuple[Commit, str]]) -> list[StateVersion]:
    """The file's content at each commit (at the path it had there), with one ``cat-file``."""
    if not commits:
        return []
    request = "".join(f"{c.sha}:{path}\n" for c, path in commits).encode()
    blobs = _split_batch(run_git(root, ["cat-file", "--batch"], stdin=request), len(commits))
    return [_version(c, blob) for (c, _), blob in zip(commits, blobs, strict=True)]


def _split_batch(out: bytes, count: int) -> list[bytes | None]:
    """Parse ``cat-file --batch`` output: ``<oid> <type> <size>\\n<bytes>\\n`` or ``... missing``."""
    blobs: list[bytes | None] = []
    pos = 0
    for _ in range(count):
        end = out.find(b"\n", pos)
        if end < 0:
            raise AuditError("git cat-file returned a truncated answer")
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            blobs.append(None)  # "missing": the commit deleted the file
            continue
        size = int(header[2])
        blobs.append(out[pos : pos + size])
        pos += size + 1
    return blobs


def _version(commit: Commit, blob: bytes | None) -> StateVersion:
    if blob is None:
        return StateVersion(commit, None)
    try:
        data = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return StateVersion(commit, None, problem=f"not valid JSON ({exc})")
    if not isinstance(data, dict):
        return StateVersion(commit, None, problem="not a JSON object")
    return StateVersion(commit, data)


@dataclass(frozen=True)
class AuditTrail:
    """Every event in the state file's history, oldest first, and the versions it skipped."""

    relpath: str
    events: list[Event]
    skipped: list[StateVersion]
    commits: int


def read_trail(root: Path, relpath: str) -> AuditTrail:
    """Walk the committed history of ``relpath`` and compare each version with the one before.

    A version that is deleted or unreadable is skipped, and the next one is compared with the last
    good one: restoring a deleted state file must not look like everything was sent again.
    """
    ensure_repository(root)
    commits = list_commits(root, relpath)
    if not commits:
        raise AuditError(
            f"{relpath} has no committed history: create it with `campaigns init`, then commit it"
        )
    events: list[Event] = []
    skipped: list[StateVersion] = []
    previous: dict[str, Any] | None = None
    for version in read_versions(root, commits):
        if version.problem is not None:
            skipped.append(version)
        if version.state is None:
            continue
        events.extend(compare_states(previous, version.state, version.commit))
        previous = version.state
    return AuditTrail(relpath=relpath, events=events, skipped=skipped, commits=len(commits))


def uncommitted_events(root: Path, relpath: str) -> list[Event]:
    """What the working copy of ``relpath`` adds to its version at ``HEAD`` (for a state commit)."""
    return uncommitted_changes(root, relpath)[0]


def uncommitted_changes(root: Path, relpath: str) -> tuple[list[Event], list[str]]:
    """The events the working copy adds to ``HEAD``'s version, and its other changes described
    (in-doubt intents, the dedupe verdict, canaries, a refresh: :mod:`reconciler.audit.changes`)."""
    ensure_repository(root)
    [blob] = _split_batch(run_git(root, ["cat-file", "--batch"], f"HEAD:./{relpath}\n".encode()), 1)
    head = _version(Commit("HEAD", "HEAD", "", ""), blob)
    try:
        current = json.loads((root / relpath).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditError(f"{relpath}: cannot read the working copy: {exc}") from exc
    after = current if isinstance(current, dict) else None
    return compare_states(head.state, after), state_changes(head.state, after)


def head_sha(root: Path) -> str | None:
    """The full sha of ``HEAD``, or ``None`` in a repository without a commit."""
    ensure_repository(root)
    try:
        return run_git(root, ["rev-parse", "--verify", "--quiet", "HEAD"]).decode().strip() or None
    except HistoryGitFailed:
        return None
