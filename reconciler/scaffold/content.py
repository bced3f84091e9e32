"""What ``campaigns init --scaffold`` lays into a new campaigns repository.

The templates live beside this module (package data of the wheel); the workflows are rendered
with the version of the tool that writes them and the action pinned to the commit that version
was built from, so a repository's CI runs exactly the tool its author ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from reconciler import __version__
from reconciler.bundled import action_slug, bundled_dir, release_commit
from reconciler.scaffold.layout import ProjectFile

_TEMPLATES = files("reconciler.scaffold") / "templates"


@dataclass(frozen=True)
class Release:
    """The tool the scaffold pins: its version, and the commit of its action when known."""

    version: str
    action: str  # owner/name of the action's repository
    commit: str | None

    @classmethod
    def current(cls) -> Release:
        return cls(__version__, action_slug(), release_commit())

    def uses(self) -> str:
        """The ``uses:`` line of a workflow step (with its comment) naming the action."""
        if self.commit is not None:
            return f"uses: {self.action}@{self.commit} # v{self.version}"
        return (
            f"uses: {self.action}@v{self.version} # this build did not record its commit: pin "
            f"the tag's commit SHA (git ls-remote https://github.com/{self.action} v{self.version})"
        )


def render(template: str, release: Release) -> bytes:
    """The template ``template`` with the release's version and ``uses:`` line."""
    text = (_TEMPLATES / template).read_text(encoding="utf-8")
    text = text.replace("__CAMPAIGNS_USES__", release.uses())
    return text.replace("__CAMPAIGNS_VERSION__", release.version).encode("utf-8")


def scaffold_files(release: Release) -> list[ProjectFile]:
    """Every file of a new campaigns repository, in the order they are listed."""
    return [
        ProjectFile("campaigns.toml", render("campaigns.toml", release)),
        ProjectFile("campaigns/defaults.yaml", render("defaults.yaml", release)),
        ProjectFile("campaigns/example.yaml", render("example.yaml", release)),
        ProjectFile(".gitignore", render("gitignore", release), merge_lines=True),
        *schema_files(under="schema/"),
        ProjectFile(".github/workflows/plan.yml", render("plan.yml", release)),
        ProjectFile(".github/workflows/apply.yml", render("apply.yml", release)),
    ]


def schema_files(under: str = "") -> list[ProjectFile]:
    """The JSON Schemas alone, as ``campaigns schema`` writes them, their paths prefixed ``under``."""
    return [
        ProjectFile(f"{under}{entry.name}", entry.read_bytes())
        for entry in sorted(bundled_dir("schema").iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".json")
    ]
