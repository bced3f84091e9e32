"""CAMPAIGNS_STATE_KEY: sealed state writes, chained journal MACs, refusals that say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.models.journal import JournalHeader
from reconciler.state.journal import Journal, read_journal
from reconciler.state.seal import BadKey, SealBroken
from reconciler.state.store import create_state, load_state, new_state, write_state

KEY = "x" * 16 + "-sealing-key-for-tests-0123456789"


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGNS_STATE_KEY", KEY)


@pytest.fixture
def sealed(tmp_path: Path, keyed: None) -> Path:
    path = tmp_path / "production.json"
    create_state(path, new_state("production", "https://api.example", "https://auth.example"))
    return path


def edit(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def test_a_state_written_with_the_key_is_sealed_and_reads_back(sealed: Path) -> None:
    assert json.loads(sealed.read_text())["seal"].startswith("hmac-sha256:")
    state = load_state(sealed)
    write_state(sealed, state.model_copy(update={"serial": 1}))
    assert load_state(sealed).serial == 1  # each write is sealed afresh


def test_an_edited_state_is_refused_naming_the_file_and_how_to_find_the_change(
    sealed: Path,
) -> None:
    edit(sealed, serial=9)
    with pytest.raises(SealBroken) as caught:
        load_state(sealed)
    message = str(caught.value)
    assert (
        f"{sealed}: the state's seal does not verify: the file was changed outside apply" in message
    )
    assert f"git log -p -- {sealed}" in message and KEY not in message


def test_an_unsealed_state_is_refused_with_the_key_and_accepted_without(
    sealed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(sealed.read_text())
    del data["seal"]
    sealed.write_text(json.dumps(data))
    with pytest.raises(
        SealBroken, match=r"not sealed, but CAMPAIGNS_STATE_KEY is set.*campaigns seal"
    ):
        load_state(sealed)
    monkeypatch.delenv("CAMPAIGNS_STATE_KEY")
    assert load_state(sealed).seal is None  # a laptop without the key works as before


def test_a_short_key_is_refused_and_never_shown(
    sealed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGNS_STATE_KEY", "too-short-a-key")
    with pytest.raises(BadKey) as caught:
        load_state(sealed)
    assert "at least 32 bytes" in str(caught.value) and "too-short-a-key" not in str(caught.value)


def test_another_key_does_not_verify(sealed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGNS_STATE_KEY", KEY[::-1])
    with pytest.raises(SealBroken):
        load_state(sealed)


def journal_of(path: Path) -> list[str]:
    header = JournalHeader(lineage="l", base_serial=0, started_at="2026-01-01T00:00:00Z")
    with Journal.create(path, header) as journal:
        for at in ("2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z"):
            journal.append(JournalHeader(lineage="l", base_serial=0, started_at=at))
    return path.read_text().splitlines()


def test_journal_records_carry_chained_macs(tmp_path: Path, keyed: None) -> None:
    path = tmp_path / "w.journal"
    lines = journal_of(path)
    assert all('"mac":"hmac-sha256:' in line for line in lines)
    assert len(read_journal(path)) == 3


@pytest.mark.parametrize(
    ("tamper", "line"),
    [
        (lambda ls: [ls[0], ls[1].replace("00:00:01", "00:00:09"), ls[2]], 2),  # edited
        (lambda ls: [ls[0], ls[2]], 2),  # dropped
        (lambda ls: [ls[0], ls[2], ls[1]], 2),  # reordered
        (lambda ls: [*ls, ls[2]], 4),  # replayed
    ],
)
def test_a_changed_journal_is_refused_at_the_record(
    tmp_path: Path, keyed: None, tamper: object, line: int
) -> None:
    path = tmp_path / "w.journal"
    lines = journal_of(path)
    path.write_text("\n".join(tamper(lines)) + "\n")  # type: ignore[operator]
    with pytest.raises(SealBroken, match=rf"w\.journal:{line}: this journal record's MAC is wrong"):
        read_journal(path)


def test_a_sealed_journal_reads_without_the_key_and_a_plain_one_is_refused_with_it(
    tmp_path: Path, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.journal"
    journal_of(path)
    monkeypatch.delenv("CAMPAIGNS_STATE_KEY")
    assert len(read_journal(path)) == 3
    plain = tmp_path / "p.journal"
    journal_of(plain)
    monkeypatch.setenv("CAMPAIGNS_STATE_KEY", KEY)
    with pytest.raises(SealBroken, match=r"p\.journal:1: this journal record's MAC is missing"):
        read_journal(plain)
