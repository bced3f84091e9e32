"""Plan pauses the cyclic garbage collector (reconciler.collector): loading clean declarations and
diffing them leave no reference cycles, so nothing is lost by not looking for them (design.md 9,
docs/scaling.md)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.collector import collector_paused
from reconciler.load import load_project
from reconciler.plan.diff import diff
from reconciler.state.store import new_state
from tests.unit.project_files import config, write

DECLARATIONS = {
    "defaults.yaml": "from: Acme\nmessage:\n  language: en-GB\n",
    "a.yaml": (
        'id: a\nto: ["+306900000001", "+306900000002"]\nmessage: {text: "Hi"}\n'
        'scheduledDate: "2031-03-01T09:00:00Z"\nrespectQuietHours: true\n'
    ),
    "nested/b.yaml": (
        "id: b\ntoFile: r.csv\nmessage:\n  text: Hello\n---\n"
        "id: c\nto: &numbers ['+306900000003']\nmessage: {text: Yo, gender: male}\n"
    ),
    "nested/r.csv": "number\n+306900000004\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The declarations, loaded once already: first uses (imports, caches) happen once."""
    write(tmp_path, DECLARATIONS)
    load_project(config(tmp_path))
    return tmp_path


@pytest.fixture
def collector_saving_garbage(project: Path) -> Iterator[None]:
    """The collector off, keeping whatever it finds in gc.garbage; restored afterwards."""
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()


@pytest.mark.usefixtures("collector_saving_garbage")
def test_loading_and_diffing_leave_no_reference_cycles(project: Path) -> None:
    loaded = load_project(config(project))
    assert sorted(c.id for c in loaded.campaigns) == ["a", "b", "c"]
    assert loaded.findings == []
    state = new_state("default", "https://api.example")
    plan = diff(loaded.campaigns, state, datetime(2030, 1, 1, tzinfo=UTC))
    assert len(plan.actions) == 3
    assert gc.collect() == 0, sorted({type(o).__name__ for o in gc.garbage})


def test_the_pause_restores_the_collector_and_freezes_what_survives() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            assert not gc.isenabled()
            kept = [[index] for index in range(1000)]
            with collector_paused():  # nested: still paused, restored by the outer one only
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.unfreeze()


def test_a_caller_that_turned_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
