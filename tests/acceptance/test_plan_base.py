"""``campaigns plan --base REF``: files only apply writes, changed in a pull request, are plan errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.escape import MARKER
from reconciler.protected import is_protected

ENV = {"ROUTEE_API_URL": "http://127.0.0.1:9", "CAMPAIGNS_WORKSPACE": "production"}
DECLARATION = (
    "id: promo\nfrom: '+306900000000'\nto: ['+306945550201']\n"
    "message: {text: Hi, language: en-GB}\nscheduledDate: '2030-01-01T09:00:00Z'\n"
)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def plan(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["plan", "--dir", str(root), *args], env=ENV)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main with an initialised production state; HEAD on a pull-request branch."""
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "promo.yaml").write_text(DECLARATION)
    git(tmp_path, "init", "-q", "-b", "main")
    assert CliRunner().invoke(cli, ["init", "--dir", str(tmp_path)], env=ENV).exit_code == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    git(tmp_path, "checkout", "-q", "-b", "pr")
    return tmp_path


def test_a_pull_request_that_only_changes_declarations_plans_cleanly(repo: Path) -> None:
    (repo / "campaigns" / "promo.yaml").write_text(DECLARATION.replace("Hi", "Hello"))
    git(repo, "commit", "-q", "-am", "edit")
    code, out, _ = plan(repo, "--base", "main")
    assert code == 0, out
    assert "only `campaigns apply` writes" not in out


def test_state_journal_lock_and_cache_changes_are_plan_errors(repo: Path) -> None:
    path = repo / "state" / "production.json"
    state = json.loads(path.read_text())
    state["serial"] = 7
    path.write_text(json.dumps(state, indent=2) + "\n")
    (repo / "state" / "production.journal").write_text("{}\n")
    (repo / ".campaigns-cache" / "parsed").mkdir(parents=True)
    (repo / ".campaigns-cache" / "parsed" / "k.json").write_text("{}")
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m", "sneak")
    (repo / "state" / "production.lock").write_text("")  # not even committed
    code, out, _ = plan(repo, "--base", "main", "--format", "markdown")
    assert code == 1
    assert out.startswith(MARKER) and ":x:" in out
    for name, change in (
        (".campaigns-cache/parsed/k.json", "added since main"),
        ("state/production.journal", "added since main"),
        ("state/production.json", "modified since main"),
        ("state/production.lock", "added (not committed) since main"),
    ):
        assert f"{name}: {change}; only `campaigns apply` writes" in out, name
    assert "corrupt journal record" in out  # the journal breaks the plan; still every file named


def test_a_state_edit_that_still_plans_is_an_error_row_in_the_comment(repo: Path) -> None:
    path = repo / "state" / "production.json"
    path.write_text(path.read_text().replace('"serial": 0', '"serial": 3'))
    git(repo, "commit", "-q", "-am", "bump serial")
    code, out, _ = plan(repo, "--base", "main", "--format", "markdown")
    assert code == 1
    assert (
        "- state/production.json: modified since main; only `campaigns apply` writes the state"
        in out
    )
    assert "**The plan has 1 error" in out


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_a_state_edit_beside_an_invalid_declaration_is_still_named(
    repo: Path, output_format: str
) -> None:
    """No plan is made for invalid declarations; the protected file is still an error, in the
    log (stderr) and, for markdown, in the comment."""
    path = repo / "state" / "production.json"
    path.write_text(path.read_text().replace('"serial": 0', '"serial": 3'))
    (repo / "campaigns" / "promo.yaml").write_text(DECLARATION + "bogus: 1\n")
    git(repo, "commit", "-q", "-am", "edit both")
    code, out, err = plan(repo, "--base", "main", "--format", output_format)
    assert code == 1
    named = "state/production.json: modified since main; only `campaigns apply` writes the state"
    assert f"Error: {named}" in err
    assert "campaigns/promo.yaml:6:1: bogus: unknown key" in err
    assert (named in out) is (output_format == "markdown")


def test_the_base_is_the_merge_base_so_applies_on_main_do_not_count(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    path = repo / "state" / "production.json"
    path.write_text(path.read_text().replace('"serial": 0', '"serial": 1'))
    git(repo, "commit", "-q", "-am", "apply on main")
    git(repo, "checkout", "-q", "pr")
    code, out, _ = plan(repo, "--base", "main")
    assert code == 0, out


def test_a_bad_base_is_a_clear_error(repo: Path) -> None:
    code, _, err = plan(repo, "--base", "no-such-branch")
    assert code == 1 and "--base no-such-branch: cannot compare" in err
    code, _, err = plan(repo, "--base", "--output=/tmp/x")
    assert code == 1 and "not a git revision" in err


def test_what_is_protected() -> None:
    assert is_protected("state/production.json")
    assert is_protected("state/anything/else.txt")
    assert is_protected("campaigns/x.journal") and is_protected("a/b.lock")
    assert is_protected(".campaigns-cache/parsed/k.json")
    assert not is_protected("campaigns/promo.yaml") and not is_protected("campaigns.toml")


def test_the_comment_lists_every_guard_trailer_in_force_and_its_commit(repo: Path) -> None:
    (repo / "campaigns" / "promo.yaml").write_text(DECLARATION.replace("Hi", "Hello"))
    git(repo, "commit", "-q", "-am", "edit", "-m", "Campaigns-Allow-Sends: 120")
    sha = git(repo, "rev-parse", "--short", "HEAD").strip()
    git(repo, "commit", "-q", "--allow-empty", "-m", "later", "-m", "Campaigns-Allow-Late: 1")
    later = git(repo, "rev-parse", "--short", "HEAD").strip()
    code, out, _ = plan(repo, "--base", "main", "--format", "markdown")
    assert code == 0, out
    assert f"guard trailer Campaigns-Allow-Sends: 120 (commit {sha}) is in force" in out
    assert f"guard trailer Campaigns-Allow-Late: 1 (commit {later}) is in force" in out


def test_a_saved_plan_with_trailers_in_force_carries_a_checksum_that_covers_them(
    repo: Path,
) -> None:
    """The trailer warnings are in the plan before it is sealed: apply would otherwise call the
    saved file edited (plan.yml saves exactly such a plan: --base, --out)."""
    from reconciler.plan.seal import document_checksum
    from reconciler.usecases.plan_file import read_plan

    (repo / "campaigns" / "promo.yaml").write_text(DECLARATION.replace("Hi", "Hello"))
    git(repo, "commit", "-q", "-am", "edit", "-m", "Campaigns-Allow-Sends: 120")
    saved = repo.parent / "plan.json"
    code, out, err = plan(repo, "--base", "main", "--format", "json", "--out", str(saved))
    assert code == 0, err
    shown = json.loads(out)
    assert any("Campaigns-Allow-Sends: 120" in w["message"] for w in shown["warnings"])
    assert shown["checksum"] == document_checksum(shown)
    kept = json.loads(saved.read_text())
    assert kept["warnings"] == shown["warnings"] and kept["checksum"] == shown["checksum"]
    read_plan(saved)  # raises when the checksum does not match the content
