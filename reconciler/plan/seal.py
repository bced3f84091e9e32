"""Plan checksums: apply-what-you-reviewed (design.md section 4, saved plans).

The checksum covers everything in the plan except the moment it was generated and the checksum
itself, so two plans of the same inputs compare equal and an edited plan file is caught.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reconciler.canonical import digest
from reconciler.models.plan import Action, Plan

_UNSEALED = ("checksum", "generatedAt")


def plan_checksum(plan: Plan) -> str:
    """``digest`` of the plan's JSON (by alias) without ``checksum`` and ``generatedAt``."""
    return document_checksum(plan.model_dump(mode="json", by_alias=True))


def document_checksum(data: dict[str, Any]) -> str:
    """``digest`` of a plan's JSON document without ``checksum`` and ``generatedAt``."""
    return digest({k: v for k, v in data.items() if k not in _UNSEALED})


def actions_checksum(actions: Iterable[Action]) -> str:
    """``digest`` of the actions alone: what a re-plan must reproduce for a saved plan to apply."""
    return digest([a.model_dump(mode="json", by_alias=True) for a in actions])


def seal(plan: Plan) -> Plan:
    """``plan`` with its checksum filled in."""
    return plan.model_copy(update={"checksum": plan_checksum(plan)})


def verify_checksum(plan: Plan) -> bool:
    """Whether ``plan.checksum`` matches its content (False for an edited or unsealed plan)."""
    return bool(plan.checksum) and plan.checksum == plan_checksum(plan)
