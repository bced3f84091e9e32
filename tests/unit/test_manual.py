"""The manual (`campaigns help`) and every pointer to it: an installed user can follow each one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import reconciler
from reconciler import bundled
from reconciler.cli.main import cli
from reconciler.manual import UnknownTopic, page, topics

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(reconciler.__file__).parent
POINTER = re.compile(r"campaigns help ([a-z][a-z-]*)")
#: What an installed user cannot follow: a path into a clone's docs/, or a make target.
DEAD_END = re.compile(r"\bdocs/[\w-]+\.md|\bmake (demo|test|lint|schema|bench|fmt)\b")


def help_text(command: click.Command, ctx: click.Context) -> str:
    text = command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            text += help_text(sub, click.Context(sub, info_name=name, parent=ctx))
    return text


def message_strings() -> list[tuple[str, str]]:
    """Every string literal of the package that is not a docstring, with its file."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                found.append((path.relative_to(PACKAGE).as_posix(), node.value))
    return found


def test_every_page_of_docs_is_a_topic() -> None:
    names = [topic.name for topic in topics()]
    assert names == sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
    assert {"getting-started", "recovery", "ci", "declarations"} <= set(names)


def test_help_lists_the_topics_and_shows_a_page() -> None:
    result = CliRunner().invoke(cli, ["help"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Topics (campaigns help TOPIC):"
    assert "  recovery         Recovery" in result.output.splitlines()
    result = CliRunner().invoke(cli, ["help", "recovery"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "docs" / "recovery.md").read_text(encoding="utf-8")


def test_an_unknown_topic_names_the_nearest_and_exits_1() -> None:
    result = CliRunner().invoke(cli, ["help", "recovry"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no help topic 'recovry' (did you mean recovery?); ")
    with pytest.raises(UnknownTopic):
        page("../README")


def test_no_help_text_or_message_points_where_an_installed_user_cannot_go() -> None:
    ctx = click.Context(cli, info_name="campaigns")
    texts = [("--help", help_text(cli, ctx)), *message_strings()]
    dead = [(where, text) for where, text in texts if DEAD_END.search(text)]
    assert dead == []


def test_every_pointer_names_a_page_that_exists() -> None:
    ctx = click.Context(cli, info_name="campaigns")
    texts = [help_text(cli, ctx), *(text for _, text in message_strings())]
    pointed = {m for text in texts for m in POINTER.findall(text)}
    assert {"recovery", "getting-started"} <= pointed
    assert pointed <= {topic.name for topic in topics()}


def test_the_dead_end_check_catches_both_kinds() -> None:
    assert DEAD_END.search("see docs/recovery.md")
    assert DEAD_END.search("Start with `make demo`")
    assert not DEAD_END.search("see `campaigns help recovery`")


def test_a_broken_install_says_to_reinstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundled, "files", lambda package: tmp_path)
    monkeypatch.setattr(bundled, "_checkout", lambda: None)
    with pytest.raises(bundled.BundledFileMissing, match="has no docs/ directory: reinstall it"):
        bundled.bundled_dir("docs")
    assert bundled.release_commit() is None


def test_the_repository_comes_from_the_package_metadata() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'Repository = "{bundled.repository_url()}"' in text
    assert bundled.action_slug() == "routee-campaigns/routee-campaigns"


def test_the_release_commit_is_recorded_or_read_from_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "release.json").write_text('{"commit": "' + "a" * 40 + '"}\n')
    monkeypatch.setattr(bundled, "files", lambda package: tmp_path)
    assert bundled.release_commit() == "a" * 40
    (tmp_path / "release.json").write_text('{"commit": null}\n')
    assert bundled.release_commit() is None


def test_the_readme_changelog_and_getting_started_name_this_version() -> None:
    pinned = f"routee-campaigns=={reconciler.__version__}"
    assert pinned in (ROOT / "README.md").read_text(encoding="utf-8")
    assert pinned in (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## [{reconciler.__version__}] - " in changelog


def test_the_checkout_commit_is_head_of_that_checkout_only(tmp_path: Path) -> None:
    assert bundled.checkout_commit(ROOT) == subprocess_head(ROOT)
    inner = ROOT / "reconciler"  # inside the repository, not its top
    assert bundled.checkout_commit(inner) is None
    assert bundled.checkout_commit(tmp_path) is None  # not a repository at all


def subprocess_head(root: Path) -> str:
    import subprocess

    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
