"""The floor under a plan: what the design card's libraries alone cost on a workload.

``make bench`` runs this in a fresh process beside ``campaigns plan``, to show how much of a
design.md section 9 time budget is spent before the product does anything of its own:

    python tests/benchmarks/floor.py             # start Python, import pydantic, click, ruamel.yaml
    python tests/benchmarks/floor.py PROJECT     # the same, then read, parse and validate each
                                                 # PROJECT/campaigns/*.yaml, in one process

With a project it does the least a plan must do with each declaration, using the libraries the
fastest way the product knows: read the file, parse it with ruamel.yaml's C loader as
``reconciler/load/yaml_loader.py`` assembles it (ruamel's own ``YAML(typ="safe")`` costs about
twice as much a file), validate it with a pydantic model of the benchmark's declaration shape. It checks no phone number, merges no
defaults, compares no state, plans, checks and prints nothing, and it runs in one process (a
plan spreads the files over the cores: ``reconciler/load/workers.py``).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click  # noqa: F401  # imported for its cost: every command is a click command
from pydantic import BaseModel, ConfigDict, Field


def _loader() -> Callable[[str], list[Any]]:
    """``reconciler/load/yaml_loader.py`` on its own: it imports only ruamel.yaml, and importing
    it as part of ``reconciler.load`` would import the product's models as well."""
    path = Path(__file__).resolve().parents[2] / "reconciler" / "load" / "yaml_loader.py"
    spec = importlib.util.spec_from_file_location("yaml_loader", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    load: Callable[[str], list[Any]] = module.load_documents
    return load


load_documents = _loader()


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    language: str
    gender: str


class Declaration(BaseModel):
    """The shape ``tests/benchmarks/workloads.py`` writes, and nothing more."""

    model_config = ConfigDict(extra="forbid")

    id: str
    campaign_name: str = Field(alias="campaignName")
    sender: str = Field(alias="from")
    to: list[str]
    message: Message
    scheduled_date: str = Field(alias="scheduledDate")
    respect_quiet_hours: bool = Field(alias="respectQuietHours")


def parse_and_validate(path: Path) -> Declaration:
    (document,) = load_documents(path.read_bytes().decode("utf-8"))
    return Declaration.model_validate(document)


def main(argv: list[str]) -> None:
    if argv:
        for path in sorted((Path(argv[0]) / "campaigns").glob("*.yaml")):
            parse_and_validate(path)


if __name__ == "__main__":
    main(sys.argv[1:])
