"""Plan checksums: apply-what-you-reviewed (design.md section 4, saved plans).

The checksum covers everything in the plan except the moment it was generated and the checksum
itself, so two plans of the same inputs compare equal and an edited plan file is caught.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from reconciler.canonical import canonical_json, digest
from reconciler.models.plan import Action, Plan

_UNSEALED = ("checksum", "generatedAt")
#: The same fields by name: what :func:`plan_checksum` leaves out of the plan's dump.
_UNSEALED_FIELDS = {"checksum", "generated_at"}


def plan_checksum(plan: Plan) -> str:
    """``digest`` of the plan's JSON (by alias) without ``checksum`` and ``generatedAt``.

    Hashed one action at a time: the bytes are those of the whole plan's canonical JSON, whose
    first key is ``actions``, but a 10,000-action plan is never held as one dump and one string
    (design.md 9: ~45 MB at its peak). Should a field ever sort before ``actions``, the whole
    plan is dumped as before.
    """
    head: dict[str, Any] = plan.model_dump(
        mode="json", by_alias=True, exclude=_UNSEALED_FIELDS | {"actions"}
    )
    if any(key <= "actions" for key in head):
        data: dict[str, Any] = plan.model_dump(mode="json", by_alias=True)
        return digest({k: v for k, v in data.items() if k not in _UNSEALED})
    hasher = hashlib.sha256(b'{"actions":[')
    for index, action in enumerate(plan.actions):
        hasher.update(b"," if index else b"")
        hasher.update(canonical_json(action.model_dump(mode="json", by_alias=True)))
    rest = canonical_json(head)  # b"{...}": its fields follow the actions
    hasher.update(b"]" + (b"," if head else b"") + rest[1:])
    return "sha256:" + hasher.hexdigest()


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
