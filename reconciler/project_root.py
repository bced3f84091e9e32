"""Finding the project root the way git finds its own: from the current directory upwards.

The root is the nearest directory, starting with the current one, that holds ``campaigns.toml``
or a ``campaigns/`` directory. The walk stops at the top of a git repository (a directory holding
``.git``): a project never spans two repositories, and a ``campaigns/`` above one is someone
else's. ``--dir`` skips the walk.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_FILE = "campaigns.toml"
CAMPAIGNS = "campaigns"


def is_project_root(directory: Path) -> bool:
    """Whether ``directory`` holds ``campaigns.toml`` or ``campaigns/``."""
    return (directory / CONFIG_FILE).is_file() or (directory / CAMPAIGNS).is_dir()


def find_project_root(start: Path) -> Path | None:
    """The nearest directory from ``start`` (absolute) up that is a project root, or None."""
    for directory in (start, *start.parents):
        try:
            if is_project_root(directory):
                return directory
            if (directory / ".git").exists():
                return None
        except OSError:  # an unreadable directory ends the walk, as it would for git
            return None
    return None
