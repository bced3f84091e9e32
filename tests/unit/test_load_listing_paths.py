"""The listing's paths are built without parsing them again: the same ``Path`` objects as before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.load import paths
from reconciler.load.paths import declaration_files
from tests.unit.project_files import config, write


def listed_as_before(root: Path) -> list[tuple[Path, str]]:
    """What the listing gave when it made each path with ``Path(entry.path)``."""
    found = []
    for folder, _, names in os.walk(root / "campaigns"):
        for name in names:
            if name.endswith((".yaml", ".YML")):
                path = f"{folder}/{name}"  # as os.scandir names it
                inner = os.path.relpath(path, root / "campaigns")
                found.append((Path(path), f"campaigns/{Path(inner).as_posix()}"))
    return sorted(found, key=lambda item: item[1])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    files = {"a.yaml": "", "b/c.YML": "", "b/d/e.yaml": "", "b/d/e f.yaml": "", "x.txt": ""}
    write(tmp_path, files)
    return tmp_path


def test_listed_paths_equal_parsed_ones(root: Path) -> None:
    listed = declaration_files(config(root))
    assert listed == listed_as_before(root)
    assert [str(path) for path, _ in listed] == [str(path) for path, _ in listed_as_before(root)]
    assert [rel for _, rel in listed][:2] == ["campaigns/a.yaml", "campaigns/b/c.YML"]
    assert all(path.read_text() == "" and path.parent.is_dir() for path, _ in listed)


def test_without_pathlibs_shortcut_the_paths_are_joined(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    class Plain(type(root)):  # type: ignore[misc]
        """A path class without ``_make_child_relpath`` (as a later Python may be)."""

        def __getattribute__(self, name: str) -> object:
            if name == "_make_child_relpath":
                raise AttributeError(name)
            return super().__getattribute__(name)

    def joined(folder: Path, name: str) -> Path:
        made.append(name)
        return real(Plain(folder), name)

    real = paths.child_path
    monkeypatch.setattr(paths, "child_path", joined)
    assert declaration_files(config(root)) == listed_as_before(root)
    assert sorted(made) == ["a.yaml", "b", "c.YML", "d", "e f.yaml", "e.yaml"]
