"""Data files are opened without following links, as regular files, with bounded sizes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.models.journal import JournalHeader
from reconciler.safefile import FileRefused, open_file, read_bounded
from reconciler.sandbox.errors import IdentityError, SandboxError, StoreCorrupt
from reconciler.sandbox.identity import account_id
from reconciler.sandbox.store import CampaignStore
from reconciler.state.errors import StateCorrupt, StateError
from reconciler.state.journal import Journal, read_journal
from reconciler.state.lock import WorkspaceLock, force_unlock, read_lock_info
from reconciler.state.store import create_state, load_state, new_state, write_state


def test_a_symbolic_link_is_refused_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("secret")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(FileRefused, match="link: is a symbolic link"):
        read_bounded(tmp_path / "link", 100)


def test_a_linked_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "f").write_text("x")
    (tmp_path / "state").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileRefused, match="state: is a symbolic link"):
        read_bounded(tmp_path / "state" / "f", 100)


def test_a_named_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(FileRefused, match="is a named pipe, not a regular file"):
        read_bounded(tmp_path / "pipe", 100)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises((FileRefused, IsADirectoryError)):
        open_file(tmp_path / "d", os.O_RDONLY)


def test_sizes_are_bounded(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 2048)
    with pytest.raises(FileRefused, match="big: is 2 KiB, more than the 1 KiB this file may hold"):
        read_bounded(tmp_path / "big", 1024)
    assert read_bounded(tmp_path / "big", 2048) == b"x" * 2048


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "none", 10)


def test_a_state_linked_to_dev_zero_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "production.json").symlink_to("/dev/zero")
    with pytest.raises(StateCorrupt, match=r"production\.json: is a symbolic link"):
        load_state(tmp_path / "production.json")


def test_a_state_in_a_linked_state_directory_is_neither_read_nor_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "state").symlink_to(outside)
    path = tmp_path / "state" / "production.json"
    with pytest.raises(StateError, match="state: is a symbolic link"):
        create_state(path, new_state("production", "http://127.0.0.1:9"))
    with pytest.raises(StateError, match="state: is a symbolic link"):
        write_state(path, new_state("production", "http://127.0.0.1:9"))
    assert list(outside.iterdir()) == []


def test_a_lock_linked_to_the_state_never_truncates_it(tmp_path: Path) -> None:
    state = tmp_path / "production.json"
    create_state(state, new_state("production", "http://127.0.0.1:9"))
    before = state.read_bytes()
    lock = tmp_path / "production.lock"
    lock.symlink_to(state.name)
    with pytest.raises(StateError, match=r"production\.lock: is a symbolic link.*lock file"):
        WorkspaceLock(lock, "apply").acquire()
    with pytest.raises(StateError, match="nothing was removed"):
        force_unlock(lock, "any")
    assert read_lock_info(lock) == {}
    assert state.read_bytes() == before
    assert lock.is_symlink()


def test_a_huge_lock_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "w.lock").write_text('{"id": "' + "x" * 100_000 + '"}')
    assert read_lock_info(tmp_path / "w.lock") == {}


def test_a_linked_journal_is_refused(tmp_path: Path) -> None:
    (tmp_path / "target").write_text("")
    (tmp_path / "w.journal").symlink_to(tmp_path / "target")
    with pytest.raises(StateCorrupt, match=r"w\.journal: is a symbolic link.*not folded"):
        read_journal(tmp_path / "w.journal")
    header = JournalHeader(lineage="l", base_serial=0, started_at="2026-01-01T00:00:00Z")
    (tmp_path / "w.journal").unlink()
    (tmp_path / "w.journal").symlink_to(tmp_path / "gone")  # a dangling link is not created through
    with pytest.raises(StateError):
        Journal.create(tmp_path / "w.journal", header)
    assert not (tmp_path / "gone").exists()


def test_the_sandbox_refuses_linked_data_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside.jsonl"
    outside.write_text("")
    data = tmp_path / "data"
    data.mkdir()
    (data / "campaigns.jsonl").symlink_to(outside)
    with pytest.raises(StoreCorrupt, match=r"campaigns\.jsonl: is a symbolic link"):
        CampaignStore(data)
    (data / "campaigns.jsonl").unlink()
    (data / "sandbox.lock").unlink()
    (data / "sandbox.lock").symlink_to(outside)
    with pytest.raises(SandboxError, match=r"sandbox\.lock: is a symbolic link"):
        CampaignStore(data)
    (data / "identity.json").symlink_to("/dev/zero")
    with pytest.raises(IdentityError, match=r"identity\.json: is a symbolic link"):
        account_id(data)
    assert outside.read_text() == ""


def test_plan_on_a_state_linked_to_dev_zero_exits_1_with_the_file_named(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "default.json").symlink_to("/dev/zero")
    env = {"ROUTEE_API_URL": "http://127.0.0.1:9"}
    result = CliRunner().invoke(cli, ["plan", "--dir", str(tmp_path)], env=env)
    assert result.exit_code == 1
    assert "default.json: is a symbolic link" in result.stderr
    assert "Traceback" not in result.output
