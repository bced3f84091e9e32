"""Plan renderers: each writes one :class:`~reconciler.models.plan.Plan` to a given stream.

:data:`RENDERERS` is the one registry of output formats; ``campaigns plan --format`` takes its
choices from it, so adding a format is adding an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from reconciler.models.plan import Plan
from reconciler.render.options import RenderOptions
from reconciler.render.text import render_text

Renderer = Callable[[Plan, TextIO, RenderOptions], None]


def render_json(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    """``--format json`` (:mod:`reconciler.render.json_plan`, imported when asked for)."""
    from reconciler.render.json_plan import render_json as render

    render(plan, out, options)


def render_markdown(plan: Plan, out: TextIO, options: RenderOptions) -> None:
    """``--format markdown`` (:mod:`reconciler.render.markdown`, with the calendar it draws,
    imported when asked for: a text plan need not load them; design.md 9)."""
    from reconciler.render.markdown import render_markdown as render

    render(plan, out, options)


RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]
