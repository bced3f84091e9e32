"""The cyclic garbage collector, paused while a command builds what it keeps until it ends.

A plan of 10,000 campaigns allocates millions of objects (the state, the declarations, the plan)
and frees almost none of them before it exits. Python's collector runs on allocation counts, so
it scanned that growing heap again and again: about half of the CPU time of a 10,000-campaign
plan, applied or not (docs/scaling.md). Loading clean declarations leaves no reference cycles
behind (a YAML loader and a recursive closure per file did; ``tests/unit/test_collector.py``
checks a load and a diff leave none), so nothing is lost by not looking for them: objects are
still freed by reference counting the moment they are dropped. Only a file with problems leaves
some (ruamel's round-trip reader, which locates them): a few hundred objects per such file,
kept until the command ends.

At the end of the outermost pause the survivors are frozen (``gc.freeze``): they stay alive
anyway, and a collector that starts again need not scan them, not even once at exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cyclic garbage collection; freeze what survives it."""
    if not gc.isenabled():  # an outer pause, or a caller that manages the collector itself
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
