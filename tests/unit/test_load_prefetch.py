"""Declaration files read by a worker while the state is read: the same load, never less checked.

The forking case runs in a process of its own (other tests leave threads behind in this one,
and nothing forks beside a thread); the others replace the fork with a worker that never
started, whose task the parent then runs itself, as it does for a worker that failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from reconciler.load import LoadError, load_project
from reconciler.load import prefetch as prefetching
from reconciler.load.cache import DISABLE_ENV
from reconciler.load.prefetch import MIN_STATE_BYTES, Prefetch, read_files, survey
from reconciler.load.workers import JOBS_ENV, Worker
from reconciler.models.state import State
from tests.unit.project_files import config, write
from tests.unit.test_load_recorded import applied, empty_state, snapshot

DEFAULTS = 'from: "+306900000000"\nmessage: {language: en-GB}\n'
GOOD = 'id: c{n}\nto: ["+30694{n:07d}"]\nmessage: {{text: "Hello {n}"}}\n'
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_parse_cache() -> Iterator[None]:
    with mock.patch.dict(os.environ, {DISABLE_ENV: "1"}):
        yield


def project(root: Path, files: int = 6, extra: dict[str, str] | None = None) -> None:
    contents = {"defaults.yaml": DEFAULTS, **(extra or {})}
    contents |= {f"f{n}.yaml": GOOD.format(n=n) for n in range(files)}
    write(root, contents)


def state_file(root: Path, size: int) -> Path:
    """A state file of ``size`` bytes: the prefetch looks only at its size."""
    path = root / "state" / "default.json"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b" " * size)
    return path


def applied_state(root: Path) -> State:
    return applied(empty_state(), load_project(config(root)))


@pytest.fixture
def unforked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Workers planned (two processes) but never forked: their tasks run in the parent."""
    started: list[object] = []

    def start(cls: type[Worker[Any]], task: Any, *args: Any) -> Worker[Any]:
        started.append(task)
        return cls(task)

    monkeypatch.setattr(prefetching, "planned_jobs", lambda files: 2)
    monkeypatch.setattr(Worker, "start", classmethod(start))
    return started


def test_a_small_or_missing_state_file_starts_nothing(
    tmp_path: Path, unforked: list[object]
) -> None:
    project(tmp_path)
    assert Prefetch.start(config(tmp_path), tmp_path / "state" / "none.json") is None
    small = state_file(tmp_path, MIN_STATE_BYTES - 1)
    assert Prefetch.start(config(tmp_path), small) is None
    assert unforked == []


def test_serial_starts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS_ENV, "1")
    project(tmp_path)
    assert Prefetch.start(config(tmp_path), state_file(tmp_path, MIN_STATE_BYTES)) is None


def test_a_survey_that_fails_raises_where_the_load_does(
    tmp_path: Path, unforked: list[object]
) -> None:
    started = Prefetch.start(config(tmp_path), state_file(tmp_path, MIN_STATE_BYTES))
    assert started is not None and len(unforked) == 1  # and no campaigns/ directory
    with pytest.raises(LoadError) as prefetched:
        load_project(config(tmp_path), None, prefetch=started)
    with pytest.raises(LoadError) as here:
        load_project(config(tmp_path))
    assert str(prefetched.value) == str(here.value)


def test_the_survey_is_the_loads_own(tmp_path: Path, unforked: list[object]) -> None:
    project(tmp_path, extra={"Defaults.YAML": DEFAULTS, "b/c/g.yaml": GOOD.format(n=9)})
    started = Prefetch.start(config(tmp_path), state_file(tmp_path, MIN_STATE_BYTES))
    assert started is not None
    taken = started.take()
    assert taken is not None
    found, reads = taken
    here = survey(config(tmp_path))
    assert (found.files, found.findings, found.defaults) == (
        here.files,
        here.findings,
        here.defaults,
    )
    assert [str(path) for path, _ in found.files] == [str(path) for path, _ in here.files]
    assert found.keys is not None and here.keys is not None and found.keys.salt == here.keys.salt
    assert found.defaults_locator is not None and here.defaults_locator is not None
    assert found.defaults_locator.source == here.defaults_locator.source
    assert [f.path for f in found.findings] == ["campaigns/Defaults.YAML"]
    assert found.defaults == {"from": "+306900000000", "message": {"language": "en-GB"}}
    assert list(reads) == [rel for _, rel in found.files] and len(reads) == 7
    assert started.take() is None


def test_prefetched_reads_load_the_same_as_reading_here(
    tmp_path: Path, unforked: list[object]
) -> None:
    project(tmp_path, 8)
    state = applied_state(tmp_path)
    write(tmp_path, {"f1.yaml": GOOD.format(n=1) + "extra: 1\n", "f2.yaml": GOOD.format(n=3)})
    (tmp_path / "campaigns" / "f4.yaml").write_bytes(b"id: caf\xe9\n")
    started = Prefetch.start(config(tmp_path), state_file(tmp_path, MIN_STATE_BYTES))
    assert started is not None and len(unforked) == 1
    prefetched = load_project(config(tmp_path), state, prefetch=started)
    here = load_project(config(tmp_path), state)
    assert snapshot(prefetched) == snapshot(here)
    findings = [str(f) for f in here.findings]
    assert any("duplicate id 'c3'" in f for f in findings)
    assert any(f.startswith("campaigns/f1.yaml") for f in findings)
    assert any(f.startswith("campaigns/f4.yaml") for f in findings)
    assert repr(prefetched.clean) == repr(here.clean) and len(here.clean) == 6


def test_stop_ends_an_untaken_worker(tmp_path: Path, unforked: list[object]) -> None:
    project(tmp_path)
    started = Prefetch.start(config(tmp_path), state_file(tmp_path, MIN_STATE_BYTES))
    assert started is not None
    started.stop()
    assert started.take() is None
    loaded = load_project(config(tmp_path), None, prefetch=started)  # it loads by itself
    assert snapshot(loaded) == snapshot(load_project(config(tmp_path)))


def test_read_files_gives_text_and_key_or_the_problem(tmp_path: Path) -> None:
    project(tmp_path, 2)
    (tmp_path / "campaigns" / "f1.yaml").write_bytes(b"\xff\n")
    found = survey(config(tmp_path))
    assert found.keys is not None
    (text, key, problem), (none, no_key, bad) = read_files(found.files, found.keys)
    assert text == GOOD.format(n=0) and problem is None
    assert key == found.keys.key("campaigns/f0.yaml", text.encode())
    assert none is None and no_key is None and bad is not None and bad.path == "campaigns/f1.yaml"


FORKED = """
import json, sys
from pathlib import Path
from reconciler.load import LoadError, load_project
from reconciler.load.prefetch import MIN_STATE_BYTES, Prefetch
from reconciler.models.state import State
from tests.unit.project_files import config
from tests.unit.test_load_recorded import snapshot
root = Path(sys.argv[1])
state = State.model_validate_json((root / "applied.json").read_bytes())
started = Prefetch.start(config(root), root / "applied.json")
forked = started is not None and started._worker is not None and started._worker.pid is not None
loaded = load_project(config(root), state, prefetch=started)
print(json.dumps({"forked": forked, "load": repr(snapshot(loaded))}))
"""


def test_a_forked_prefetch_loads_the_same(tmp_path: Path) -> None:
    project(tmp_path, 120)
    state = applied_state(tmp_path)
    write(tmp_path, {"f7.yaml": GOOD.format(n=8)})
    data = state.model_dump_json(by_alias=True).encode()
    (tmp_path / "applied.json").write_bytes(data + b" " * MIN_STATE_BYTES)
    done = subprocess.run(
        [sys.executable, "-c", FORKED, str(tmp_path)],
        cwd=ROOT,
        env=os.environ | {JOBS_ENV: "2"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result = json.loads(done.stdout)
    assert result["forked"] is True
    assert result["load"] == repr(snapshot(load_project(config(tmp_path), state)))
    assert "duplicate id 'c8'" in result["load"]
