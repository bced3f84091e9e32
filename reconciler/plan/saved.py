"""Saved plans: ``campaigns plan --out plan.json`` and ``campaigns apply plan.json``.

Pure: the text of a plan file and the checks on one; reading and writing the file is
``reconciler.usecases.plan_file``.

A saved plan is bound to the state's lineage and serial and sealed with a checksum. Apply refuses
it when the state has moved (which applying it does, so a plan cannot be applied twice) or when a
fresh plan of the current declarations would do something else.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from reconciler.models.plan import PLAN_FORMAT_VERSION, Plan
from reconciler.models.state import State
from reconciler.models.validation import first_error
from reconciler.plan.errors import PlanFileError, StalePlan
from reconciler.plan.seal import actions_checksum, document_checksum, verify_checksum


def plan_json(plan: Plan) -> str:
    """Pretty canonical JSON with a trailing newline (plans hold no secrets: requests only)."""
    data = plan.model_dump(mode="json", by_alias=True)
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def parse_plan(raw: bytes, where: str) -> Plan:
    """The sealed plan in ``raw`` (a plan file's bytes, named ``where`` in messages).

    A :class:`PlanFileError` says what is wrong: not JSON, another format version, not a plan,
    or edited after it was saved (checksum).
    """
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"{where}: not a plan file: {exc}") from exc
    if not isinstance(data, dict):
        raise PlanFileError(f"{where}: not a plan file: expected a JSON object")
    version = data.get("formatVersion")
    if version != PLAN_FORMAT_VERSION:
        raise PlanFileError(
            f"{where}: plan format version {version!r}, this tool reads {PLAN_FORMAT_VERSION}: "
            f"run campaigns plan --out again with this version"
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanFileError(f"{where}: not a valid plan: {first_error(exc)}") from exc
    if not verify_checksum(plan) or plan.checksum != document_checksum(data):
        raise PlanFileError(
            f"{where}: checksum mismatch: the plan was edited after it was saved; "
            f"run campaigns plan --out again"
        )
    return plan


def check_saved_plan(saved: Plan, state: State, replanned: Plan) -> None:
    """Raise :class:`StalePlan` unless ``saved`` still describes what an apply would do now."""
    if saved.workspace != state.workspace:
        raise StalePlan(
            f"the plan was made for workspace {saved.workspace}, not {state.workspace}: apply it "
            f"with --workspace {saved.workspace}, or make a plan for {state.workspace}"
        )
    if saved.lineage != state.lineage:
        raise StalePlan(
            f"the plan was made for state lineage {saved.lineage}, but workspace "
            f"{state.workspace} has lineage {state.lineage}: run campaigns plan again"
        )
    if saved.serial != state.serial:
        raise StalePlan(
            f"the state moved from serial {saved.serial} to {state.serial} since this plan was "
            f"made: run campaigns plan again"
        )
    if actions_checksum(saved.actions) != actions_checksum(replanned.actions):
        raise StalePlan(
            f"the declarations changed since the plan was saved ({_differing(saved, replanned)} "
            f"would now be planned differently): run campaigns plan again"
        )


def _differing(saved: Plan, replanned: Plan) -> str:
    """The ids whose actions differ between two plans, a few named and the rest counted."""
    before = {a.id: a for a in saved.actions}
    after = {a.id: a for a in replanned.actions}
    ids = sorted(i for i in before.keys() | after.keys() if before.get(i) != after.get(i))
    named = ", ".join(ids[:5])
    return named + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
