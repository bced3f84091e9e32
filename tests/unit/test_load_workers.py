"""Worker processes: a result crosses the pipe whole, or the parent computes it itself."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.errors import ConfigError
from reconciler.load import workers
from reconciler.load.workers import (
    JOBS_ENV,
    MIN_FILES_PER_JOB,
    Worker,
    _default_signals,
    _pickled,
    by_fields,
    can_fork,
    planned_jobs,
    usable_cores,
    worth_forking,
)

PARENT = os.getpid()


def in_child() -> bool:
    return os.getpid() != PARENT


def where() -> tuple[str, int]:
    return ("child" if in_child() else "parent", os.getpid())


def test_the_result_is_computed_in_the_child() -> None:
    worker = Worker.start(where)
    pid = worker.pid
    assert pid is not None
    assert worker.result() == ("child", pid)
    assert worker.pid is None  # reaped


def crash() -> str:
    if in_child():
        os._exit(3)
    return "computed here"


def raise_in_child() -> str:
    if in_child():
        raise RuntimeError("only in the child")
    return "computed here"


def killed_in_child() -> str:
    if in_child():
        os.kill(os.getpid(), signal.SIGKILL)
    return "computed here"


def unpicklable() -> Callable[[], int]:
    return lambda: 42


@pytest.mark.parametrize("task", [crash, raise_in_child, killed_in_child])
def test_a_failed_child_leaves_the_task_to_the_parent(task: Callable[[], str]) -> None:
    assert Worker.start(task).result() == "computed here"


def test_a_result_that_cannot_be_pickled_is_computed_in_the_parent() -> None:
    assert Worker.start(unpicklable).result()() == 42


def test_an_exception_everywhere_reaches_the_caller() -> None:
    def broken() -> None:
        raise ValueError("a bug")

    worker = Worker.start(broken)
    with pytest.raises(ValueError, match="a bug"):
        worker.result()


def test_a_failed_fork_computes_the_task_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    worker = Worker.start(where)
    assert worker.pid is None
    assert worker.result() == ("parent", PARENT)


def test_stop_kills_and_reaps_the_child() -> None:
    worker = Worker.start(lambda: time.sleep(60))
    pid = worker.pid
    assert pid is not None
    worker.stop()
    assert worker.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: not a child any more
    worker.stop()  # a second stop does nothing


ORPHAN = """
import os, sys, time
from reconciler.load.workers import Worker
worker = Worker.start(lambda: time.sleep(60))
print(worker.pid, flush=True)
os._exit(0)
"""


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_dies_with_its_parent() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN], capture_output=True, text=True, check=True, timeout=60
    )
    pid = int(done.stdout)
    deadline = time.monotonic() + 30
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(pid)


def test_jobs_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: True)  # whatever threads other tests left
    monkeypatch.setenv(JOBS_ENV, "1")
    assert planned_jobs(10_000) == 1
    monkeypatch.setenv(JOBS_ENV, "4")
    assert planned_jobs(3) == 3
    assert planned_jobs(10_000) == 4
    assert worth_forking(1) and not worth_forking(0)
    monkeypatch.setenv(JOBS_ENV, "auto")
    assert planned_jobs(MIN_FILES_PER_JOB - 1) == 1
    assert planned_jobs(10_000) == usable_cores()
    assert not worth_forking(MIN_FILES_PER_JOB // 2 - 1)
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    monkeypatch.setenv(JOBS_ENV, "4")
    assert planned_jobs(10_000) == 1
    for bad in ("0", "-1", "two", "1.5"):
        monkeypatch.setenv(JOBS_ENV, bad)
        with pytest.raises(ConfigError, match=JOBS_ENV):
            planned_jobs(10_000)


def test_no_fork_on_a_system_without_it_or_with_another_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert can_fork()
    monkeypatch.delattr(os, "fork")
    assert not can_fork()


@dataclass(frozen=True)
class Pair:
    left: int
    right: str


def test_dataclasses_cross_the_pipe_as_tuples_of_their_fields() -> None:
    pairs = [Pair(1, "a"), Pair(2, "b")]
    data = _pickled(pairs, by_fields([Pair]))
    assert pickle.loads(data) == pairs
    assert b"left" not in data and b"left" in pickle.dumps(pairs)
    assert Worker.start(lambda: pairs, by_fields([Pair])).result() == pairs


def interrupted() -> tuple[str, int]:
    if in_child():
        os.kill(os.getpid(), signal.SIGINT)
    return where()


def test_a_worker_ignores_sigint_when_the_parent_does() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a background job
    try:
        worker = Worker.start(interrupted)
        pid = worker.pid
        assert worker.result() == ("child", pid)
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_worker_takes_the_default_action_on_signals_the_parent_handles() -> None:
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _default_signals()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def noisy() -> tuple[str, int]:
    if in_child():
        os.write(1, b"out from the worker\n")
        os.write(2, b"err from the worker\n")
    return where()


def test_a_worker_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    worker = Worker.start(noisy)
    pid = worker.pid
    assert worker.result() == ("child", pid)
    out, err = capfd.readouterr()
    assert "from the worker" not in out + err
