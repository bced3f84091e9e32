"""The checked-in JSON Schemas, generated from the pydantic models.

``python -m reconciler.schema_export DIR`` (``make schema`` in a clone) writes
``DIR/<name>.schema.json`` for every entry of :data:`SCHEMAS`; ``tests/unit/test_schema.py`` fails
when the checked-in ``schema/`` is stale. The wheel ships those files and ``campaigns schema``
copies them into a project (:mod:`reconciler.bundled`). Editors use ``campaign.schema.json``
through the modeline ``# yaml-language-server: $schema=../schema/campaign.schema.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reconciler.models.declaration import Declaration, Defaults
from reconciler.models.plan import Plan
from reconciler.models.state import State

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: name -> model; ``schema/<name>.schema.json`` documents it.
SCHEMAS: dict[str, type[BaseModel]] = {
    "campaign": Declaration,
    "defaults": Defaults,
    "state": State,
    "plan": Plan,
}


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of ``SCHEMAS[name]`` (by alias: the names written in files)."""
    schema = SCHEMAS[name].model_json_schema(by_alias=True)
    return {"$schema": DRAFT, **schema}


def render(name: str) -> str:
    """The exact text checked in: sorted keys, indent 2, trailing newline."""
    return json.dumps(schema_for(name), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_all(directory: Path) -> list[Path]:
    """Write every schema under ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = directory / f"{name}.schema.json"
        path.write_text(render(name), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m reconciler.schema_export DIR\n")
        return 1
    for path in write_all(Path(args[0])):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
