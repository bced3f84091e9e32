"""Where one plan's time and memory go, phase by phase, in one process (docs/scaling.md).

    python tests/benchmarks/phases.py PROJECT [WORKSPACE] [--top N]

Runs the steps of ``campaigns plan`` (imports, open the workspace, load the declarations, diff,
render) one after the other and prints, for each, the CPU time it took and the peak resident
memory so far; with ``--top N``, a second pass under ``tracemalloc`` lists the N source lines
holding the most memory when the plan is made. The parse cache is off (a fresh clone). CPU
time, unlike wall time, barely depends on what else the machine runs; its proportions are what
the profiles in docs/scaling.md compare.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ["CAMPAIGNS_NO_CACHE"] = "1"
STARTED = time.process_time()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def paused() -> contextlib.AbstractContextManager[Any]:
    """plan's pause of the garbage collector, where this version of the tool has one."""
    try:
        from reconciler.collector import collector_paused
    except ImportError:
        return contextlib.nullcontext()
    return collector_paused()


def load(config: Any, state: Any) -> Any:
    """The load as plan does it: without what apply records, where the tool has the option."""
    from reconciler.load import load_project

    try:
        return load_project(config, state, sources=False)
    except TypeError:  # a version without the option
        return load_project(config, state)


def plan(config: Any, target: Any, state: Any, campaigns: Any, now: Any) -> Any:
    """The plan as ``plan`` makes it for a text plan: unsealed, where the tool has the option
    (a text plan shows no checksum)."""
    from reconciler.usecases.plan import plan_for

    try:
        return plan_for(config, target, state, campaigns, now, sealed=False)
    except TypeError:  # a version without the option
        return plan_for(config, target, state, campaigns, now)


def steps(project: Path, workspace: str) -> Iterator[tuple[str, Callable[[], Any]]]:
    from datetime import UTC, datetime

    from reconciler.config import load_config
    from reconciler.render import RENDERERS, RenderOptions
    from reconciler.state.workspace import endpoint_for, open_workspace

    yield "imports", lambda: None
    config = load_config(project)
    target = config.workspace(workspace)
    found: dict[str, Any] = {}
    yield (
        "state",
        lambda: found.setdefault(
            "opened", open_workspace(config, target, endpoint=endpoint_for(config, target))
        ),
    )
    yield "load", lambda: found.setdefault("loaded", load(config, found["opened"].state))
    now = datetime.now(UTC)
    yield (
        "diff",
        lambda: found.setdefault(
            "plan", plan(config, target, found["opened"].state, found["loaded"].campaigns, now)
        ),
    )
    yield "render", lambda: RENDERERS["text"](found["plan"], io.StringIO(), RenderOptions())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("workspace", nargs="?", default="bench")
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    if args.top:
        tracemalloc.start()
    last = STARTED
    with paused():
        for name, step in steps(args.project, args.workspace):
            step()
            now = time.process_time()
            traced = ""
            if args.top:
                held, peak = tracemalloc.get_traced_memory()
                traced = f"   traced: {held / 2**20:5.1f} MB held, {peak / 2**20:5.1f} MB peak"
                tracemalloc.reset_peak()
            print(f"{name:8s} {now - last:6.2f} s CPU   peak RSS {peak_mb():5.0f} MB{traced}")
            last = time.process_time()
            if args.top and name == "diff":
                snapshot = tracemalloc.take_snapshot()
    print(f"{'total':8s} {last - STARTED:6.2f} s CPU")
    if args.top:
        current, peak = tracemalloc.get_traced_memory()
        print(f"\ntraced: {current / 2**20:.1f} MB held, {peak / 2**20:.1f} MB at the peak")
        for stat in snapshot.statistics("lineno")[: args.top]:
            print(f"{stat.size / 2**20:6.1f} MB  {stat.count:8d} blocks  {stat.traceback}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
