"""``campaigns init --scaffold`` and ``campaigns schema``: lay files into a project, never
overwriting one unless forced, and say what became of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reconciler.scaffold.content import Release, scaffold_files, schema_files
from reconciler.scaffold.layout import ProjectFile, Status, lay, survey


@dataclass(frozen=True)
class Laid:
    """One file: its path under the root, what happened to it, and why (a merge's missing lines).

    ``outcome``: ``created``, ``unchanged``, ``kept`` (it differs and was left alone) or
    ``replaced``.
    """

    path: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class Scaffolded:
    """What ``init --scaffold`` did in ``root`` for the tool version ``version``."""

    root: Path
    version: str
    files: list[Laid]
    in_git_repository: bool

    @property
    def wrote(self) -> bool:
        return any(laid.outcome in ("created", "replaced") for laid in self.files)

    @property
    def kept(self) -> int:
        return sum(laid.outcome == "kept" for laid in self.files)


def scaffold_repository(root: Path, force: bool) -> Scaffolded:
    """Lay a campaigns repository's files under ``root``."""
    release = Release.current()
    return Scaffolded(
        root=root.absolute(),
        version=release.version,
        files=lay_files(root, scaffold_files(release), force),
        in_git_repository=_in_git_repository(root),
    )


def write_schemas(root: Path, under: str = "") -> list[Laid]:
    """The JSON Schemas of this version under ``root`` (below ``under``), replacing older ones."""
    return lay_files(root, schema_files(under), force=True)


def lay_files(root: Path, files: list[ProjectFile], force: bool) -> list[Laid]:
    """Survey every file first (a link anywhere stops it all), then write."""
    surveyed = survey(root, files)
    written = {entry.file.path for entry in lay(root, surveyed, force)}
    return [
        Laid(entry.file.path, _outcome(entry.status, entry.file.path in written), entry.detail)
        for entry in surveyed
    ]


def _outcome(status: Status, written: bool) -> str:
    if status is Status.CREATE:
        return "created"
    if status is Status.UNCHANGED:
        return "unchanged"
    return "replaced" if written else "kept"


def _in_git_repository(root: Path) -> bool:
    here = root.absolute()
    return any((directory / ".git").exists() for directory in (here, *here.parents))
