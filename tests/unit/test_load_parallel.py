"""A load spread over worker processes gives exactly what the serial load gives, in order.

The loads that must fork run in a process of their own (:mod:`tests.unit.load_in_process`):
other tests leave server threads behind in this one, and the loader never forks beside a thread.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from reconciler.load import load_project
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


ROOT = Path(__file__).resolve().parents[2]


def load_in_process(root: Path, jobs: str, **env: str) -> dict[str, Any]:
    """The load of ``root`` with ``CAMPAIGNS_JOBS=jobs``, in a process without other threads."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.unit.load_in_process", str(root), jobs],
        cwd=ROOT,
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def same_load(serial: dict[str, Any], parallel: dict[str, Any]) -> bool:
    return all(serial[part] == parallel[part] for part in ("campaigns", "findings", "clean"))


@pytest.mark.parametrize("seed", range(6))
def test_parallel_and_serial_loads_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    generated(tmp_path, seed, 40 + 7 * seed)
    serial = load_in_process(tmp_path, "1")
    parallel = load_in_process(tmp_path, "3")
    assert serial["forked"] == 0 and parallel["forked"] == 2
    assert same_load(serial, parallel)
    findings = serial["findings"]
    assert any("duplicate id" in f for f in findings)
    assert any(f.startswith("campaigns/defaults.yaml") for f in findings) == (seed % 3 == 0)
    assert len(serial["campaigns"]) > 10


def test_a_duplicate_id_in_two_workers_names_both_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    files = {"defaults.yaml": DEFAULTS}
    files |= {f"f{n}.yaml": GOOD.format(id=f"c{n}", n=n) for n in range(9)}
    files["f8.yaml"] = GOOD.format(id="c0", n=8)
    write(tmp_path, files)
    result = load_in_process(tmp_path, "3")
    assert result["forked"] == 2
    assert result["findings"] == [
        "campaigns/f0.yaml:1:5: id: duplicate id 'c0' (also at campaigns/f8.yaml:1:5)",
        "campaigns/f8.yaml:1:5: id: duplicate id 'c0' (also at campaigns/f0.yaml:1:5)",
    ]


def test_the_parent_alone_writes_the_parse_cache_and_it_is_the_same(tmp_path: Path) -> None:
    generated(tmp_path, 4, 60)
    folder = project_folder(cache_home(), tmp_path)

    def cached(jobs: str) -> tuple[dict[str, Any], dict[str, bytes]]:
        for entry in folder.glob("*.json"):
            entry.unlink()
        result = load_in_process(tmp_path, jobs)
        return result, {p.name: p.read_bytes() for p in folder.glob("*.json")}

    (serial, serial_entries), (parallel, parallel_entries) = cached("1"), cached("2")
    assert parallel["forked"] == 1
    assert same_load(serial, parallel)
    assert parallel_entries == serial_entries and len(serial_entries) > 10
    warm = load_in_process(tmp_path, "2")  # every clean file from the cache: nothing to fork
    assert same_load(serial, warm)


def test_no_fork_while_another_thread_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    monkeypatch.setenv(JOBS_ENV, "4")
    generated(tmp_path, 1, 30)
    started: list[object] = []
    monkeypatch.setattr(Worker, "start", lambda *args: started.append(args))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        result = load_project(config(tmp_path))
    finally:
        stop.set()
        thread.join()
    assert started == []
    assert len(result.campaigns) > 5


def test_a_worker_that_dies_is_replaced_by_a_serial_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    generated(tmp_path, 2, 40)
    serial = load_in_process(tmp_path, "1")
    crashed = load_in_process(tmp_path, "3", CRASH_WORKERS="1")
    assert crashed["forked"] == 2
    assert same_load(serial, crashed)
