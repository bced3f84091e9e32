"""A plan error stops only its own campaign: apply keeps the others' actions (design.md 4)."""

from __future__ import annotations

import pytest

from reconciler.apply.results import ApplyReport
from reconciler.config import Workspace, WorkspaceSettings
from reconciler.models.plan import Plan, Problem
from reconciler.plan.diff import diff
from reconciler.plan.errors import PlanRefused
from reconciler.usecases.apply import raise_for_report, without_errored
from tests.plan_sim import NOW, make_campaign, make_state


def plan_of(*errors: Problem) -> Plan:
    plan = diff([make_campaign("a"), make_campaign("b", revision=2)], make_state(), NOW)
    return plan.model_copy(update={"errors": errors})


def test_the_actions_of_a_campaign_with_an_error_are_left_out_and_the_others_kept() -> None:
    plan = plan_of(Problem(id="a", message="refused by a policy check"))
    assert [a.id for a in plan.actions] == ["a", "b"]
    assert [a.id for a in without_errored(plan).actions] == ["b"]
    assert without_errored(plan_of()) == plan_of()


def test_an_error_about_no_campaign_stops_everything() -> None:
    with pytest.raises(PlanRefused, match="nothing was applied"):
        without_errored(plan_of(Problem(message="the whole plan is wrong")))


def test_the_report_of_an_apply_with_plan_errors_exits_1_after_the_others() -> None:
    report = ApplyReport(plan_errors=("campaigns/a.yaml:1:1: a is refused",))
    with pytest.raises(PlanRefused, match=r"those campaigns were not applied \(the others were\)"):
        raise_for_report(
            report, Workspace("production", WorkspaceSettings(), "https://api", "https://auth")
        )
