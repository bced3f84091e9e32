"""The sandbox's crash-safe writes: replace atomically, or create once, never leaving temp files."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reconciler.sandbox.files import publish_once, write_atomically


def test_write_atomically_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "campaigns.log"
    write_atomically(target, "old\n")
    write_atomically(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaigns.log"]


def test_a_failed_write_removes_its_temp_file_and_keeps_the_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "campaigns.log"
    write_atomically(target, "old\n")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, "new\n")
    with pytest.raises(OSError, match="No space left"):
        publish_once(tmp_path / "account", "id\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaigns.log"]


def test_publish_once_lets_exactly_one_of_many_writers_create_the_file(tmp_path: Path) -> None:
    target = tmp_path / "account"
    wins: list[str] = []

    def writer(text: str) -> None:
        if publish_once(target, text):
            wins.append(text)

    threads = [threading.Thread(target=writer, args=(f"writer {n}\n",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    assert target.read_text() == wins[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["account"]
