"""Plan checksums: apply-what-you-reviewed (design.md section 4, saved plans).

The checksum covers everything in the plan except the moment it was generated and the checksum
itself, so two plans of the same inputs compare equal and an edited plan file is caught.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from reconciler.canonical import canonical_json, digest
from reconciler.models.actions import NoOp
from reconciler.models.plan import Action, Plan

_UNSEALED = ("checksum", "generatedAt")
#: The same fields by name: what :func:`plan_checksum` leaves out of the plan's dump.
_UNSEALED_FIELDS = {"checksum", "generated_at"}


def plan_checksum(plan: Plan) -> str:
    """``digest`` of the plan's JSON (by alias) without ``checksum`` and ``generatedAt``.

    Hashed piece by piece: the bytes are those of the whole plan's canonical JSON, but the
    actions and the policy section's campaigns are dumped one at a time, so a 10,000-send plan
    is never held as one dump and one string (design.md 9: ~45 MB at its peak for the actions
    alone).
    """
    fields: dict[str, Any] = plan.model_dump(
        mode="json", by_alias=True, exclude=_UNSEALED_FIELDS | {"actions", "policy"}
    )
    fields["actions"] = _Each(plan.actions)
    if plan.policy is not None:  # the field is left out of the plan's JSON when None
        policy = plan.policy.model_dump(mode="json", by_alias=True, exclude={"campaigns"})
        fields["policy"] = _Fields({**policy, "campaigns": _Each(plan.policy.campaigns)})
    hasher = hashlib.sha256()
    _feed(hasher, _Fields(fields))
    return "sha256:" + hasher.hexdigest()


def document_checksum(data: dict[str, Any]) -> str:
    """``digest`` of a plan's JSON document without ``checksum`` and ``generatedAt``."""
    return digest({k: v for k, v in data.items() if k not in _UNSEALED})


class _Each:
    """Models written one by one as a JSON array (each through its own serializer)."""

    def __init__(self, models: Iterable[BaseModel]) -> None:
        self.models = models


class _Fields(dict[str, Any]):
    """A JSON object written key by key (its values may be :class:`_Each` or ``_Fields``)."""


def _feed(hasher: Any, value: Any) -> None:
    """Feed ``canonical_json(value)`` to ``hasher``, with each :class:`_Each` written in place."""
    if isinstance(value, _Each):
        hasher.update(b"[")
        for index, model in enumerate(value.models):
            hasher.update(b"," if index else b"")
            hasher.update(canonical_json(_dumped(model)))
        hasher.update(b"]")
    elif isinstance(value, _Fields):
        hasher.update(b"{")
        for index, key in enumerate(sorted(value)):  # canonical JSON sorts the keys
            hasher.update((b"," if index else b"") + canonical_json(key) + b":")
            _feed(hasher, value[key])
        hasher.update(b"}")
    else:
        hasher.update(canonical_json(value))


def _dumped(model: BaseModel) -> Any:
    """``model.model_dump(mode="json", by_alias=True)``; for a no-op, the projection itself,
    which holds only JSON values (most actions of most plans are no-ops, design.md 9)."""
    if type(model) is NoOp:
        return model.flat()
    return model.model_dump(mode="json", by_alias=True)


def actions_checksum(actions: Iterable[Action]) -> str:
    """``digest`` of the actions alone: what a re-plan must reproduce for a saved plan to apply."""
    return digest([a.model_dump(mode="json", by_alias=True) for a in actions])


def seal(plan: Plan) -> Plan:
    """``plan`` with its checksum filled in."""
    return plan.model_copy(update={"checksum": plan_checksum(plan)})


def verify_checksum(plan: Plan) -> bool:
    """Whether ``plan.checksum`` matches its content (False for an edited or unsealed plan)."""
    return bool(plan.checksum) and plan.checksum == plan_checksum(plan)
