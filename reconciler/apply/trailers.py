"""Guard overrides from commit trailers, for CI (``CI=true``): ``Campaigns-Allow-Sends: 120``.

In CI nobody can type ``--allow-sends 120``; the person who merges writes the same exact number
as a trailer of the commit being applied (HEAD). Flags given on the command line win.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from reconciler.errors import ConfigError
from reconciler.models.plan import GuardKind

TRAILERS = {
    "campaigns-allow-sends": GuardKind.SENDS,
    "campaigns-allow-recipients": GuardKind.RECIPIENTS,
    "campaigns-allow-late": GuardKind.LATE,
}
GIT_TIMEOUT_SECONDS = 10


def parse_trailers(text: str) -> dict[GuardKind, int]:
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
                f"commit trailer {line.strip()!r}: the value must be a number"
            ) from None
    return allowed


def head_trailers(project_dir: Path) -> dict[GuardKind, int]:
    """The guard trailers of HEAD's commit message in ``project_dir``'s repository."""
    message = _git(project_dir, ["log", "-1", "--format=%B"], None)
    return parse_trailers(_git(project_dir, ["interpret-trailers", "--parse"], message))


def ci_allowances(project_dir: Path, env: Mapping[str, str]) -> dict[GuardKind, int]:
    """Trailer overrides when running in CI (``CI=true``), else none."""
    if env.get("CI", "").lower() != "true":
        return {}
    return head_trailers(project_dir)


def _git(cwd: Path, args: list[str], stdin: str | None) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"CI=true: cannot read commit trailers with git: {exc}") from exc
    if done.returncode != 0:
        raise ConfigError(f"CI=true: `git {' '.join(args)}` failed in {cwd}: {done.stderr.strip()}")
    return done.stdout
