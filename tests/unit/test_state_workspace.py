"""open_workspace: missing state, sandbox auto-create, endpoint check, leftover journal folded."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import Config
from reconciler.models.journal import JournalHeader, Outcome, OutcomeKind, SubmitIntent
from reconciler.state.errors import (
    EndpointMismatch,
    LineageMismatch,
    LockHeld,
    StateBehind,
    StateCorrupt,
    StateError,
    StateMissing,
)
from reconciler.state.journal import Journal
from reconciler.state.lock import WorkspaceLock
from reconciler.state.store import (
    create_state,
    journal_path,
    load_state,
    lock_path,
    new_state,
    state_path,
)
from reconciler.state.workspace import (
    bind_workspace,
    endpoint_for,
    fold_journal,
    open_workspace,
    read_workspace,
)

API = "https://connect.routee.net"
AUTH = "https://auth.routee.net"


def _config(tmp_path: Path) -> Config:
    return Config(root=tmp_path)


def _submit(key: str, cid: str) -> SubmitIntent:
    return SubmitIntent(
        key=key,
        id=cid,
        seq=1,
        revision=1,
        submission_name=f"{cid}-TAG",
        spec_hash="s",
        decl_hash="d",
        request={"to": ["+306912345678"]},
        at="t1",
    )


def test_missing_state_names_init(tmp_path: Path) -> None:
    config = _config(tmp_path)
    with pytest.raises(StateMissing, match="campaigns init --workspace production"):
        open_workspace(config, config.workspace("production", env={}), endpoint=API)
    assert not (tmp_path / "state").exists()


def test_create_flag_creates_a_state(tmp_path: Path) -> None:
    config = _config(tmp_path)
    opened = open_workspace(config, config.workspace("staging", env={}), endpoint=API, create=True)
    assert opened.path == tmp_path / "state" / "staging.json"
    assert opened.state.endpoint == API and opened.state.serial == 0
    assert load_state(opened.path) == opened.state
    again = open_workspace(config, config.workspace("staging", env={}), endpoint=API, create=True)
    assert again.state.lineage == opened.state.lineage  # never re-created


def test_sandbox_state_is_created_automatically_and_bound_to_its_identity(tmp_path: Path) -> None:
    config = _config(tmp_path)
    workspace = config.workspace("sandbox", env={})
    endpoint = endpoint_for(config, workspace)
    assert endpoint.startswith("sandbox:") and len(endpoint) > len("sandbox:")
    assert endpoint_for(config, workspace) == endpoint  # stable identity
    opened = open_workspace(config, workspace, endpoint=endpoint)
    assert opened.state.endpoint == endpoint
    assert opened.notes == [f"created {opened.path}"]
    with pytest.raises(EndpointMismatch, match="sandbox's data directory was replaced"):
        open_workspace(config, workspace, endpoint="sandbox:another-account")


def test_endpoint_for_normal_workspace_is_its_api_url(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert (
        endpoint_for(config, config.workspace("prod", env={"ROUTEE_API_URL": "http://127.0.0.1:9"}))
        == "http://127.0.0.1:9"
    )


def test_endpoint_mismatch_names_both(tmp_path: Path) -> None:
    config = _config(tmp_path)
    create_state(state_path(config, "prod"), new_state("prod", API))
    with pytest.raises(EndpointMismatch) as caught:
        open_workspace(config, config.workspace("prod", env={}), endpoint="http://127.0.0.1:8080")
    assert API in str(caught.value) and "http://127.0.0.1:8080" in str(caught.value)


def _leftover(config: Config) -> None:
    """A state plus the journal of an apply killed after one send and one unanswered send."""
    path = state_path(config, "prod")
    state = new_state("prod", API, AUTH)
    create_state(path, state)
    journal = Journal.create(
        journal_path(config, "prod"),
        JournalHeader(lineage=state.lineage, base_serial=0, started_at="t0"),
    )
    journal.append(_submit("k1", "a"))
    journal.append(Outcome(key="k1", outcome=OutcomeKind.ACCEPTED, tracking_id="t-a", at="t2"))
    journal.append(_submit("k2", "b"))
    journal.close()  # killed before k2's answer


def test_leftover_journal_is_folded_removed_and_pending_kept_in_state(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    opened = open_workspace(config, config.workspace("prod", env={}), endpoint=API)
    assert not journal_path(config, "prod").exists()
    assert not lock_path(config, "prod").exists()
    assert opened.state.serial == 1
    assert opened.state.campaigns["a"].submissions[0].tracking_id == "t-a"
    assert [p.intent for p in opened.state.pending] == [_submit("k2", "b")]
    on_disk = load_state(opened.path)
    assert on_disk == opened.state
    assert [p.intent.key for p in on_disk.pending] == ["k2"]
    assert any("folded the journal" in n for n in opened.notes)
    assert any("b: submit k2 is unresolved" in n for n in opened.notes)
    # the journal is gone, but the pending intent survives in the state
    again = open_workspace(config, config.workspace("prod", env={}), endpoint=API)
    assert [p.intent for p in again.state.pending] == [_submit("k2", "b")]
    assert again.state.serial == 1


def test_a_state_that_cannot_be_written_keeps_the_journal_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    _leftover(config)
    journal = journal_path(config, "prod")
    kept = journal.read_bytes()

    def read_only_directory(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("reconciler.state.store.tempfile.mkstemp", read_only_directory)
    with pytest.raises(StateError) as caught:
        fold_journal(config, "prod")
    path = state_path(config, "prod")
    assert str(caught.value) == (
        f"{path}: cannot write (no file can be created in {path.parent}): Permission denied. "
        f"Nothing is lost: {journal} keeps every submission, and the next apply, refresh or "
        "doctor folds it in once the state can be written"
    )
    assert journal.read_bytes() == kept
    monkeypatch.undo()
    state, _ = fold_journal(config, "prod")
    assert state.campaigns["a"].submissions[0].tracking_id == "t-a"


def test_fold_refused_while_another_holds_the_lock(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    with (
        WorkspaceLock(lock_path(config, "prod"), "apply"),
        pytest.raises(LockHeld, match="locked by apply"),
    ):
        open_workspace(config, config.workspace("prod", env={}), endpoint=API)
    assert journal_path(config, "prod").exists()


def test_caller_holding_the_lock_folds_without_retaking_it(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    with WorkspaceLock(lock_path(config, "prod"), "apply"):
        opened = open_workspace(
            config, config.workspace("prod", env={}), endpoint=API, lock_held=True
        )
    assert opened.state.serial == 1
    assert not journal_path(config, "prod").exists()


def test_already_folded_journal_is_only_removed(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    journal = journal_path(config, "prod")
    kept = journal.read_bytes()
    state, _ = fold_journal(config, "prod")
    journal.write_bytes(kept)  # the remove after a fold never happened
    again, notes = fold_journal(config, "prod")
    assert again.serial == state.serial == 1
    assert len(again.campaigns["a"].submissions) == 1
    assert not journal.exists()
    assert any("already folded" in n for n in notes)


def test_a_changed_auth_endpoint_is_refused_naming_both_and_how_to_rebind(tmp_path: Path) -> None:
    config = _config(tmp_path)
    create_state(state_path(config, "prod"), new_state("prod", API, AUTH))
    moved = config.workspace("prod", env={"ROUTEE_AUTH_URL": "https://auth.evil.example"})
    with pytest.raises(EndpointMismatch) as caught:
        open_workspace(config, moved, endpoint=API)
    message = str(caught.value)
    assert AUTH in message and "https://auth.evil.example" in message
    assert "before any credentials are sent" in message
    assert "campaigns bind --workspace prod" in message


def test_a_state_without_an_auth_binding_is_refused_until_bound(tmp_path: Path) -> None:
    config = _config(tmp_path)
    legacy = new_state("prod", API).model_copy(update={"auth_endpoint": None})
    create_state(state_path(config, "prod"), legacy)
    workspace = config.workspace("prod", env={})
    with pytest.raises(EndpointMismatch, match=r"binds no auth endpoint.*campaigns bind"):
        open_workspace(config, workspace, endpoint=API)
    before, after = bind_workspace(config, workspace)
    assert (before.auth_endpoint, after.auth_endpoint, after.serial) == (None, AUTH, 1)
    assert load_state(state_path(config, "prod")) == after
    assert open_workspace(config, workspace, endpoint=API).state == after
    again_before, again_after = bind_workspace(config, workspace)
    assert again_after is again_before  # already bound: nothing written


def test_the_sandbox_binds_itself(tmp_path: Path) -> None:
    config = _config(tmp_path)
    with pytest.raises(StateError, match="binds itself"):
        bind_workspace(config, config.workspace("sandbox", env={}))


def test_a_corrupt_journal_says_what_to_do_next(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    journal = journal_path(config, "prod")
    journal.write_bytes(journal.read_bytes().replace(b'"seq":1', b'"seq":"x"', 1))
    with pytest.raises(StateCorrupt) as caught:
        fold_journal(config, "prod")
    message = str(caught.value)
    assert "corrupt journal record" in message
    assert f"Next: keep it, but move it aside (mv {journal} {journal}.unfolded)" in message
    assert "Routee refuses a name it already has (409)" in message
    assert journal.exists()  # left as is


def test_a_foreign_journal_says_what_to_do_next(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    path = state_path(config, "prod")
    path.unlink()
    create_state(path, new_state("prod", API))  # a re-created state: another lineage
    with pytest.raises(LineageMismatch) as caught:
        fold_journal(config, "prod")
    assert "Next: if the state file was restored or re-created, put back the state" in str(
        caught.value
    )


def test_a_state_behind_its_journal_is_never_told_to_come_from_git_when_git_ignores_it(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    path = state_path(config, "sandbox")
    state = new_state("sandbox", "sandbox:x")
    create_state(path, state)
    Journal.create(
        journal_path(config, "sandbox"),
        JournalHeader(lineage=state.lineage, base_serial=5, started_at="t0"),
    ).close()
    with pytest.raises(StateBehind) as caught:
        fold_journal(config, "sandbox")
    message = str(caught.value)
    assert "Next: put back the newer state the apply ran on" in message
    assert "restore it from git" not in message and "git checkout" not in message
    assert "delete it together with the project's .sandbox/ directory" in message


def test_read_workspace_creates_nothing_for_a_fresh_sandbox(tmp_path: Path) -> None:
    config = _config(tmp_path)
    opened = read_workspace(config, config.workspace("sandbox", env={}))
    assert opened.state.campaigns == {} and opened.state.serial == 0
    assert "does not exist yet" in opened.notes[0]
    assert list(tmp_path.iterdir()) == []


def test_read_workspace_folds_a_leftover_journal_in_memory_only(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    on_disk = state_path(config, "prod").read_bytes()
    opened = read_workspace(config, config.workspace("prod", env={}))
    assert opened.state.campaigns["a"].submissions[0].tracking_id == "t-a"
    assert [p.intent for p in opened.state.pending] == [_submit("k2", "b")]
    assert state_path(config, "prod").read_bytes() == on_disk
    assert journal_path(config, "prod").exists()
    assert not lock_path(config, "prod").exists()


def test_read_workspace_under_a_live_lock_shows_the_state_as_written(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _leftover(config)
    with WorkspaceLock(lock_path(config, "prod"), "apply"):
        opened = read_workspace(config, config.workspace("prod", env={}))
    assert opened.state.campaigns == {}  # the journal is the running apply's, not folded
    assert "apply is running on this workspace" in opened.notes[0]
