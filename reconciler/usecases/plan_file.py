"""Reading and writing a saved plan file (``campaigns plan --out``, ``campaigns apply FILE``)."""

from __future__ import annotations

from pathlib import Path

from reconciler.models.plan import Plan
from reconciler.plan.errors import PlanFileError
from reconciler.plan.saved import parse_plan, plan_json


def write_plan(path: Path, plan: Plan) -> None:
    try:
        path.write_text(plan_json(plan), encoding="utf-8")
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write the plan: {exc.strerror}") from exc


def read_plan(path: Path) -> Plan:
    """The sealed plan saved at ``path``, or a :class:`PlanFileError` saying what is wrong."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise PlanFileError(
            f"{path}: no such plan file (make one with campaigns plan --out)"
        ) from exc
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_plan(raw, str(path))
