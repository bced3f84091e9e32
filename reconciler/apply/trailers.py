"""Guard overrides from commit trailers, for CI (``CI=true``): ``Campaigns-Allow-Sends: 120``.

In CI nobody can type ``--allow-sends 120``; the person who merges writes the same exact number as
a trailer of a commit. Flags given on the command line win.

Which commits count: those the workspace has **not applied yet** — every commit reachable from
HEAD but not from the commit the last apply worked on. Each state commit the apply workflow makes
names that commit in a ``Campaigns-Applied: <sha>`` trailer (``campaigns log --uncommitted
--format commit-message``). Reading HEAD alone would lose a trailer whenever another run's state
commit is rebased on top of the merge that carries it. Without such a state commit (a state file
committed by ``campaigns init`` or by an older version of the tool), the commits after the last one
that changed the state file count. Where several commits set the same guard, the newest wins; the
number must still equal the plan's count exactly, so a trailer written for one plan never lets a
bigger one through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reconciler import gitrepo
from reconciler.errors import ConfigError
from reconciler.models.plan import GuardKind

TRAILERS = {
    "campaigns-allow-sends": GuardKind.SENDS,
    "campaigns-allow-recipients": GuardKind.RECIPIENTS,
    "campaigns-allow-late": GuardKind.LATE,
    "campaigns-allow-outside-window": GuardKind.OUTSIDE_WINDOW,
    "campaigns-allow-over-frequency": GuardKind.OVER_FREQUENCY,
    "campaigns-allow-cost": GuardKind.COST,
}
APPLIED_PATTERN = re.compile(r"^Campaigns-Applied:\s*([0-9a-f]{40})\s*$", re.MULTILINE)
GIT_TIMEOUT_SECONDS = 10
#: Separates commits in ``git log`` output; cannot occur in a trailer.
_RECORD = "\x1e"


def parse_trailers(text: str, where: str = "") -> dict[GuardKind, int]:
    """Read ``Key: value`` lines (``git interpret-trailers --parse`` output)."""
    allowed: dict[GuardKind, int] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        kind = TRAILERS.get(key.strip().lower())
        if not sep or kind is None:
            continue
        try:
            allowed[kind] = int(value.strip())
        except ValueError:
            raise ConfigError(
                f"commit trailer {line.strip()!r}{where}: the value must be a number"
            ) from None
    return allowed


def head_trailers(project_dir: Path) -> dict[GuardKind, int]:
    """The guard trailers of HEAD's commit message in ``project_dir``'s repository."""
    message = _git(project_dir, ["log", "-1", "--format=%B"])
    return parse_trailers(_git(project_dir, ["interpret-trailers", "--parse"], message))


@dataclass(frozen=True)
class TrailerInForce:
    """A guard trailer the next apply would honour, and the commit that carries it."""

    kind: GuardKind
    value: int
    commit: str

    def describe(self) -> str:
        name = next(key for key, kind in TRAILERS.items() if kind is self.kind)
        return (
            f"guard trailer {name.title()}: {self.value} (commit {self.commit}) is in force: the "
            f"next apply accepts exactly {self.value} for the {self.kind.value} guard; check who "
            "wrote that commit"
        )


def trailers_in_force(project_dir: Path, workspace: str | None = None) -> list[TrailerInForce]:
    """Every guard trailer the next apply honours (the newest commit wins per guard), with its
    commit: the trailers of the commits not applied yet, or HEAD's alone before any apply."""
    base = applied_base(project_dir, workspace)
    args = ["log", "--topo-order", f"--format=%h%x1f%(trailers:only,unfold){_RECORD}"]
    span = ["-1", "HEAD"] if base is None else [f"{base}..HEAD"]
    found: dict[GuardKind, TrailerInForce] = {}
    for record in _git(project_dir, [*args, *span]).split(_RECORD):
        short, _, trailers = record.strip("\n").partition("\x1f")
        for kind, value in parse_trailers(trailers, f" (commit {short})").items():
            found.setdefault(kind, TrailerInForce(kind, value, short))
    return list(found.values())


def unapplied_trailers(project_dir: Path, workspace: str | None = None) -> dict[GuardKind, int]:
    """The guard trailers of every commit not applied yet; the newest commit wins per guard.

    ``workspace`` names the state file (``state/<workspace>.json``) whose commits mark what was
    applied; ``None`` considers any file under ``state/`` (a narrower range, never a wider one).
    """
    if applied_base(project_dir, workspace) is None:
        return head_trailers(project_dir)
    return {t.kind: t.value for t in trailers_in_force(project_dir, workspace)}


def applied_base(project_dir: Path, workspace: str | None = None) -> str | None:
    """The commit the last apply worked on, else the last commit that changed the state file.

    ``None`` when no commit ever changed the state file: then HEAD's own trailers count.
    """
    state = f"state/{workspace}.json" if workspace else "state"
    log = ["log", "-n", "1", "--format=%H%x1f%B", "--grep=^Campaigns-Applied: ", "--"]
    sha, _, message = _git(project_dir, [*log, state]).partition("\x1f")
    found = APPLIED_PATTERN.search(message)
    if sha and found and _is_ancestor(project_dir, found.group(1)):
        return found.group(1)
    last = _git(project_dir, ["log", "-n", "1", "--format=%H", "--", state]).strip()
    return last or None


def ci_allowances(
    project_dir: Path, env: Mapping[str, str], workspace: str | None = None
) -> dict[GuardKind, int]:
    """Trailer overrides when running in CI (``CI=true``), else none."""
    if env.get("CI", "").lower() != "true":
        return {}
    return unapplied_trailers(project_dir, workspace)


def guard_allowances(
    project_dir: Path,
    env: Mapping[str, str],
    workspace: str | None,
    flags: Mapping[GuardKind, int | None],
) -> dict[GuardKind, int]:
    """The numbers echoed for the guards: CI trailers (``CI=true``), then the flags given win."""
    allowed = ci_allowances(project_dir, env, workspace)
    allowed.update({kind: value for kind, value in flags.items() if value is not None})
    return allowed


def _is_ancestor(project_dir: Path, sha: str) -> bool:
    try:
        gitrepo.run_git(
            project_dir, ["merge-base", "--is-ancestor", sha, "HEAD"], timeout=GIT_TIMEOUT_SECONDS
        )
    except gitrepo.GitFailed:
        return False
    except gitrepo.GitError as exc:
        raise _unreadable(exc) from exc
    return True


def _git(cwd: Path, args: list[str], stdin: str | None = None) -> str:
    try:
        return gitrepo.git_text(cwd, args, stdin=stdin, timeout=GIT_TIMEOUT_SECONDS)
    except gitrepo.GitFailed as exc:
        command = " ".join(args)
        raise ConfigError(
            f"CI=true: `git {command}` failed in {cwd}: {exc.stderr.strip()}"
        ) from exc
    except gitrepo.GitError as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: gitrepo.GitError) -> ConfigError:
    return ConfigError(f"CI=true: cannot read commit trailers with git: {exc}")
