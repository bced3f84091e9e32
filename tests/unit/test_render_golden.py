"""Golden outputs of the three renderers for one plan that holds every kind of action.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/unit/test_render_golden.py``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from reconciler.models.intent import OutcomeKind, SubmitIntent
from reconciler.models.plan import Plan
from reconciler.models.state import Pending, SubmissionStatus
from reconciler.plan.diff import diff
from reconciler.plan.guards import GuardLimits
from reconciler.render import RENDERERS, RenderOptions
from tests.plan_sim import (
    NOW,
    PAST,
    make_campaign,
    make_request,
    make_state,
    record_of,
    submission_of,
)

GOLDEN = Path(__file__).parent.parent / "golden"


def every_kind_plan() -> Plan:
    own = make_request(to=["+306911110001"], **{"from": None})
    sent = make_campaign("drifted", own, defaults={"from": "+306900000009"})
    old_replace = make_campaign("winter", make_request(to=["+306911110002", "+306911110003"]))
    new_replace = make_campaign(
        "winter",
        make_request(
            to=["+306911110003", "+306911110004", "+306911110005"],
            message={"text": "New text", "language": "en-GB", "gender": "female"},
        ),
        label="Winter sale",
    )
    to_cancel = make_campaign("autumn", make_request(to=["+306911110006"]))
    to_resend = make_campaign("weekly", make_request(to=["+306911110007"]), revision=1)
    gone = make_campaign("old-promo", make_request(to=["+306911110008"]))
    state = make_state(
        record_of("winter", submission_of(old_replace, tracking_id="t-winter")),
        record_of("autumn", submission_of(to_cancel, tracking_id="t-autumn")),
        record_of("weekly", submission_of(to_resend, state="Sent", tracking_id="t-weekly")),
        record_of("old-promo", submission_of(gone, state="Sent", tracking_id="t-old")),
        record_of("drifted", submission_of(sent, state="Sent", tracking_id="t-drift")),
        record_of(
            "gone-outside",
            submission_of(
                make_campaign("gone-outside", make_request(to=["+306911110009"])),
                status=SubmissionStatus.CANCELLED_EXTERNALLY,
            ),
        ),
    )
    declared = [
        new_replace,
        make_campaign("autumn", make_request(to=["+306911110006"]), cancel=True),
        make_campaign("weekly", make_request(to=["+306911110007"]), revision=2),
        make_campaign(
            "spring",
            make_request(to=["+306912345678", "+306911110007"], ignoreDnd=True, groups=["vip"]),
            label="Spring promo",
        ),
        make_campaign("late", make_request(to=["+306911110010"], scheduledDate=PAST)),
        make_campaign("drifted", own, defaults={"from": "+306900000001"}),
        make_campaign("broken", make_request(to=["+306911110011"]), revision=1),
        make_campaign("gone-outside", make_request(to=["+306911110009"])),
    ]
    state.campaigns["broken"] = record_of(
        "broken", submission_of(make_campaign("broken", revision=2), state="Sent")
    )
    returning = make_campaign("returning", make_request(to=["+306911110013"]))
    state.campaigns["returning"] = record_of(
        "returning", submission_of(returning, state="Sent", tracking_id="t-back"), forgotten=True
    )
    declared.append(returning)
    state.pending.append(
        Pending(
            intent=SubmitIntent(
                key="k-8",
                id="refused",
                at="2026-12-31T23:30:00Z",
                seq=1,
                revision=1,
                submission_name="Refused-abcdefgh",
                spec_hash="sha256:3",
                decl_hash="sha256:4",
                request=make_request(to=["+306911110014"]),
            ),
            outcome=OutcomeKind.HELD_REFUSED,
            message="400 bad request",
        )
    )
    intent = SubmitIntent(
        key="k-7",
        id="in-doubt",
        seq=1,
        revision=1,
        submission_name="In doubt-abcdefgh",
        spec_hash="sha256:1",
        decl_hash="sha256:2",
        request=make_request(to=["+306911110012"]),
        at="2026-12-31T23:00:00Z",
    )
    state.pending.append(Pending(intent=intent))
    return diff(declared, state, NOW, limits=GuardLimits(3, 100, 0))


def render(fmt: str, plan: Plan, **options: object) -> str:
    out = io.StringIO()
    RENDERERS[fmt](plan, out, RenderOptions(**options))  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("json", "json"), ("markdown", "md")])
def test_golden(fmt: str, suffix: str) -> None:
    actual = render(fmt, every_kind_plan())
    path = GOLDEN / f"plan_every_kind.{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
