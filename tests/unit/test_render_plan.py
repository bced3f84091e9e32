from __future__ import annotations

import io
import json
import re

import click

from reconciler.masking import mask_number, mask_numbers
from reconciler.models.plan import Plan
from reconciler.plan.diff import diff
from reconciler.render import RENDERERS, RenderOptions
from reconciler.render.markdown import MARKER
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


def test_masking_keeps_the_country_code_and_the_last_two_digits() -> None:
    assert mask_number("+306945550201") == "+30 •••••••• 01"
    assert mask_numbers("call +306912345678 now") == "call +30 •••••••• 78 now"
    assert mask_number("+14155550123") == "+1 •••••••• 23"
    assert mask_number("+35799123456") == "+357 •••••• 56"
    assert mask_number("+3579912") == "+357 •• 12"
    assert mask_number("+35799") == "+357 ••"  # too short to show a tail: hide it all
    assert mask_number("6912345678") == "•••••••• 78"  # no +: no country code to show
    assert mask_number("+99900000001") == "+••••••••• 01"  # +9, +99, +999: none assigned


def test_markdown_starts_with_marker_and_masks_numbers() -> None:
    a = make_campaign("a", make_request(to=["+306912345678"]))
    b = make_campaign("b", make_request(to=["+306912345678"], respectQuietHours=True))
    body = render("markdown", diff([a, b], make_state(), NOW))
    assert body.splitlines()[0] == MARKER
    assert "+306912345678" not in body and "+30 •••••••• 78" in body


def test_markdown_capped_without_cutting_lines() -> None:
    plan = many_sends(2000)
    body = render("markdown", plan, RenderOptions(max_chars=60_000))
    assert len(body) <= 60_000
    assert "more changes (" in body and "1 send)" not in body
    opened = body.count("<details><summary><code>+</code> send")
    assert opened and body.count("</details>") == opened  # every block shown is whole
    assert "#### Guards" in body


def test_markdown_folds_each_change_and_shows_the_words_escaped_and_masked() -> None:
    request = make_request(
        to=["+306912345678"],
        message={"text": "Hi <b>| `x` *now* call +306912345678", "language": "el-GR"},
    )
    sent = make_campaign("a", make_request(to=["+306912345678"]))
    plan = diff([make_campaign("a", request)], make_state(record_of("a", submission_of(sent))), NOW)
    body = render("markdown", plan)
    block = body[body.index("<details>") : body.index("</details>")]
    assert block.startswith("<details><summary><code>-/+</code> replace <code>a</code>")
    says = "- says: &quot;Hi &lt;b&gt;\\| `x` *now* call +30 •••••••• 78&quot; (el-GR)"
    assert says in block
    assert "- from: " in block and "changed: " in block
    assert "+306912345678" not in body and "<b>" not in block


def errors_only_plan() -> Plan:
    sent = make_campaign("a")
    changed = make_campaign("a", make_request(to=["+306912345670"]))
    return diff([changed], make_state(record_of("a", submission_of(sent, state="Sent"))), NOW)


def test_plan_with_errors_never_claims_no_changes() -> None:
    plan = errors_only_plan()
    assert plan.errors and not plan.changes
    for fmt in ("text", "markdown"):
        body = render(fmt, plan)
        assert "No changes" not in body and "up to date" not in body
        assert "Plan: 0 to send, 0 to replace, 0 to cancel, 0 to forget." in body
        assert "The plan has 1 error: apply skips that campaign until fixed" in body
    text = render("text", plan)
    assert text.startswith("Campaigns plan for workspace production (state serial 3)\n\nErrors:\n")
    assert "  campaigns/a.yaml:1:1: a changed after it was sent as a-seq1 (state Sent)" in text


def huge_plan() -> Plan:
    """2,000 sends sharing numbers pairwise (warnings), and 500 sent campaigns changed (errors)."""
    sends = [
        make_campaign(
            f"c{i:04d}",
            make_request(to=[f"+3069{i // 2:08d}"], respectQuietHours=False),
            label=f"Campaign {i}",
        )
        for i in range(2000)
    ]
    sent = [make_campaign(f"s{i:03d}", make_request(to=[f"+3069{i:08d}1"])) for i in range(500)]
    state = make_state(*(record_of(c.id, submission_of(c, state="Sent")) for c in sent))
    changed = [make_campaign(c.id, make_request(to=[f"+4479{i:08d}"])) for i, c in enumerate(sent)]
    return diff([*sends, *changed], state, NOW)


def test_markdown_of_a_huge_plan_is_capped_masked_and_never_cut_mid_line() -> None:
    plan = huge_plan()
    assert len(plan.errors) == 500 and len(plan.warnings) > 2000
    body = render("markdown", plan)
    full = render("markdown", plan, RenderOptions(max_chars=10**9))
    assert len(full) > 500_000 and len(body) <= 60_000
    notes = [line for line in body.splitlines() if line not in full.splitlines()]
    assert len(notes) == 3, notes
    assert notes[0].startswith("_… and ") and " more changes (" in notes[0]
    assert notes[1].startswith("- _… and ") and notes[1].endswith(" more errors not shown._")
    assert notes[2].startswith("- _… and ") and notes[2].endswith(" more warnings not shown._")
    assert "#### Guards" in body and body.startswith(MARKER + "\n")
    assert not re.search(r"\+\d{9,}", body), "an unmasked phone number"
