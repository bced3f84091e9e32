"""The benchmark's floor (``tests/benchmarks/floor.py``) does the work it claims and nothing of ours."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.benchmarks import floor
from tests.benchmarks.workloads import write_project

FLOOR = Path(floor.__file__)


def test_the_floor_parses_and_validates_every_declaration(tmp_path: Path) -> None:
    project = write_project(tmp_path, 3, 2)
    floor.main([str(project)])  # the benchmark's own shape validates
    last = project / "campaigns" / "bench-00002.yaml"
    last.write_text(last.read_text().replace("respectQuietHours: true", "respectQuietHours: []"))
    with pytest.raises(ValidationError, match="respectQuietHours"):
        floor.main([str(project)])


def test_the_floor_imports_the_libraries_and_nothing_of_the_product(tmp_path: Path) -> None:
    probe = (
        "import runpy, sys\n"
        f"runpy.run_path({str(FLOOR)!r}, run_name='__main__')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert all(library in shown for library in ("'pydantic'", "'click'", "'ruamel'"))
    assert "'reconciler'" not in shown and "'tests'" not in shown
