from __future__ import annotations

import io
import json

import click

from reconciler.models.plan import Plan
from reconciler.plan.diff import diff
from reconciler.render import RENDERERS, RenderOptions
from reconciler.render.markdown import MARKER
from reconciler.render.mask import mask_number, mask_numbers
from tests.plan_sim import NOW, make_campaign, make_request, make_state, record_of, submission_of


def render(fmt: str, plan: Plan, options: RenderOptions | None = None) -> str:
    out = io.StringIO()
    RENDERERS[fmt](plan, out, options or RenderOptions())
    return out.getvalue()


def many_sends(count: int) -> Plan:
    campaigns = [
        make_campaign(f"c{i:04d}", make_request(to=[f"+3069{i:08d}"]), label=f"Campaign {i}")
        for i in range(count)
    ]
    return diff(campaigns, make_state(), NOW, limits=None)


def test_registry_names_the_three_formats() -> None:
    assert list(RENDERERS) == ["text", "json", "markdown"]


def test_no_changes_line() -> None:
    c = make_campaign("a")
    plan = diff([c], make_state(record_of("a", submission_of(c))), NOW)
    assert render("text", plan).endswith("\nNo changes. 1 campaign up to date.\n")


def test_summary_line_shape_without_resolve_or_resend() -> None:
    text = render("text", many_sends(3))
    assert "\nPlan: 3 to send, 0 to replace, 0 to cancel, 0 to forget.\n" in text


def test_colour_only_when_asked() -> None:
    plan = many_sends(1)
    assert "\x1b[" not in render("text", plan)
    coloured = render("text", plan, RenderOptions(color=True))
    assert click.style("+ send c0000", fg="green", bold=True) in coloured


def test_json_is_the_model_by_alias() -> None:
    plan = many_sends(2)
    data = json.loads(render("json", plan))
    assert data["formatVersion"] == 1
    assert Plan.model_validate(data) == plan


def test_masking_keeps_first_nine_and_last_two() -> None:
    assert mask_number("+306912345678") == "+30691234••78"
    assert mask_numbers("call +306912345678 now") == "call +30691234••78 now"
    assert mask_number("+3579912") == "+357••12"


def test_markdown_starts_with_marker_and_masks_numbers() -> None:
    a = make_campaign("a", make_request(to=["+306912345678"]))
    b = make_campaign("b", make_request(to=["+306912345678"], respectQuietHours=True))
    body = render("markdown", diff([a, b], make_state(), NOW))
    assert body.splitlines()[0] == MARKER
    assert "+306912345678" not in body and "+30691234••78" in body


def test_markdown_capped_without_cutting_lines() -> None:
    plan = many_sends(2000)
    body = render("markdown", plan, RenderOptions(max_chars=60_000))
    assert len(body) <= 60_000
    assert "more changes (" in body and "1 send)" not in body
    rows = [line for line in body.splitlines() if line.startswith("| `+`")]
    assert rows and all(line.endswith(" |") for line in rows)
    assert "#### Guards" in body
    assert body.count("\n| `+` |") == len(rows)
