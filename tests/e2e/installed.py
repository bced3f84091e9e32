"""The tool as a user installs it: a wheel built from this checkout, in a virtualenv elsewhere.

Building is ``python -m hatchling build`` (hatchling is a dev dependency: no build isolation, no
download). Installing stays offline and fast: ``pip`` runs with ``--no-index`` and finds the wheel
through ``PIP_FIND_LINKS``; the dependencies (pydantic, click, ...) are the project virtualenv's
own, offered on ``PYTHONPATH`` through a directory of links that leaves out this project (its
editable install) and pip itself. So the installed tool's own code, schemas and manual come from
the wheel alone, and the source tree is never on the path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Entries of the project's site-packages that must not reach the installed tool.
LEFT_OUT = ("routee_campaigns", "_editable_impl_routee_campaigns", "__editable__", "reconciler")
LEFT_OUT_EXACT = {"pip", "setuptools", "_distutils_hack", "distutils-precedence.pth"}


@dataclass(frozen=True)
class Toolbox:
    """What an installation needs: the wheel's directory and the environment to run in."""

    wheel: Path
    env: dict[str, str]


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = out.glob("routee_campaigns-*.whl")
    return wheel


def dependencies(into: Path) -> Path:
    """A directory of links to the project virtualenv's packages, this project left out."""
    into.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        name = entry.name
        if (
            name.startswith(LEFT_OUT)
            or name.split("-")[0] in LEFT_OUT_EXACT
            or name in LEFT_OUT_EXACT
        ):
            continue
        (into / name).symlink_to(entry)
    return into


def toolbox(work: Path) -> Toolbox:
    """Build the wheel and lay out an environment that installs it offline."""
    wheel = build_wheel(work / "dist")
    tools = work / "tools"
    tools.mkdir()
    base = Path(getattr(sys, "_base_executable", sys.executable))
    (tools / "python3").symlink_to(base)
    home = work / "home"
    home.mkdir()
    env = {
        "PATH": os.pathsep.join([str(tools), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONPATH": str(dependencies(work / "dependencies")),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheel.parent),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GIT_AUTHOR_NAME": "Campaigns Tester",
        "GIT_AUTHOR_EMAIL": "tester@example.com",
        "GIT_COMMITTER_NAME": "Campaigns Tester",
        "GIT_COMMITTER_EMAIL": "tester@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "LANG": "C.UTF-8",
    }
    return Toolbox(wheel=wheel, env=env)


def source_commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return out.stdout.strip()
