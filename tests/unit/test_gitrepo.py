"""``reconciler.gitrepo``: the one git runner, and how each caller translates its failures."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.trailers import ci_allowances
from reconciler.audit import AuditError, read_trail
from reconciler.errors import CampaignsError, ConfigError
from reconciler.gitrepo import GitFailed, GitTimeout, GitUnavailable, git_text, run_git

QUIET_GIT = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in QUIET_GIT.items():
        monkeypatch.setenv(name, value)
    run_git(tmp_path, ["init", "-q", "-b", "main"], timeout=30)
    return tmp_path


def test_stdout_is_returned_as_bytes(repo: Path) -> None:
    assert run_git(repo, ["rev-parse", "--is-inside-work-tree"], timeout=30) == b"true\n"


def test_stdin_reaches_git_and_text_has_universal_newlines(repo: Path) -> None:
    message = "Subject\r\n\r\nCampaigns-Allow-Sends: 3\r\n"
    out = git_text(repo, ["interpret-trailers", "--parse"], stdin=message, timeout=30)
    assert out == "Campaigns-Allow-Sends: 3\n"


def test_a_non_zero_exit_is_git_failed_with_its_status_and_last_line(tmp_path: Path) -> None:
    with pytest.raises(GitFailed) as caught:
        run_git(tmp_path, ["log", "-1"], timeout=30)
    assert caught.value.returncode == 128
    assert "not a git repository" in caught.value.last_line
    assert isinstance(caught.value, CampaignsError)


def test_no_git_on_path_is_unavailable_and_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-dir"))
    with pytest.raises(GitUnavailable) as caught:
        run_git(tmp_path, ["status"], timeout=30)
    assert caught.value.missing is True


def test_a_cwd_that_is_a_file_is_unavailable_not_missing(tmp_path: Path) -> None:
    file = tmp_path / "campaigns.toml"
    file.write_text("")
    with pytest.raises(GitUnavailable) as caught:
        run_git(file, ["status"], timeout=30)
    assert caught.value.missing is False
    assert "Not a directory" in str(caught.value)


def _slow(*args: Any, **kwargs: Any) -> Any:
    raise subprocess.TimeoutExpired(cmd="git", timeout=kwargs["timeout"])


def test_a_timeout_is_git_timeout_naming_the_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subprocess, "run", _slow)
    with pytest.raises(GitTimeout, match="timed out after 7 seconds"):
        run_git(tmp_path, ["status"], timeout=7)


def test_the_audit_trail_says_why_git_could_not_run(tmp_path: Path) -> None:
    file = tmp_path / "campaigns.toml"
    file.write_text("")
    with pytest.raises(AuditError, match=r"^cannot run git: .*Not a directory"):
        read_trail(file, "state/production.json")


def test_trailers_without_git_are_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-dir"))
    with pytest.raises(ConfigError, match=r"^CI=true: cannot read commit trailers with git: "):
        ci_allowances(tmp_path, {"CI": "true"})


def test_trailers_timing_out_are_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subprocess, "run", _slow)
    with pytest.raises(ConfigError, match=r"with git: .*timed out after 10 seconds"):
        ci_allowances(tmp_path, {"CI": "true"})
