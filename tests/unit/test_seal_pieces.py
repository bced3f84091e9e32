"""The plan checksum is hashed piece by piece (actions and policy campaigns one at a time) and is
still the digest of the whole plan's canonical JSON (plan/seal.py, design.md 9)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.canonical import digest
from reconciler.models.actions import NoOp
from reconciler.models.plan import Guard, GuardKind, Plan, Problem
from reconciler.models.policy import CampaignCheck, PolicyReport, ZoneRow
from reconciler.plan.seal import plan_checksum, seal, verify_checksum


def whole(plan: Plan) -> str:
    data: dict[str, Any] = plan.model_dump(mode="json", by_alias=True)
    return digest({k: v for k, v in data.items() if k not in ("checksum", "generatedAt")})


def actions(count: int) -> tuple[NoOp, ...]:
    return tuple(
        NoOp(id=f"c{i}", source=f"campaigns/c{i}.yaml:1:1", notes=("é",)) for i in range(count)
    )


def report(count: int) -> PolicyReport:
    row = ZoneRow(
        country="GR", zone="Europe/Athens", count=2, local_time=None, window="09-20", inside=True
    )
    checks = tuple(
        CampaignCheck(
            id=f"c{i}",
            ring_time="2031-03-01T09:00:00+00:00",
            immediate=False,
            declared=2,
            zones=(row,),
            over_frequency=("+30 •• 01",),
        )
        for i in range(count)
    )
    return PolicyReport(currency="EUR", total_cost="1.00", campaigns=checks)


@pytest.mark.parametrize("count", [0, 1, 3])
@pytest.mark.parametrize("with_policy", [False, True])
def test_the_checksum_is_the_digest_of_the_whole_plan(count: int, with_policy: bool) -> None:
    plan = Plan(
        workspace="w",
        lineage="l",
        serial=3,
        generated_at="2031-01-01T00:00:00+00:00",
        actions=actions(count),
        warnings=(Problem(id="c0", message="«quoted»"),),
        guards=(Guard(kind=GuardKind.SENDS, count=count, limit=100),),
        policy=report(count) if with_policy else None,
    )
    assert plan_checksum(plan) == whole(plan)
    sealed = seal(plan)
    assert verify_checksum(sealed)
    assert not verify_checksum(sealed.model_copy(update={"serial": 4}))
