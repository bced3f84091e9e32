"""The listing: paths built without parsing them again, and links out of the project set apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.load import load_project, paths
from reconciler.load.defaults import default_sender
from reconciler.load.findings import LoadError
from reconciler.load.paths import declaration_files
from reconciler.load.prefetch import survey
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


def test_links_to_files_outside_the_project_are_listed_apart(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "x.yaml").write_text("id: x\n")
    campaigns = root / "campaigns"
    (campaigns / "out.yaml").symlink_to(elsewhere / "x.yaml")
    (campaigns / "in.yaml").symlink_to(campaigns / "a.yaml")
    (campaigns / "broken.yaml").symlink_to(elsewhere / "gone.yaml")
    (campaigns / "dir.yaml").symlink_to(elsewhere, target_is_directory=True)
    listing = paths.list_declarations(config(root))
    assert listing.outside == [("campaigns/out.yaml", elsewhere / "x.yaml")]
    names = [rel for _, rel in listing.files]
    assert {"campaigns/in.yaml", "campaigns/broken.yaml", "campaigns/dir.yaml"} <= set(names)
    assert "campaigns/out.yaml" not in names  # reported by the survey, never read
    assert declaration_files(config(root)) == listing.files


def test_a_defaults_file_linked_out_of_the_project_is_not_read(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "defaults.yaml").write_text('from: "+306900000000"\n')
    (root / "campaigns" / "defaults.yaml").symlink_to(elsewhere / "defaults.yaml")
    with pytest.raises(LoadError, match="a symbolic link to a file outside the project"):
        default_sender(config(root))
    found = survey(config(root))
    assert found.defaults == {} and [f.path for f in found.findings] == ["campaigns/defaults.yaml"]


def test_links_to_devices_and_pipes_are_reported_never_read(root: Path) -> None:
    """A read of /dev/zero or of a pipe would never end: the link is reported instead."""
    campaigns = root / "campaigns"
    (campaigns / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "pipe")
    (campaigns / "pipe.yaml").symlink_to(root / "pipe")
    listing = paths.list_declarations(config(root))
    assert listing.outside == [("campaigns/zero.yaml", Path("/dev/zero"))]
    found = {finding.path: finding.message for finding in load_project(config(root)).findings}
    assert found["campaigns/pipe.yaml"].startswith("not a regular file")
    assert found["campaigns/zero.yaml"].startswith("a symbolic link to a file outside the project")
