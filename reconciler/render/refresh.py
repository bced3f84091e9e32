"""``campaigns refresh`` output (also shown, on stderr, by ``campaigns plan --refresh``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TextIO


class Refreshed(Protocol):
    """What a refresh reports (``reconciler.usecases.refresh.RefreshReport`` has it)."""

    @property
    def read(self) -> int: ...
    @property
    def notes(self) -> Sequence[str]: ...
    @property
    def warnings(self) -> Sequence[str]: ...


def render_refresh(report: Refreshed, out: TextIO, err: TextIO) -> None:
    """Notes and the count on ``out``, warnings on ``err``."""
    for line in report.notes:
        out.write(f"{line}\n")
    for line in report.warnings:
        err.write(f"Warning: {line}\n")
    out.write(f"Refreshed {report.read} submission(s) not yet final.\n")
