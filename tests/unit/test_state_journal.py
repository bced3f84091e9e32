"""Journal file: create, append (threads), read, truncated last line, corruption, remove."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reconciler.models.journal import Forget, JournalHeader, Outcome, OutcomeKind, SubmitIntent
from reconciler.state.errors import StateCorrupt, StateError
from reconciler.state.journal import Journal, read_journal, remove_journal

HEADER = JournalHeader(lineage="L", base_serial=3, started_at="2027-01-01T00:00:00Z")


def _intent(key: str) -> SubmitIntent:
    return SubmitIntent(
        key=key,
        id="c1",
        seq=1,
        revision=1,
        submission_name="n",
        spec_hash="s",
        decl_hash="d",
        request={"to": ["+306912345678"]},
        at="2027-01-01T00:00:01Z",
    )


def test_create_append_read(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    with Journal.create(path, HEADER) as journal:
        journal.append(_intent("k1"))
        journal.append(Outcome(key="k1", outcome=OutcomeKind.ACCEPTED, tracking_id="t", at="x"))
    records = read_journal(path)
    assert records == [
        HEADER,
        _intent("k1"),
        Outcome(key="k1", outcome=OutcomeKind.ACCEPTED, tracking_id="t", at="x"),
    ]
    first = path.read_text().splitlines()[0]
    assert '"baseSerial":3' in first  # camelCase on disk


def test_create_refuses_existing_journal(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    Journal.create(path, HEADER).close()
    with pytest.raises(StateError, match="already exists"):
        Journal.create(path, HEADER)
    assert read_journal(path) == [HEADER]


def test_append_after_close_is_refused(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path / "w.journal", HEADER)
    journal.close()
    journal.close()  # idempotent
    with pytest.raises(StateError, match="closed"):
        journal.append(Forget(id="c1", at="x"))


def test_concurrent_appends_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    journal = Journal.create(path, HEADER)

    def worker(n: int) -> None:
        for i in range(20):
            journal.append(Forget(id=f"c{n}-{i}", at="x"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    journal.close()
    records = read_journal(path)
    assert len(records) == 81
    assert {r.id for r in records[1:] if isinstance(r, Forget)} == {
        f"c{n}-{i}" for n in range(4) for i in range(20)
    }


def test_truncated_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    with Journal.create(path, HEADER) as journal:
        journal.append(_intent("k1"))
    with path.open("ab") as out:
        out.write(b'{"type":"outcome","key":"k1","outc')
    assert read_journal(path) == [HEADER, _intent("k1")]


def test_corruption_in_the_middle_is_refused_with_line(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    with Journal.create(path, HEADER) as journal:
        journal.append(_intent("k1"))
    good = path.read_bytes()
    path.write_bytes(
        good.replace(b'"seq":1', b'"seq":"one"') + b'{"type":"forget","id":"c","at":"x"}\n'
    )
    with pytest.raises(StateCorrupt, match=r"w\.journal:2: corrupt journal record \(submit\.seq"):
        read_journal(path)
    path.write_bytes(b"garbage\n" + good)
    with pytest.raises(StateCorrupt, match=r"w\.journal:1: corrupt journal record"):
        read_journal(path)


def test_empty_journal_reads_as_no_records(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    path.write_bytes(b"")
    assert read_journal(path) == []


def test_remove(tmp_path: Path) -> None:
    path = tmp_path / "w.journal"
    Journal.create(path, HEADER).close()
    remove_journal(path)
    assert not path.exists()
    remove_journal(path)  # already gone is fine
