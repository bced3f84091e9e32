"""The plan's safe-to-send section in text, Markdown and JSON (schema), with a fixed clock."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from reconciler.canonical import digest
from reconciler.config import load_config
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.plan import Plan
from reconciler.models.state import State
from reconciler.plan.policy import plan_with_policy
from reconciler.policy.report import PolicyInputs
from reconciler.policy.suppression import parse_suppression
from reconciler.render import RENDERERS, RenderOptions
from reconciler.render.policy import markdown_lines
from reconciler.schema_export import schema_for

SUNDAY_3AM = datetime(2027, 3, 7, 3, 0, tzinfo=UTC)
GR = [f"+3069123450{i:02d}" for i in range(30)]
NY = "+12125550123"
CONFIG = """\
[policy]
max_calls = 1
max_cost = 0
[prices]
currency = "EUR"
default = 0.02
"""


def campaign(id_: str, to: list[str], **fields: object) -> Campaign:
    body: dict[str, object] = {
        "from": "+306900000000",
        "message": {"text": "Hello there", "language": "en-GB"},
        "to": to,
        **fields,
    }
    return Campaign(id_, 1, False, id_, body, digest(body), "sha256:d", SourceRef("c.yaml", 1, 1))


def plan(tmp_path: Path) -> Plan:
    (tmp_path / "campaigns.toml").write_text(CONFIG)
    policy = load_config(tmp_path).policy("production")
    listed = parse_suppression(f"{GR[0]},said \x1b[31mno\n{GR[1]}\n", "lists/<b>@dnc|.csv")
    inputs = PolicyInputs(policy, listed.entries)
    campaigns = [campaign("a", [*GR, NY]), campaign("b", GR[2:4], groups=["vip"])]
    state = State(lineage="l", workspace="production", endpoint="e")
    return plan_with_policy(campaigns, state, SUNDAY_3AM, inputs)


def render(name: str, made: Plan) -> str:
    out = io.StringIO()
    RENDERERS[name](made, out, RenderOptions())
    return out.getvalue()


def test_text_shows_every_check_with_masked_numbers(tmp_path: Path) -> None:
    text = render("text", plan(tmp_path))
    assert "recipients: 31 − 2 suppressed = 29" in text
    assert "suppressed: +30 •••••••• 00 (lists/<b>@dnc|.csv:1: said \\u001b[31mno)" in text
    assert (
        "US America/New_York: 1 at Sat 2027-03-06 22:00, window 08:00-21:00 mon-sat: OUTSIDE"
        in text
    )
    assert "recipients: 2 + groups (not checked locally)" in text
    assert "frequency: 2 over 1 calls per 7 days" in text
    assert "outside-window: 31 (limit 0) + groups/contacts not checked locally - over" in text
    assert "cost: 1 (limit 0) EUR, upper bound rounded up + groups/contacts" in text
    section = text.split("Safe to send")[1].split("Warnings:")[0]
    assert "+30 •••••••• 02" in section and "+306912345002" not in section


def test_markdown_masks_escapes_and_fits(tmp_path: Path) -> None:
    made = plan(tmp_path)
    comment = render("markdown", made)
    assert "| `a` | at apply | 31 − 2 suppressed = 29 | 29 | 2 | 0.58 EUR |" in comment
    assert "lists/&lt;b&gt;@&#8203;dnc\\|.csv:1" in comment
    assert "said" not in comment  # reasons stay out of the comment
    assert "+306912345000" not in comment and "+30 •••••••• 00" in comment
    assert made.policy is not None
    short = markdown_lines(made.policy, 700)
    assert short[-1].startswith("_… ") and short[-1].endswith(
        "more lines not shown: run `campaigns plan`._"
    )


def test_json_carries_the_section_and_matches_the_schema(tmp_path: Path) -> None:
    document = json.loads(render("json", plan(tmp_path)))
    policy = document["policy"]
    assert policy["frequencyCap"] == "1 calls per 7 days"
    first = policy["campaigns"][0]
    assert (first["declared"], first["outsideWindow"], first["immediate"]) == (31, 29, True)
    assert first["suppressed"][0] == {
        "number": GR[0],
        "listedAt": "lists/<b>@dnc|.csv:1",
        "reason": "said \x1b[31mno",
    }
    assert [g["kind"] for g in document["guards"]][-3:] == [
        "outside-window",
        "over-frequency",
        "cost",
    ]
    validator = jsonschema.Draft202012Validator(schema_for("plan"))
    assert [e.message for e in validator.iter_errors(document)] == []
