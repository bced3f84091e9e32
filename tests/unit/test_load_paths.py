"""Which files are declarations, and where a ``toFile`` may live (symlinked ``campaigns/``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import Config
from reconciler.load import LoadError, load_project
from reconciler.load.cache import ParseCache
from reconciler.load.keys import ToFile
from reconciler.load.paths import project_path, require_campaigns_dir

HEAD = "from: '+306900000000'\nmessage: {text: Hi, language: el-GR}\n"


def declaration(campaign_id: str, recipients: str = "to: ['+306910000001']\n") -> str:
    return f"id: {campaign_id}\n{HEAD}{recipients}"


def write(directory: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def test_upper_and_mixed_case_suffixes_are_declarations(tmp_path: Path) -> None:
    write(
        tmp_path / "campaigns",
        {
            "a.YAML": declaration("a"),
            "sub/b.Yml": declaration("b"),
            "c.yaml": declaration("c"),
            "notes.txt": "id: not-a-declaration\n",
            "d.YAML.bak": "id: not-one-either\n",
        },
    )
    result = load_project(Config(root=tmp_path))
    assert [c.id for c in result.campaigns] == ["a", "b", "c"]
    assert [str(c.source) for c in result.campaigns] == [
        "campaigns/a.YAML:1:1",
        "campaigns/sub/b.Yml:1:1",
        "campaigns/c.yaml:1:1",
    ]


def test_an_upper_case_file_is_validated(tmp_path: Path) -> None:
    write(tmp_path / "campaigns", {"a.YML": "id: a\n" + HEAD + "respectQuiteHours: true\n"})
    findings = [str(f) for f in load_project(Config(root=tmp_path)).findings]
    assert findings == [
        "campaigns/a.YML:1:1: to: one of to, toFile, contacts or groups is required",
        "campaigns/a.YML:4:1: respectQuiteHours: unknown key; did you mean respectQuietHours?",
    ]


def test_renaming_to_upper_case_keeps_the_campaign_and_its_id(tmp_path: Path) -> None:
    write(tmp_path / "campaigns", {"a.yaml": declaration("a")})
    before = load_project(Config(root=tmp_path)).campaigns
    (tmp_path / "campaigns" / "a.yaml").rename(tmp_path / "campaigns" / "a.YAML")
    after = load_project(Config(root=tmp_path)).campaigns
    assert [(c.id, c.spec_hash, c.decl_hash) for c in after] == [
        (c.id, c.spec_hash, c.decl_hash) for c in before
    ]
    assert str(after[0].source) == "campaigns/a.YAML:1:1"


def test_a_defaults_file_in_another_case_is_named_not_loaded(tmp_path: Path) -> None:
    write(
        tmp_path / "campaigns",
        {"Defaults.YAML": "from: '+306900000000'\n", "sub/defaults.YAML": declaration("s")},
    )
    result = load_project(Config(root=tmp_path))
    assert [str(f) for f in result.findings] == [
        "campaigns/Defaults.YAML:1:1: file: the defaults file must be named defaults.yaml: "
        "rename it (not read)"
    ]
    assert [c.id for c in result.campaigns] == ["s"]  # below the top it is a declaration


def symlinked_project(tmp_path: Path, recipients: str) -> Path:
    """``proj/campaigns`` is a symbolic link to ``shared/campaigns`` outside the project."""
    shared = tmp_path / "shared" / "campaigns"
    write(
        shared,
        {"lists/r.csv": "number\n+306910000002\n", "a.yaml": declaration("a", recipients)},
    )
    root = tmp_path / "proj"
    root.mkdir()
    (root / "campaigns").symlink_to(shared, target_is_directory=True)
    return root


def test_to_file_under_a_symlinked_campaigns_directory(tmp_path: Path) -> None:
    root = symlinked_project(tmp_path, "toFile: lists/r.csv\n")
    result = load_project(Config(root=root))
    assert result.findings == []
    [campaign] = result.campaigns
    assert campaign.request["to"] == ["+306910000002"]
    [record] = result.sources["campaigns/a.yaml"].to_files
    assert record.rel == "campaigns/lists/r.csv"


def test_to_file_next_to_a_symlinked_campaigns_directory_in_the_project(tmp_path: Path) -> None:
    root = symlinked_project(tmp_path, "toFile: ../../proj/lists/p.csv\n")
    write(root, {"lists/p.csv": "+306910000003\n"})
    result = load_project(Config(root=root))
    assert result.findings == []
    assert result.campaigns[0].request["to"] == ["+306910000003"]
    [record] = result.sources["campaigns/a.yaml"].to_files
    assert record.rel == "lists/p.csv"


def test_to_file_escaping_both_the_project_and_campaigns_is_refused(tmp_path: Path) -> None:
    root = symlinked_project(tmp_path, "toFile: ../elsewhere.csv\n")
    write(tmp_path / "shared", {"elsewhere.csv": "+306910000004\n"})
    [finding] = load_project(Config(root=root)).findings
    outside = tmp_path.resolve() / "shared" / "elsewhere.csv"
    assert str(finding) == (
        "campaigns/a.yaml:4:9: toFile: '../elsewhere.csv' is outside the project directory "
        f"(it is {outside})"
    )


def test_shortcuts_see_a_to_file_through_the_symlink_unchanged(tmp_path: Path) -> None:
    root = symlinked_project(tmp_path, "toFile: lists/r.csv\n")
    loaded = load_project(Config(root=root))
    declaring = root / "campaigns" / "a.yaml"
    [record] = loaded.sources["campaigns/a.yaml"].to_files
    to_file = ToFile(record.value, record.rel, record.digest)
    assert to_file.unchanged(declaring, root)
    cache = ParseCache.open(root)
    assert cache is not None
    key = loaded.sources["campaigns/a.yaml"].key
    assert cache.get(key, declaring) is not None  # the first load stored it: a warm hit
    (tmp_path / "shared" / "campaigns" / "lists" / "r.csv").write_text("+306910000009\n")
    assert not to_file.unchanged(declaring, root)
    assert cache.get(key, declaring) is None
    assert load_project(Config(root=root)).campaigns[0].request["to"] == ["+306910000009"]


def test_a_to_file_symlink_loop_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "campaigns", {"a.yaml": declaration("a", "toFile: loop.csv\n")})
    (tmp_path / "campaigns" / "loop.csv").symlink_to("loop.csv")
    [finding] = load_project(Config(root=tmp_path)).findings
    assert str(finding).startswith("campaigns/a.yaml:4:9: toFile: 'loop.csv' cannot be followed: ")
    to_file = ToFile("loop.csv", "campaigns/loop.csv", "sha256:x")
    assert not to_file.unchanged(tmp_path / "campaigns" / "a.yaml", tmp_path)


def test_project_path_names_paths_as_the_user_sees_them(tmp_path: Path) -> None:
    root = symlinked_project(tmp_path, "to: ['+306910000001']\n")
    shared = (tmp_path / "shared" / "campaigns").resolve()
    assert project_path(root, shared / "lists" / "r.csv") == "campaigns/lists/r.csv"
    assert project_path(root, root.resolve() / "x.csv") == "x.csv"
    assert project_path(root, tmp_path.resolve() / "x.csv") is None


def test_no_campaigns_directory_says_where_it_looked_and_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as raised:
        require_campaigns_dir(Config(root=tmp_path))
    assert str(raised.value) == (
        f"no campaigns/ directory in {tmp_path}: run from the project root or pass --dir DIR"
    )


def test_no_campaigns_directory_names_a_parent_that_has_one(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    sub = tmp_path / "docs" / "drafts"
    sub.mkdir(parents=True)
    with pytest.raises(LoadError) as raised:
        load_project(Config(root=sub))
    parent = tmp_path.resolve()
    assert str(raised.value) == (
        f"no campaigns/ directory in {sub}: run from the project root or pass --dir DIR "
        f"(the parent directory {parent} has campaigns/: --dir {parent})"
    )


def test_a_campaigns_file_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "campaigns").write_text("")
    with pytest.raises(LoadError, match=r"campaigns is not a directory"):
        load_project(Config(root=tmp_path))


def test_a_symlinked_sub_directory_is_reported_not_silently_skipped(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    write(shared, {"b.yaml": declaration("b")})
    write(tmp_path / "campaigns", {"a.yaml": declaration("a")})
    (tmp_path / "campaigns" / "shared").symlink_to(shared, target_is_directory=True)
    result = load_project(Config(root=tmp_path))
    assert [c.id for c in result.campaigns] == ["a"]
    assert [str(f) for f in result.findings] == [
        f"campaigns/shared:1:1: file: a symbolic link to a directory ({shared}) is not followed: "
        "the files behind it are not read; link the files themselves, or move them into "
        "campaigns/"
    ]
