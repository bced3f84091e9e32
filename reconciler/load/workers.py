"""Work done in forked worker processes, so a 10,000-file load uses every core (design.md 9).

A :class:`Worker` runs a task (a function of no arguments) in a child made with ``os.fork``:
the child inherits everything the parent built (configuration, defaults, the texts it read),
so nothing is sent to it; it sends back only the task's pickled result, through a pipe, and
exits. The parent collects the result with :meth:`Worker.result`. The child writes nothing
else, anywhere: no cache entry, no state, no output (its standard output and error go to
``/dev/null``).

Safety, and why each rule is there:

- **Fork only where it is safe**: where ``os.fork`` exists and no other thread runs
  (``threading.active_count() == 1``): a fork copies only the calling thread, so a lock held
  by another (the ``--sandbox`` workspace's in-process server, say) would stay held forever
  in the child. :func:`planned_jobs` says 1 (serial) otherwise.
- **Never a partial result**: the parent reads the pipe to its end and waits for the child; a
  result counts only if the child exited 0 (it exits 0 only after writing all of it) and the
  bytes unpickle. Otherwise the parent runs the same task itself: a crash, an exception or a
  signal in a worker costs time, never a difference in what the load finds (and an exception
  the task raises in the child is raised again, in the parent, as a serial load raises it).
- **Die with the parent**: on Linux the child asks the kernel for SIGKILL when its parent dies
  (``PR_SET_PDEATHSIG``); anywhere, a child whose parent is gone fails to write to the pipe and
  exits. Interrupting the parent stops the children it has not collected
  (:meth:`Worker.stop`). The child takes the default action on SIGINT and SIGTERM, so Ctrl-C
  ends it at once instead of running the parent's handlers (unless the parent ignores the
  signal, as a background job does SIGINT: then the child ignores it too).

``CAMPAIGNS_JOBS`` sets the number of processes: ``1`` loads serially, ``N`` forces ``N`` (even
for a few files or on one core, still never with another thread running), unset or ``auto``
uses the usable cores (``os.sched_getaffinity``) when there are enough files to parse
(:data:`MIN_FILES_PER_JOB` per process: below that, a fork and the pickled result cost more
than they save).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, NoReturn, TypeVar

from reconciler.errors import ConfigError

# pickle and signal are imported where a worker is started or collected: a plan of unchanged
# applied files forks nothing and need not import them (~2.5 ms).

JOBS_ENV = "CAMPAIGNS_JOBS"
#: Automatic mode gives each process at least this many files to parse (~0.3 ms each).
MIN_FILES_PER_JOB = 200
_PR_SET_PDEATHSIG = 1

T = TypeVar("T")


def requested_jobs() -> int | None:
    """``CAMPAIGNS_JOBS`` as a number of processes; None for automatic (unset or ``auto``)."""
    setting = os.environ.get(JOBS_ENV, "").strip().lower()
    if setting in ("", "auto"):
        return None
    if setting.isdigit() and int(setting) >= 1:
        return int(setting)
    raise ConfigError(
        f"{JOBS_ENV}={setting!r}: expected 'auto' or a whole number of processes (1: serial)"
    )


def can_fork() -> bool:
    """Whether forking is safe here and now: ``os.fork`` exists and no other thread runs."""
    return hasattr(os, "fork") and threading.active_count() == 1


def usable_cores() -> int:
    """The cores this process may run on (Linux; 1 where that cannot be asked)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else 1


def planned_jobs(files: int) -> int:
    """How many processes, this one included, should share ``files`` files: 1 is serial."""
    requested = requested_jobs()
    if files < 2 or not can_fork():
        return 1
    if requested is not None:
        return min(requested, files)
    return max(1, min(usable_cores(), files // MIN_FILES_PER_JOB))


def worth_forking(files: int) -> bool:
    """Whether parsing ``files`` files in a child pays for the fork (always, when forced)."""
    if requested_jobs() is not None:
        return files > 0
    return files >= MIN_FILES_PER_JOB // 2


#: How an object crosses the pipe: a callable and its arguments (``copyreg``'s reduce protocol).
Reducer = Callable[[Any], tuple[Any, tuple[Any, ...]]]


def by_fields(classes: Iterable[type]) -> dict[type, Reducer]:
    """Pickle each dataclass of ``classes`` as its constructor and a tuple of its fields.

    Pickle's default sends a frozen dataclass as its class, a dict of attribute names and
    values, and rebuilds it through ``__setstate__``: for 5,000 campaigns that is ~15 % more
    bytes and ~40 % more time to read back (0.053 s against 0.036 s) in the parent.
    """

    def reducer(cls: type) -> Reducer:
        names = [f.name for f in dataclasses.fields(cls)]
        return lambda obj: (cls, tuple(getattr(obj, name) for name in names))

    return {cls: reducer(cls) for cls in classes}


class Worker(Generic[T]):
    """``task()`` computed in a forked child; :meth:`result` returns it (computing it here if
    the child could not be made or did not deliver)."""

    def __init__(self, task: Callable[[], T]) -> None:
        self.task = task
        self.pid: int | None = None
        self.fd: int | None = None

    @classmethod
    def start(cls, task: Callable[[], T], reducers: dict[type, Reducer] | None = None) -> Worker[T]:
        """Fork a child computing ``task()``, its result pickled with ``reducers`` (see
        :func:`by_fields`); a failed fork leaves the task to :meth:`result`."""
        worker = cls(task)
        read, write = os.pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return worker
        if pid == 0:  # pragma: no cover - the child (coverage is not collected there)
            os.close(read)
            _serve(task, reducers or {}, write, parent)
        os.close(write)
        worker.pid, worker.fd = pid, read
        return worker

    def result(self) -> T:
        """The child's result, or the task computed here when the child failed in any way."""
        data = self._collect()
        if data is not None:
            try:
                import pickle

                value: T = pickle.loads(data)
            except Exception:  # a damaged payload: compute the task here instead
                pass
            else:
                return value
        return self.task()

    def stop(self) -> None:
        """Kill and reap a child not collected yet (the parent is on its way out)."""
        if self.pid is not None:
            import signal

            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._close()

    def _collect(self) -> bytes | None:
        """Everything the child wrote if it exited 0; None if there is no child or it failed."""
        if self.fd is None:
            return None
        with open(self.fd, "rb", closefd=False) as stream:
            data = stream.read()
        status = self._close()
        return data if status == 0 else None

    def _close(self) -> int:
        """Reap the child and close the pipe; the child's exit code (negative: a signal)."""
        assert self.pid is not None and self.fd is not None
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.pid = self.fd = None
        return os.waitstatus_to_exitcode(status)


def _serve(  # pragma: no cover - runs in the child
    task: Callable[[], object], reducers: dict[type, Reducer], fd: int, parent: int
) -> NoReturn:
    """The child: compute, write the pickled result, exit without running any cleanup of the
    parent's (``os._exit``: no atexit handler, no flush of the parent's buffered output)."""
    code = 1
    try:
        _silenced()
        _default_signals()
        _die_with_parent()
        if os.getppid() == parent:
            data = _pickled(task(), reducers)
            with open(fd, "wb", closefd=False) as stream:
                stream.write(data)
            code = 0
    except BaseException:  # any failure: the parent computes the task itself
        pass
    finally:
        os._exit(code)


def _silenced() -> None:  # pragma: no cover - runs in the child
    """Standard output and error to ``/dev/null``: whatever the task or a library prints in a
    worker would otherwise appear beside the parent's output (the parent prints it itself if
    it must: it runs the same code on its own files)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _default_signals() -> None:
    """SIGINT and SIGTERM end the child at once, instead of running the parent's handlers; a
    signal the parent ignores (SIGINT in a background job) the child ignores too."""
    import signal

    for number in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, signal.SIG_DFL)


def _pickled(value: object, reducers: dict[type, Reducer]) -> bytes:
    """``value`` pickled whole before any of it is written: a worker that blocks on a full pipe
    until the parent reads has then nothing left to compute."""
    import copyreg
    import io
    import pickle

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    table: dict[Any, Any] = {**copyreg.dispatch_table, **reducers}
    pickler.dispatch_table = table
    pickler.dump(value)
    return buffer.getvalue()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to SIGKILL this process when its parent dies (nothing elsewhere)."""
    if not hasattr(os, "sched_getaffinity"):  # not Linux: the pipe still ends an orphan
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
