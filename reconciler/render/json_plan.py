"""``--format json``: the plan model itself, versioned (``formatVersion``), keys sorted."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from pydantic import BaseModel

from reconciler.models.plan import Plan
from reconciler.render.options import RenderOptions


def render_json(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    """The plan's JSON (indent 2, sorted keys), written as it is encoded.

    The actions and the policy section's campaigns are dumped one at a time while the encoder
    reaches them, so a 10,000-send plan is never held as one dump and one string (design.md
    9); the text is exactly ``json.dumps`` of the whole dump.
    """
    data: dict[str, Any] = plan.model_dump(
        mode="json", by_alias=True, exclude={"actions", "policy"}
    )
    data["actions"] = _Dumped(plan.actions)
    if plan.policy is not None:  # the field is left out of the plan's JSON when None
        policy = plan.policy.model_dump(mode="json", by_alias=True, exclude={"campaigns"})
        data["policy"] = {**policy, "campaigns": _Dumped(plan.policy.campaigns)}
    encoder = json.JSONEncoder(sort_keys=True, indent=2, ensure_ascii=False)
    pieces: list[str] = []
    for piece in encoder.iterencode(data):
        pieces.append(piece)
        if len(pieces) >= _BATCH:  # one write per batch of the encoder's small pieces
            out.write("".join(pieces))
            pieces.clear()
    out.write("".join(pieces) + "\n")


_BATCH = 4096


class _Dumped(list[Any]):
    """A JSON array of models, each dumped when the encoder reaches it (the list stays empty)."""

    def __init__(self, models: Sequence[BaseModel]) -> None:
        super().__init__()
        self.models = models

    def __len__(self) -> int:
        return len(self.models)

    def __iter__(self) -> Iterator[Any]:
        return (model.model_dump(mode="json", by_alias=True) for model in self.models)
