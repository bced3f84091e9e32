"""The audit trail read from a real (temporary) git repository, and ``campaigns log``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.audit import AuditError, EventKind, read_trail, uncommitted_events
from reconciler.cli.main import cli

STATE = "state/production.json"
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str, author: str = "Ada") -> str:
    env = {**ENV, "GIT_AUTHOR_NAME": author}
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout


def sub(seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "submissionName": f"P-{seq}",
        "trackingId": f"t{seq}",
        "submittedAt": f"2027-01-0{seq}T00:00:00Z",
        "status": "accepted",
        **extra,
    }


def commit_state(root: Path, campaigns: dict[str, Any], message: str, author: str = "Ada") -> str:
    path = root / STATE
    path.parent.mkdir(exist_ok=True)
    data = {"lineage": "L", "serial": 1, "workspace": "production", "campaigns": campaigns}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    git(root, "add", STATE)
    git(root, "commit", "-q", "-m", message, author=author)
    return git(root, "rev-parse", "--short", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


@pytest.fixture
def history(repo: Path) -> tuple[Path, list[str]]:
    shas = [commit_state(repo, {}, "init")]
    shas.append(commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply 1", author="Bot"))
    (repo / "campaigns").mkdir()
    (repo / "campaigns" / "other.yaml").write_text("id: x\n")
    git(repo, "add", "campaigns")
    git(repo, "commit", "-q", "-m", "unrelated")
    replaced = sub(
        1, status="cancelled", cancelledAt="2027-01-02T08:00:00Z", cancelReason="replace"
    )
    shas.append(
        commit_state(
            repo,
            {"p": {"submissions": [replaced, sub(2)]}, "q": {"submissions": [sub(1)]}},
            "apply 2",
        )
    )
    return repo, shas


def test_trail_lists_each_event_with_the_commit_that_recorded_it(history: Any) -> None:
    repo, shas = history
    trail = read_trail(repo, STATE)
    assert trail.commits == 3
    assert all(e.commit is not None for e in trail.events)
    got = [
        (e.campaign_id, e.kind, e.seq, e.to_json()["commit"], e.to_json()["author"])
        for e in trail.events
    ]
    assert got == [
        ("p", EventKind.SEND, 1, shas[1], "Bot"),
        ("p", EventKind.CANCEL, 1, shas[2], "Ada"),
        ("p", EventKind.REPLACE, 2, shas[2], "Ada"),
        ("q", EventKind.SEND, 1, shas[2], "Ada"),
    ]


def test_log_command_text(history: Any) -> None:
    repo, shas = history
    result = CliRunner().invoke(cli, ["log", "--dir", str(repo), "--workspace", "production"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "p"
    assert lines[1] == (
        f"  2027-01-01T00:00:00Z       send     #1 P-1 trackingId t1  commit {shas[1]} by Bot"
    )
    assert "replace  #2 P-2 trackingId t2" in lines[3]
    assert lines[4] == "q"


def test_log_command_json_filtered_by_id(history: Any) -> None:
    repo, shas = history
    args = ["log", "q", "--dir", str(repo), "-w", "production", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["stateFile"] == STATE
    [event] = data["events"]
    assert (event["campaignId"], event["kind"], event["trackingId"]) == ("q", "send", "t1")
    assert event["commit"] == shas[2]


def test_log_unknown_id_is_an_error(history: Any) -> None:
    repo, _ = history
    result = CliRunner().invoke(cli, ["log", "nope", "--dir", str(repo), "-w", "production"])
    assert result.exit_code == 1
    assert "campaign 'nope' has no recorded history in state/production.json" in result.output


def test_not_a_repository(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["log", "--dir", str(tmp_path), "-w", "production"])
    assert result.exit_code == 1
    assert "is not inside a git repository" in result.output
    assert "Traceback" not in result.output


def test_state_never_committed(repo: Path) -> None:
    with pytest.raises(
        AuditError, match="has no committed history: create it with `campaigns init`"
    ):
        read_trail(repo, STATE)


def test_deleted_then_restored_state_is_not_a_second_send(repo: Path) -> None:
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    git(repo, "rm", "-q", STATE)
    git(repo, "commit", "-q", "-m", "oops")
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "restore")
    trail = read_trail(repo, STATE)
    assert [e.kind for e in trail.events] == [EventKind.SEND]
    assert trail.commits == 3


def test_corrupt_version_is_skipped_and_reported(repo: Path) -> None:
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    (repo / STATE).write_text("{ not json")
    git(repo, "commit", "-q", "-am", "broken")
    commit_state(repo, {"p": {"submissions": [sub(1), sub(2)]}}, "apply 2")
    trail = read_trail(repo, STATE)
    assert [e.kind for e in trail.events] == [EventKind.SEND, EventKind.RESEND]
    assert [v.problem is not None for v in trail.skipped] == [True]
    result = CliRunner().invoke(cli, ["log", "--dir", str(repo), "-w", "production"])
    assert "was skipped: not valid JSON" in result.output


def test_project_in_a_subdirectory(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    project = tmp_path / "ops" / "voice"
    project.mkdir(parents=True)
    commit_state(project, {"p": {"submissions": [sub(1)]}}, "apply")
    assert [e.kind for e in read_trail(project, STATE).events] == [EventKind.SEND]


def test_uncommitted_events_compare_the_working_copy_with_head(repo: Path) -> None:
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    data = json.loads((repo / STATE).read_text())
    data["campaigns"]["p"]["submissions"].append(sub(2))
    (repo / STATE).write_text(json.dumps(data))
    assert [e.kind for e in uncommitted_events(repo, STATE)] == [EventKind.RESEND]
    assert uncommitted_events(repo, "state/missing.json") == []


def test_log_uncommitted_commit_message_names_what_was_sent(repo: Path) -> None:
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    data = json.loads((repo / STATE).read_text())
    data["campaigns"]["q"] = {"submissions": [sub(1)]}
    (repo / STATE).write_text(json.dumps(data))
    (repo / "state" / "production.journal").write_text("{}\n")
    args = ["log", "--uncommitted", "--format", "commit-message", "--dir", str(repo)]
    result = CliRunner().invoke(cli, [*args, "-w", "production"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "campaigns apply (production): 1 sent"
    assert lines[2] == "q: send #1 P-1 trackingId t1"
    assert "The apply did not finish: state/production.journal is committed" in result.output


def test_log_uncommitted_text_without_changes(repo: Path) -> None:
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    args = ["log", "--uncommitted", "--dir", str(repo), "-w", "production"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "No submissions recorded in state/production.json since its last commit.\n"
    )


def test_commit_message_format_needs_uncommitted(repo: Path) -> None:
    args = ["log", "--format", "commit-message", "--dir", str(repo), "-w", "production"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "add --uncommitted" in result.output


def test_git_missing_is_a_clear_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-such-dir"))
    with pytest.raises(AuditError, match="git is not installed"):
        read_trail(repo, STATE)


def test_git_timeout_is_a_clear_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: Any, **kwargs: Any) -> Any:
        raise subprocess.TimeoutExpired(cmd="git", timeout=1)

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(AuditError, match="took longer than"):
        read_trail(repo, STATE)


def test_renamed_state_file_keeps_its_history(repo: Path) -> None:
    sent = commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply", author="Bot")
    git(repo, "mv", STATE, "state/prod.json")
    git(repo, "commit", "-q", "-m", "rename the workspace")
    trail = read_trail(repo, "state/prod.json")
    assert [(e.kind, e.to_json()["commit"]) for e in trail.events] == [(EventKind.SEND, sent)]
    assert trail.commits == 2


def test_renamed_state_file_in_a_subdirectory(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    project = tmp_path / "ops"
    project.mkdir()
    sent = commit_state(project, {"p": {"submissions": [sub(1)]}}, "apply")
    git(project, "mv", STATE, "state/prod.json")
    git(project, "commit", "-q", "-m", "rename")
    events = read_trail(project, "state/prod.json").events
    assert [(e.kind, e.to_json()["commit"]) for e in events] == [(EventKind.SEND, sent)]


def test_forgotten_campaign_keeps_its_history_in_the_log(repo: Path) -> None:
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    forgotten = commit_state(repo, {"p": {"submissions": [sub(1)], "forgotten": True}}, "forget")
    args = ["log", "p", "--dir", str(repo), "-w", "production", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)["events"]
    assert [(e["kind"], e["commit"]) for e in events][-1] == ("forget", forgotten)
    assert events[0]["kind"] == "send"


def test_log_with_only_the_init_commit_says_one_commit(repo: Path) -> None:
    commit_state(repo, {}, "init")
    result = CliRunner().invoke(cli, ["log", "--dir", str(repo), "-w", "production"])
    assert result.exit_code == 0, result.output
    assert result.output == "No submissions recorded in state/production.json (1 commit).\n"


def test_commit_message_ends_with_the_applied_trailer(repo: Path) -> None:
    commit_state(repo, {}, "init")
    head = git(repo, "rev-parse", "HEAD").strip()
    (repo / STATE).write_text(json.dumps({"campaigns": {"q": {"submissions": [sub(1)]}}}))
    (repo / "state" / "production.journal").write_text("{}\n")
    args = ["log", "--uncommitted", "--format", "commit-message", "--dir", str(repo)]
    result = CliRunner().invoke(cli, [*args, "-w", "production"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-2:] == ["", f"Campaigns-Applied: {head}"]
    assert "The apply did not finish" in result.output
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=result.output, capture_output=True,
        text=True, check=True, timeout=30,
    )  # fmt: skip
    assert parsed.stdout == f"Campaigns-Applied: {head}\n"


def test_a_state_commit_without_submissions_says_what_changed_and_how_the_apply_ended(
    repo: Path,
) -> None:
    """Issue 12 item 5: the message describes what happened, never a generic 'State updated
    without new submissions' for a failed apply."""
    commit_state(repo, {"p": {"submissions": [sub(1)]}}, "apply")
    data = json.loads((repo / STATE).read_text())
    data["pending"] = [{"key": "k9", "type": "submit", "id": "q", "outcome": "held"}]
    data["dedupe"] = {"verified": False, "method": "echo"}
    data["canaries"] = [{"submissionName": "canary-abcdefgh"}]
    data["campaigns"]["p"]["submissions"][0]["state"] = "Running"
    (repo / STATE).write_text(json.dumps(data))
    args = ["log", "--uncommitted", "--format", "commit-message", "--dir", str(repo)]
    env = {"CAMPAIGNS_APPLY_OUTCOME": "failure"}
    result = CliRunner().invoke(cli, [*args, "-w", "production"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "campaigns apply (production): no submissions changed"
    assert lines[2:6] == [
        "1 remote call(s) in doubt, kept in `pending`: the next apply re-sends them under the "
        "same name, or holds them (campaigns help recovery).",
        "Name dedupe NOT verified (echo).",
        "1 dedupe canary(ies) that may still be scheduled recorded (canary-abcdefgh): campaigns "
        "status lists them.",
        "1 submission(s) refreshed from Routee's tracking",
    ]
    assert "The apply did not complete: an action failed or was held" in result.output
    assert "State updated without new submissions" not in result.output
    assert lines[-1].startswith("Campaigns-Applied: ")
    ok = CliRunner().invoke(cli, [*args, "-w", "production", "--apply-outcome", "success"])
    assert "The apply did not complete" not in ok.output
