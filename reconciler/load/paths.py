"""Where declarations live: finding ``campaigns/`` and naming paths inside the project.

``campaigns/`` may be a symbolic link (to a checkout shared by several projects, say): a
``toFile`` that resolves under the resolved ``campaigns/`` is inside the project and is named
``campaigns/...``, as the user sees it; one that resolves under the resolved project root is
named relative to the root; anything else is outside. The loader, the parse cache and the
state's record of loaded files all name a ``toFile`` with :func:`project_path`, so they agree.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.config import Config
from reconciler.load.findings import LoadError

#: The declarations' directory under the project root (``Config.campaigns_dir``).
CAMPAIGNS = "campaigns"
#: Declaration files, whatever the case of the suffix (``a.YAML`` is a declaration too).
SUFFIXES = (".yaml", ".yml")


def is_yaml_name(path: Path) -> bool:
    """Whether ``path`` is named like a declaration file: ``.yaml`` or ``.yml``, any case."""
    return path.suffix.lower() in SUFFIXES


def project_path(root: Path, resolved: Path) -> str | None:
    """``resolved`` (a resolved path) named relative to the project, or None when outside it."""
    campaigns = (root / CAMPAIGNS).resolve()
    if resolved.is_relative_to(campaigns):
        inner = resolved.relative_to(campaigns).as_posix()
        return CAMPAIGNS if inner == "." else f"{CAMPAIGNS}/{inner}"
    base = root.resolve()
    return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else None


def require_campaigns_dir(config: Config) -> Path:
    """``campaigns/`` under the project root, or a :class:`LoadError` saying what to do."""
    directory = config.campaigns_dir
    if directory.is_dir():
        return directory
    root = config.root.absolute()
    if directory.exists():
        raise LoadError(f"{root / CAMPAIGNS} is not a directory (declarations live in campaigns/)")
    message = f"no campaigns/ directory in {root}: run from the project root or pass --dir DIR"
    parent = _parent_with_campaigns(root)
    if parent is not None:
        message += f" (the parent directory {parent} has campaigns/: --dir {parent})"
    raise LoadError(message)


def _parent_with_campaigns(root: Path) -> Path | None:
    """The nearest directory above ``root`` holding ``campaigns/``, if any."""
    try:
        return next((p for p in root.resolve().parents if (p / CAMPAIGNS).is_dir()), None)
    except OSError:  # an unreadable parent: only the hint is lost
        return None
