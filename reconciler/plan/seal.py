"""Plan checksums: apply-what-you-reviewed (design.md section 4, saved plans).

The checksum covers everything in the plan except the moment it was generated and the checksum
itself, so two plans of the same inputs compare equal and an edited plan file is caught.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring
from typing import Any

from pydantic import BaseModel

from reconciler.canonical import canonical_json, digest
from reconciler.models.actions import NoOp
from reconciler.models.plan import Action, Plan

_UNSEALED = ("checksum", "generatedAt")
#: The same fields by name: what :func:`plan_checksum` leaves out of the plan's dump.
_UNSEALED_FIELDS = {"checksum", "generated_at"}
#: Models dumped per ``json.dumps`` call: the canonical JSON of a list is its items' canonical
#: JSON joined by commas, so a chunk's bytes are those of its models one by one (60,000 calls
#: for 10,000 sends before), while a chunk's dumps stay a small part of the plan.
_CHUNK = 256


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
        for index, items in enumerate(_items_json(value.models)):
            hasher.update(b"," + items if index else items)
        hasher.update(b"]")
    elif isinstance(value, _Fields):
        hasher.update(b"{")
        for index, key in enumerate(sorted(value)):  # canonical JSON sorts the keys
            hasher.update((b"," if index else b"") + canonical_json(key) + b":")
            _feed(hasher, value[key])
        hasher.update(b"}")
    else:
        hasher.update(canonical_json(value))


def _items_json(models: Iterable[BaseModel]) -> Iterator[bytes]:
    """The canonical JSON of ``models`` as list items, in runs joined by commas: a no-op's from
    its template, other models dumped up to :data:`_CHUNK` at a time in one encoding."""
    dumps: list[dict[str, Any]] = []
    for model in models:
        if type(model) is NoOp:
            if dumps:
                yield canonical_json(dumps)[1:-1]
                dumps = []
            yield _noop_json(model)
            continue
        dumps.append(model.model_dump(mode="json", by_alias=True))
        if len(dumps) == _CHUNK:
            yield canonical_json(dumps)[1:-1]
            dumps = []
    if dumps:
        yield canonical_json(dumps)[1:-1]


def _noop_json(action: NoOp) -> bytes:
    """The canonical JSON of a no-op's projection (``NoOp.flat``: its keys, sorted, are those of
    ``FLAT_FIELDS``), its strings escaped by the encoder's own function: 2.6 us instead of 7.6 us
    for a dump and an encoding. ``tests/unit/test_noop_projection.py`` compares both."""
    return "".join(
        (
            '{"action":"no-op","after":null,"before":null,"declHash":null,"groups":[],'
            '"held":false,"id":',
            _string(action.id),
            ',"intent":null,"journalKey":null,"notes":[',
            ",".join(map(_string, action.notes)),
            '],"recipients":0,"request":null,"retrack":',
            "true" if action.retrack else "false",
            ',"revision":',
            "null" if action.revision is None else str(int(action.revision)),
            ',"scheduledDate":null,"seq":null,"source":',
            _optional(action.source),
            ',"specHash":',
            _optional(action.spec_hash),
            ',"submissionName":',
            _optional(action.submission_name),
            ',"trackingId":',
            _optional(action.tracking_id),
            "}",
        )
    ).encode("utf-8")


#: How canonical JSON writes a string (``ensure_ascii=False``): the JSON encoder's own function.
_string = encode_basestring


def _optional(text: str | None) -> str:
    return "null" if text is None else _string(text)


def actions_checksum(actions: Iterable[Action]) -> str:
    """``digest`` of the actions alone: what a re-plan must reproduce for a saved plan to apply."""
    return digest([a.model_dump(mode="json", by_alias=True) for a in actions])


def seal(plan: Plan) -> Plan:
    """``plan`` with its checksum filled in."""
    return plan.model_copy(update={"checksum": plan_checksum(plan)})


def verify_checksum(plan: Plan) -> bool:
    """Whether ``plan.checksum`` matches its content (False for an edited or unsealed plan)."""
    return bool(plan.checksum) and plan.checksum == plan_checksum(plan)
