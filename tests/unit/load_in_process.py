"""``python -m tests.unit.load_in_process ROOT JOBS``: load a project in a fresh process.

Forking is refused while another thread runs, and tests that start servers leave threads behind
in the test process, so the tests that must see workers forked load in a process of their own.
Prints JSON: the number of workers forked and the ``repr`` of what the load produced, in order
(campaigns, findings, clean files), so two loads compare exactly, types included.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.load import load_project
from reconciler.load.workers import JOBS_ENV, Worker
from tests.unit.project_files import config


def main(root: Path, jobs: str) -> None:
    os.environ[JOBS_ENV] = jobs
    started: list[int | None] = []
    real: Callable[..., Worker[Any]] = Worker.start.__func__  # type: ignore[attr-defined]

    def spy(cls: type[Worker[Any]], task: Callable[[], Any], *args: Any) -> Worker[Any]:
        worker = real(cls, task, *args)
        started.append(worker.pid)
        return worker

    Worker.start = classmethod(spy)  # type: ignore[method-assign, assignment]
    if os.environ.get("CRASH_WORKERS"):  # every worker dies: the parent must load it all
        _crash_in_workers()
    result = load_project(config(root))
    print(
        json.dumps(
            {
                "forked": sum(1 for pid in started if pid),
                "campaigns": [repr(c) for c in result.campaigns],
                "findings": [str(f) for f in result.findings],
                "clean": repr(list(result.clean.items())),
            }
        )
    )


def _crash_in_workers() -> None:
    from reconciler.load import project

    parent = os.getpid()
    real = project.check_file  # type: ignore[attr-defined]

    def crashing(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(7)
        return real(*args)

    project.check_file = crashing  # type: ignore[attr-defined, assignment]


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
