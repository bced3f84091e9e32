"""Guard overrides from commit trailers: which commits count, in real (temporary) git repositories.

The rule: the commits not applied yet, i.e. after the commit named by the last state commit's
``Campaigns-Applied`` trailer (else after the last commit that changed the state file).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from reconciler.apply.trailers import (
    applied_base,
    ci_allowances,
    guard_allowances,
    head_trailers,
    parse_trailers,
    unapplied_trailers,
)
from reconciler.errors import ConfigError
from reconciler.models.plan import GuardKind

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
SENDS, RECIPIENTS = GuardKind.SENDS, GuardKind.RECIPIENTS


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=ENV, capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout.strip()


def commit(root: Path, message: str, path: str = "campaigns/a.yaml") -> str:
    """Change ``path`` and commit it with ``message``; return the full sha."""
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(file.read_text() + "x\n" if file.exists() else "x\n")
    git(root, "add", path)
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def state_commit(root: Path, applied: str | None, workspace: str = "production") -> str:
    message = f"campaigns apply ({workspace}): 1 sent\n\np: send #1 P-abc trackingId t1\n"
    if applied:
        message += f"\n[skip ci]\n\nCampaigns-Applied: {applied}\n"
    return commit(root, message, f"state/{workspace}.json")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    state_commit(tmp_path, None)  # campaigns init, committed
    return tmp_path


def test_parse_trailers_reads_the_three_guards_case_insensitively() -> None:
    text = "Campaigns-Allow-Sends: 120\ncampaigns-allow-recipients:12480\nSigned-off-by: Ada\n"
    assert parse_trailers(text) == {SENDS: 120, RECIPIENTS: 12480}
    assert parse_trailers("Campaigns-Allow-Late: 2") == {GuardKind.LATE: 2}


def test_parse_trailers_reads_the_safe_to_send_guards() -> None:
    text = (
        "Campaigns-Allow-Outside-Window: 37\n"
        "Campaigns-Allow-Over-Frequency: 4\n"
        "Campaigns-Allow-Cost: 513\n"
    )
    assert parse_trailers(text) == {
        GuardKind.OUTSIDE_WINDOW: 37,
        GuardKind.OVER_FREQUENCY: 4,
        GuardKind.COST: 513,
    }


def test_a_trailer_that_is_not_a_number_names_the_commit(repo: Path) -> None:
    short = commit(repo, "Merge\n\nCampaigns-Allow-Sends: lots\n")[:7]
    with pytest.raises(ConfigError, match=rf"'Campaigns-Allow-Sends: lots' \(commit {short}"):
        unapplied_trailers(repo, "production")


def test_first_apply_counts_every_commit_after_init(repo: Path) -> None:
    commit(repo, "Merge pull request #1\n\nCampaigns-Allow-Sends: 120\n")
    commit(repo, "Merge pull request #2\n\nCampaigns-Allow-Recipients: 12480\n")
    assert unapplied_trailers(repo, "production") == {SENDS: 120, RECIPIENTS: 12480}


def test_a_trailer_survives_another_runs_state_commit_rebased_on_top(repo: Path) -> None:
    # Run 1 applies M1; meanwhile M2 (with the trailer) is merged; run 1's state commit is rebased
    # onto M2 and pushed; run 2 starts with HEAD = that state commit.
    m1 = commit(repo, "Merge pull request #1")
    commit(repo, "Merge pull request #2\n\nCampaigns-Allow-Sends: 120\n")
    state_commit(repo, applied=m1)
    assert head_trailers(repo) == {}  # HEAD alone would have lost it
    assert applied_base(repo, "production") == m1
    assert unapplied_trailers(repo, "production") == {SENDS: 120}


def test_a_trailer_on_an_applied_commit_no_longer_counts(repo: Path) -> None:
    m1 = commit(repo, "Merge pull request #1\n\nCampaigns-Allow-Sends: 120\n")
    state_commit(repo, applied=m1)
    commit(repo, "Merge pull request #2")
    assert unapplied_trailers(repo, "production") == {}


def test_the_newest_commit_wins_for_each_guard(repo: Path) -> None:
    commit(repo, "Merge #1\n\nCampaigns-Allow-Sends: 2\nCampaigns-Allow-Recipients: 40\n")
    commit(repo, "Merge #2\n\nCampaigns-Allow-Sends: 5\n")
    assert unapplied_trailers(repo, "production") == {SENDS: 5, RECIPIENTS: 40}


def test_a_trailer_on_a_merged_branch_commit_counts(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "spring")
    commit(repo, "Allow the spring sends\n\nCampaigns-Allow-Sends: 3\n")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "spring", "-m", "Merge spring")
    assert unapplied_trailers(repo, "production") == {SENDS: 3}


def test_without_an_applied_trailer_commits_after_the_last_state_change_count(repo: Path) -> None:
    commit(repo, "Merge #1\n\nCampaigns-Allow-Sends: 2\n")
    last = state_commit(repo, applied=None)  # an older tool's state commit
    commit(repo, "Merge #2\n\nCampaigns-Allow-Recipients: 40\n")
    assert applied_base(repo, "production") == last
    assert unapplied_trailers(repo, "production") == {RECIPIENTS: 40}


def test_an_applied_sha_that_is_not_an_ancestor_is_ignored(repo: Path) -> None:
    commit(repo, "Merge #1\n\nCampaigns-Allow-Sends: 2\n")
    last = state_commit(repo, applied="0" * 40)
    commit(repo, "Merge #2\n\nCampaigns-Allow-Sends: 4\n")
    assert applied_base(repo, "production") == last
    assert unapplied_trailers(repo, "production") == {SENDS: 4}


def test_another_workspaces_state_commit_does_not_mark_this_one_applied(repo: Path) -> None:
    m1 = commit(repo, "Merge #1\n\nCampaigns-Allow-Sends: 2\n")
    state_commit(repo, applied=m1, workspace="staging")
    assert unapplied_trailers(repo, "production") == {SENDS: 2}
    assert unapplied_trailers(repo, "staging") == {}
    assert unapplied_trailers(repo) == {}  # unknown workspace: the narrower range


def test_no_committed_state_reads_head_only(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "First\n\nCampaigns-Allow-Sends: 9\n")
    commit(tmp_path, "Second\n\nCampaigns-Allow-Recipients: 7\n")
    assert applied_base(tmp_path, "production") is None
    assert unapplied_trailers(tmp_path, "production") == {RECIPIENTS: 7}


def test_trailers_count_only_in_ci(repo: Path) -> None:
    commit(repo, "Merge #1\n\nCampaigns-Allow-Sends: 2\n")
    assert ci_allowances(repo, {}, "production") == {}
    assert ci_allowances(repo, {"CI": "false"}, "production") == {}
    assert ci_allowances(repo, {"CI": "true"}, "production") == {SENDS: 2}


def test_outside_a_repository_in_ci_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CI=true: `git log"):
        ci_allowances(tmp_path, {"CI": "true"})


def test_flags_given_win_over_trailers_and_flags_not_given_keep_them(repo: Path) -> None:
    commit(repo, "Merge #1\n\nCampaigns-Allow-Sends: 2\nCampaigns-Allow-Recipients: 9\n")
    flags = {SENDS: 3, RECIPIENTS: None, GuardKind.LATE: 0}
    ci = guard_allowances(repo, {"CI": "true"}, "production", flags)
    assert ci == {SENDS: 3, RECIPIENTS: 9, GuardKind.LATE: 0}
    assert guard_allowances(repo, {}, "production", flags) == {SENDS: 3, GuardKind.LATE: 0}
