"""Re-tracks (forgotten ids declared again) and held resolves are visible in every plan format.

A re-track is a state-only change: without a line for it, a pull-request comment would read
"No changes" for a plan whose apply writes the state. A held resolve is a re-send Routee refused:
apply will not send it, and the plan must not read as if it would.
"""

from __future__ import annotations

import io

from reconciler.models.intent import OutcomeKind, SubmitIntent
from reconciler.models.plan import Plan
from reconciler.models.state import Pending
from reconciler.plan.diff import diff
from reconciler.render import RENDERERS, RenderOptions
from tests.plan_sim import NOW, make_campaign, make_request, make_state, record_of, submission_of


def render(fmt: str, plan: Plan, options: RenderOptions | None = None) -> str:
    out = io.StringIO()
    RENDERERS[fmt](plan, out, options or RenderOptions())
    return out.getvalue()


def retrack_only(count: int) -> Plan:
    campaigns = [
        make_campaign(f"back-{i:05d}", make_request(to=[f"+3069{i:08d}"])) for i in range(count)
    ]
    records = [record_of(c.id, submission_of(c, state="Sent"), forgotten=True) for c in campaigns]
    return diff(campaigns, make_state(*records), NOW)


def held_plan() -> Plan:
    state = make_state()
    state.pending.append(
        Pending(
            intent=SubmitIntent(
                key="k1",
                id="refused",
                at="2026-01-01T00:00:00Z",
                seq=1,
                revision=1,
                submission_name="refused-abcdefgh",
                spec_hash="sha256:x",
                decl_hash="d",
                request=make_request(to=["+306911110014"]),
            ),
            outcome=OutcomeKind.HELD_REFUSED,
        )
    )
    return diff([], state, NOW)


def test_a_plan_that_only_re_tracks_never_says_no_changes() -> None:
    plan = retrack_only(2)
    assert not plan.changes and len(plan.retracks) == 2
    summary = "No remote changes. 2 campaigns up to date; 2 tracked again (state only)."
    assert render("text", plan).endswith(f"\n{summary}\n")
    body = render("markdown", plan)
    assert f"**{summary}**" in body and "No changes." not in body
    assert "#### Tracked again" in body
    assert "- `back-00000` (campaigns/back-00000.yaml:1:1)" in body
    assert "  back-00001: no changes (tracked again: its declaration is back)" in render(
        "text", plan
    )


def test_many_re_tracks_are_capped_in_the_comment() -> None:
    plan = retrack_only(5000)
    body = render("markdown", plan)
    assert len(body) <= 60_000
    last = [line for line in body.splitlines() if line.startswith("- ")][-1]
    assert last.startswith("- _… and ") and last.endswith(" more tracked again not shown._")
    shown = body.count("- `back-")
    assert 0 < shown < 5000 and f"and {5000 - shown} more" in last


def test_a_held_resolve_is_marked_and_not_shown_as_a_re_send() -> None:
    plan = held_plan()
    text = render("text", plan)
    assert "? resolve refused (held: not re-sent)\n" in text
    assert "re-sends the recorded request" not in text
    assert "Plan: 1 to resolve (1 held, not re-sent), 0 to send" in text
    body = render("markdown", plan)
    row = next(line for line in body.splitlines() if "<code>refused</code>" in line)
    assert row.startswith("<details><summary><code>?</code> resolve (<b>held: not re-sent</b>)")
    assert "+306911110014" not in body
