"""A command's imports run with the cyclic collector paused and are frozen afterwards
(reconciler.cli.main, design.md 9): the collector is on again for the command itself."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gc
from reconciler.cli.main import cli
before = gc.get_freeze_count()
seen = []
gc.callbacks.append(lambda phase, info: seen.append(phase))
cli.commands["validate"]
print(before, gc.get_freeze_count() > before, gc.isenabled(), len(seen))
"""


def test_command_imports_run_without_collections_and_are_frozen() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    before, frozen, enabled, collections = out.stdout.split()
    assert before == "0"
    assert frozen == "True"
    assert enabled == "True"
    assert collections == "0"
