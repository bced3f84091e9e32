"""The scaffold's files: rendered completely, pinned to the release, and laid with care."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.scaffold.content import Release, render, scaffold_files
from reconciler.scaffold.layout import LayoutError, ProjectFile, Status, lay, survey

RELEASE = Release("1.2.3", "acme/routee-campaigns", "f" * 40)


def test_every_file_is_rendered_without_a_placeholder_left() -> None:
    for file in scaffold_files(RELEASE):
        assert b"__CAMPAIGNS_" not in file.content, file.path


def test_the_action_is_pinned_to_the_commit_with_the_version_beside_it() -> None:
    text = render("plan.yml", RELEASE).decode()
    assert f"uses: acme/routee-campaigns@{'f' * 40} # v1.2.3\n" in text
    assert 'version: "1.2.3"' in text


def test_without_a_recorded_commit_the_tag_is_named_and_the_pin_asked_for() -> None:
    unknown = Release("1.2.3", "acme/routee-campaigns", None)
    assert unknown.uses() == (
        "uses: acme/routee-campaigns@v1.2.3 # this build did not record its commit: pin the "
        "tag's commit SHA (git ls-remote https://github.com/acme/routee-campaigns v1.2.3)"
    )


def test_a_directory_where_a_file_goes_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").mkdir()
    with pytest.raises(LayoutError, match="exists and is not a regular file"):
        survey(tmp_path, [ProjectFile("campaigns.toml", b"")])


def test_an_unwritable_directory_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "schema").write_text("a file where a directory goes")
    surveyed = survey(tmp_path, [ProjectFile("schema/a.json", b"{}")])
    assert [entry.status for entry in surveyed] == [Status.CREATE]
    with pytest.raises(LayoutError, match=r"schema/a.json: cannot write"):
        lay(tmp_path, surveyed, force=False)


def test_a_file_without_a_final_newline_gets_the_missing_lines_after_it(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("dist/")
    wanted = ProjectFile(".gitignore", b"# comment\n.venv/\ndist/\n", merge_lines=True)
    surveyed = survey(tmp_path, [wanted])
    assert surveyed[0].detail == "lacks 1 line(s): .venv/"
    lay(tmp_path, surveyed, force=True)
    assert (tmp_path / ".gitignore").read_text() == "dist/\n.venv/\n"
    assert survey(tmp_path, [wanted])[0].status is Status.UNCHANGED


def test_merging_keeps_every_byte_already_there(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_bytes(b"caf\xe9/\n")  # not UTF-8
    wanted = ProjectFile(".gitignore", b".venv/\n", merge_lines=True)
    lay(tmp_path, survey(tmp_path, [wanted]), force=True)
    assert (tmp_path / ".gitignore").read_bytes() == b"caf\xe9/\n.venv/\n"
