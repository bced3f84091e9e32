"""State file: paths, round trip, stable formatting, atomic writes, refusal of bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.config import Config
from reconciler.models.intent import CancelIntent, CancelReason
from reconciler.models.state import CampaignRecord, Pending, State, Submission
from reconciler.state.errors import StateCorrupt, StateError, StateFutureVersion, StateMissing
from reconciler.state.store import (
    create_state,
    journal_path,
    load_state,
    lock_path,
    new_state,
    remove_leftover_temps,
    render_state,
    state_path,
    write_state,
)


def _state() -> State:
    state = new_state("production", "https://connect.routee.net")
    sub = Submission(
        seq=1,
        revision=1,
        submission_name="Spring promo-ABCDEFGH",
        tracking_id="t-1",
        spec_hash="sha256:aa",
        decl_hash="sha256:bb",
        request={"to": ["+306912345678"], "message": {"text": "Καλημέρα"}},
        submitted_at="2027-01-01T00:00:00Z",
    )
    state.campaigns["spring"] = CampaignRecord(
        id="spring", source="campaigns/a.yaml", submissions=[sub]
    )
    state.pending.append(
        Pending(
            intent=CancelIntent(
                key="k1",
                id="spring",
                at="2027-01-02T00:00:00Z",
                tracking_id="t-1",
                reason=CancelReason.CANCEL,
            )
        )
    )
    return state


def test_paths_live_under_state_dir(tmp_path: Path) -> None:
    config = Config(root=tmp_path)
    assert state_path(config, "prod") == tmp_path / "state" / "prod.json"
    assert journal_path(config, "prod") == tmp_path / "state" / "prod.journal"
    assert lock_path(config, "prod") == tmp_path / "state" / "prod.lock"


def test_new_state_has_fresh_lineage_and_serial_zero() -> None:
    a, b = new_state("w", "e"), new_state("w", "e")
    assert a.serial == 0
    assert a.lineage != b.lineage
    assert len(a.lineage) == 36


def test_round_trip_and_byte_identical_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    state = _state()
    write_state(path, state)
    first = path.read_bytes()
    loaded = load_state(path)
    assert loaded == state
    write_state(path, loaded)
    assert path.read_bytes() == first


def test_format_is_pretty_sorted_camel_case_with_trailing_newline(tmp_path: Path) -> None:
    text = render_state(_state()).decode("utf-8")
    assert text.endswith("}\n")
    assert '\n  "campaigns": {' in text
    assert '"formatVersion": 1' in text
    assert '"submissionName"' in text
    assert "Καλημέρα" in text  # ensure_ascii off
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_failed_rename_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    write_state(path, _state())
    before = path.read_bytes()

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    changed = _state()
    with pytest.raises(StateError, match="No space left on device"):
        write_state(path, changed)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_missing_state_names_init(tmp_path: Path) -> None:
    with pytest.raises(StateMissing, match=r"campaigns init --workspace staging"):
        load_state(tmp_path / "state" / "staging.json")


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (
            b'{\n  "lineage": "x",\n  "serial": \n',
            r"s\.json:4:1: not valid JSON \(Expecting value\)",
        ),
        (b"", r"s\.json: the file is empty"),
        (b"  \n", r"s\.json: the file is empty"),
        (b"[1, 2]", "must hold a JSON object"),
        (
            b'{"lineage": "x", "serial": -1, "workspace": "w", "endpoint": "e"}',
            r"serial: Input should be greater",
        ),
        (b'{"lineage": "x", "workspace": "w"}', "endpoint: Field required"),
        (b'{"lineage": "x", "workspace": "w", "endpoint": "e", "bogus": 1}', "bogus: Extra inputs"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_corrupt_state_is_refused_and_left_alone(
    tmp_path: Path, content: bytes, pattern: str
) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(StateCorrupt, match=pattern):
        load_state(path)
    assert path.read_bytes() == content


def test_a_key_with_a_line_break_stays_on_the_errors_line(tmp_path: Path) -> None:
    """A state is a file a pull request can edit: its keys must not forge lines of the log."""
    path = tmp_path / "s.json"
    path.write_bytes(b'{"lineage": "x", "workspace": "w", "endpoint": "e", "a\\nPlan: 0": 1}')
    with pytest.raises(StateCorrupt) as refused:
        load_state(path)
    assert "\n" not in str(refused.value)
    assert "a\\u000aPlan: 0: Extra inputs are not permitted" in str(refused.value)


def test_future_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    content = (
        b'{"formatVersion": 99, "lineage": "x", "workspace": "w", "endpoint": "e", "newThing": 1}'
    )
    path.write_bytes(content)
    with pytest.raises(StateFutureVersion, match=r"formatVersion 99 .* upgrade"):
        load_state(path)
    assert path.read_bytes() == content


def test_create_state_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "state" / "w.json"
    create_state(path, _state())
    before = path.read_bytes()
    with pytest.raises(StateError, match="already exists"):
        create_state(path, new_state("w", "e"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["w.json"]


def test_write_into_a_missing_directory_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="cannot write"):
        write_state(tmp_path / "nope" / "s.json", _state())


def test_unreadable_state_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "s.json").mkdir()
    with pytest.raises(StateError, match="is a directory, not a regular file"):
        load_state(tmp_path / "s.json")


def test_a_damaged_state_is_told_to_come_from_git_only_when_git_tracks_it(
    tmp_path: Path,
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / ".gitignore").write_text("state/sandbox.json\n")
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    for name in ("prod", "sandbox", "staging"):
        (state_dir / f"{name}.json").write_bytes(b"")
    git("add", ".gitignore", "state/prod.json")
    messages = {}
    for name in ("prod", "sandbox", "staging"):
        with pytest.raises(StateCorrupt) as caught:
            load_state(state_dir / f"{name}.json")
        messages[name] = str(caught.value)
    assert "restore it from git (git checkout -- prod.json, in" in messages["prod"]
    assert "git checkout" not in messages["sandbox"]
    assert "delete it together with the project's .sandbox/ directory" in messages["sandbox"]
    assert "git checkout" not in messages["staging"]
    assert "git does not track it, so git cannot restore it" in messages["staging"]


def test_temp_files_of_killed_writers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    write_state(path, _state())
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    left = tmp_path / f".s.json.{dead.stdout.strip()}.abc123.tmp"
    live = tmp_path / f".s.json.{os.getppid()}.def456.tmp"  # a writer still running
    other = tmp_path / ".t.json.1.x.tmp"  # another file's temp
    for tmp in (left, live, other):
        tmp.write_bytes(b"{half")
    write_state(path, _state())
    assert not left.exists()
    assert live.exists() and other.exists()
    assert remove_leftover_temps(path) == []
