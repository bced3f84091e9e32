"""The memory of a process tree: summed PSS of a process and its descendants, sampled.

``ru_maxrss`` (what ``os.wait4`` returns) is the peak resident set of the single largest process
among the one waited for and its reaped children: with worker processes it is neither their
sum nor their peak together. This samples, every :data:`INTERVAL` seconds, the proportional set
size (``Pss`` of ``/proc/PID/smaps_rollup``: each shared page divided among the processes that
map it, so pages a forked worker still shares with its parent are counted once) of the process
and of every descendant, and keeps the largest sum. Linux only; elsewhere it reports nothing.

Descendants are found from ``/proc/*/stat`` (the kernel here has no ``/proc/PID/task/TID/children``):
each process's parent is read once, when its number first appears in the listing, so a tick
costs a directory listing (~0.1 ms). PSS is read only while the tree has more than one process
(one ``smaps_rollup`` read per process, ~2 ms for a 130 MB one): a process alone is measured
exactly, and for free, by its ``ru_maxrss``. A sample can miss a spike shorter than the
interval; the benchmark therefore reports the larger of this peak and ``ru_maxrss``. The
sampling thread runs at the lowest priority (nice 19, Linux sets it per thread), so on a busy
machine it yields to the command it measures instead of taking a core from it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

#: Seconds between samples. Reading ``smaps_rollup`` walks the process's page tables: ~2-3 ms for
#: a 130 MB process here, so sampling a parent and a worker costs ~5 % of one core while they run.
INTERVAL = 0.1
_PROC = "/proc"


def pss_kb(pid: int) -> int:
    """The ``Pss`` of ``pid`` in kB; 0 for a process gone (or a zombie: no memory left)."""
    try:
        with Path(f"{_PROC}/{pid}/smaps_rollup").open("rb") as stream:
            for line in stream:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


class TreeMemory(threading.Thread):
    """Samples the summed PSS of ``pid`` and its descendants until :meth:`stop`."""

    def __init__(self, pid: int, interval: float = INTERVAL) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.samples = 0
        self.cpu_seconds = 0.0
        self._parents: dict[int, int] = {}
        self._done = threading.Event()

    @staticmethod
    def available() -> bool:
        return Path(f"{_PROC}/self/smaps_rollup").exists()

    def run(self) -> None:
        started = time.thread_time()
        # Lowest priority: the sampler runs when a core is idle, rather than slowing the command.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while True:
            tree = self.tree()
            if len(tree) > 1:  # one process alone: its ru_maxrss is exact, and free
                self.peak_kb = max(self.peak_kb, sum(pss_kb(pid) for pid in tree))
                self.samples += 1
            if self._done.wait(self.interval):
                break
        self.cpu_seconds = time.thread_time() - started

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._done.set()
        self.join()
        return self.peak_kb / 1024

    def tree(self) -> list[int]:
        """``pid`` and its descendants now."""
        with os.scandir(_PROC) as entries:
            listed = {int(entry.name) for entry in entries if entry.name.isdigit()}
        for gone in self._parents.keys() - listed:
            del self._parents[gone]
        for pid in listed - self._parents.keys():
            self._parents[pid] = _parent(pid)
        children: dict[int, list[int]] = {}
        for pid, parent in self._parents.items():
            children.setdefault(parent, []).append(pid)
        found, queue = [], [self.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            queue.extend(children.get(pid, []))
        return found


def _parent(pid: int) -> int:
    try:
        with Path(f"{_PROC}/{pid}/stat").open("rb") as stream:
            return int(stream.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0
