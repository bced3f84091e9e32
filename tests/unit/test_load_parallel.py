"""A load spread over worker processes gives exactly what the serial load gives, in order."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.load import LoadResult, load_project, project
from reconciler.load.cache import DISABLE_ENV, cache_home, project_folder
from reconciler.load.workers import JOBS_ENV, Worker
from tests.unit.project_files import config, write

GOOD = """\
id: {id}
campaignName: Campaign {n}
to: ["+30694{n:07d}", "+30695{n:07d}"]
message: {{text: "Hello {n}"}}
scheduledDate: "2031-03-01T09:00:00Z"
"""
TO_FILE = """\
id: {id}
toFile: lists/{n}.csv
message: {{text: "Listed {n}", gender: female}}
"""
BAD_NUMBER = """\
id: {id}
to: ["+30694{n:07d}", "+3069"]
message: {{text: "Bad number"}}
"""
PAIR = """\
# two documents, the second one broken
id: {id}
to: ["+30696{n:07d}"]
message: {{text: "First"}}
---
id: {id}-second
to: []
message: {{text: "Second", language: xx-XX}}
unknownKey: 1
"""
DEFAULTS = 'from: "+306900000000"\nmessage: {language: en-GB}\n'
BAD_DEFAULTS = DEFAULTS + "respectQuietHours: sometimes\n"


def generated(root: Path, seed: int, files: int) -> None:
    """A project of ``files`` files of every kind, some ids declared twice far apart."""
    rng = random.Random(seed)
    contents: dict[str, str] = {"defaults.yaml": BAD_DEFAULTS if seed % 3 == 0 else DEFAULTS}
    ids: list[str] = []
    for n in range(files):
        kind = rng.choice(["good"] * 6 + ["file", "bad", "pair", "yaml", "dup", "empty"])
        name = f"{rng.choice(['a', 'b/c', 'd'])}/f{n:04d}.yaml"
        new = f"c{n:04d}"
        campaign = ids[rng.randrange(len(ids))] if kind == "dup" and ids else new
        ids.append(new)
        if kind == "file":
            contents[f"{name.rpartition('/')[0]}/lists/{n}.csv"] = f"number\n+30697{n:07d}\n"
        template = {
            "good": GOOD,
            "dup": GOOD,
            "file": TO_FILE,
            "bad": BAD_NUMBER,
            "pair": PAIR,
            "yaml": "id: [unclosed {id}\n",
            "empty": "# nothing here\n",
        }[kind]
        contents[name] = template.format(id=campaign, n=n)
    write(root, contents)
    if seed % 2:
        (root / "campaigns" / "d" / "latin1.yaml").write_bytes(b"id: caf\xe9\n")
        write(root, {"b/Defaults.YAML": DEFAULTS})


def snapshot(result: LoadResult) -> list[Any]:
    """Campaigns, findings and the clean files, in their order."""
    return [
        [vars(c) | {"source": str(c.source)} for c in result.campaigns],
        [str(f) for f in result.findings],
        list(result.clean.items()),
    ]


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The process id of every worker started (None where the fork failed)."""
    started: list[int | None] = []
    real: Callable[..., Worker[Any]] = Worker.start.__func__  # type: ignore[attr-defined]

    def spy(cls: type[Worker[Any]], task: Callable[[], Any], *args: Any) -> Worker[Any]:
        worker = real(cls, task, *args)
        started.append(worker.pid)
        return worker

    monkeypatch.setattr(Worker, "start", classmethod(spy))
    return started


def load_with(monkeypatch: pytest.MonkeyPatch, root: Path, jobs: str) -> LoadResult:
    monkeypatch.setenv(JOBS_ENV, jobs)
    return load_project(config(root))


@pytest.mark.parametrize("seed", range(6))
def test_parallel_and_serial_loads_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int | None], seed: int
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    generated(tmp_path, seed, 40 + 7 * seed)
    serial = load_with(monkeypatch, tmp_path, "1")
    assert forks == []
    parallel = load_with(monkeypatch, tmp_path, "3")
    assert len(forks) == 2 and all(forks)
    assert snapshot(parallel) == snapshot(serial)
    assert any("duplicate id" in f.message for f in serial.findings)
    assert any(f.path.endswith("defaults.yaml") for f in serial.findings) == (seed % 3 == 0)
    assert len(serial.campaigns) > 10


def test_a_duplicate_id_in_two_workers_names_both_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int | None]
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    files = {"defaults.yaml": DEFAULTS}
    files |= {f"f{n}.yaml": GOOD.format(id=f"c{n}", n=n) for n in range(9)}
    files["f8.yaml"] = GOOD.format(id="c0", n=8)
    write(tmp_path, files)
    result = load_with(monkeypatch, tmp_path, "3")
    assert len(forks) == 2
    assert [str(f) for f in result.findings] == [
        "campaigns/f0.yaml:1:5: id: duplicate id 'c0' (also at campaigns/f8.yaml:1:5)",
        "campaigns/f8.yaml:1:5: id: duplicate id 'c0' (also at campaigns/f0.yaml:1:5)",
    ]


def test_the_parent_alone_writes_the_parse_cache_and_it_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int | None]
) -> None:
    generated(tmp_path, 4, 60)

    def cached(jobs: str) -> tuple[list[Any], dict[str, bytes]]:
        folder = project_folder(cache_home(), tmp_path)
        for entry in folder.glob("*.json"):
            entry.unlink()
        result = load_with(monkeypatch, tmp_path, jobs)
        return snapshot(result), {p.name: p.read_bytes() for p in folder.glob("*.json")}

    serial, parallel = cached("1"), cached("2")
    assert len(forks) == 1
    assert parallel == serial and len(serial[1]) > 10
    warm = load_with(monkeypatch, tmp_path, "2")  # every clean file from the cache
    assert snapshot(warm) == serial[0]


@pytest.fixture
def other_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@pytest.mark.usefixtures("other_thread")
def test_no_fork_while_another_thread_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int | None]
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    generated(tmp_path, 1, 30)
    result = load_with(monkeypatch, tmp_path, "4")
    assert forks == []
    assert len(result.campaigns) > 5


def test_a_worker_that_dies_is_replaced_by_a_serial_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int | None]
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    generated(tmp_path, 2, 40)
    serial = load_with(monkeypatch, tmp_path, "1")
    parent = os.getpid()
    real = project.check_file  # type: ignore[attr-defined]

    def crashing(*args: Any) -> Any:
        if os.getpid() != parent:  # in a worker only
            os._exit(7)
        return real(*args)

    monkeypatch.setattr(project, "check_file", crashing)
    assert snapshot(load_with(monkeypatch, tmp_path, "3")) == snapshot(serial)
    assert len(forks) == 2 and all(forks)
