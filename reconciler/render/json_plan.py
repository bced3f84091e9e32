"""``--format json``: the plan model itself, versioned (``formatVersion``), keys sorted."""

from __future__ import annotations

import json
from typing import TextIO

from reconciler.models.plan import Plan
from reconciler.render.options import RenderOptions


def render_json(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    data = plan.model_dump(mode="json", by_alias=True)
    out.write(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
