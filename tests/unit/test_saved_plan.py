from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.errors import CampaignsError
from reconciler.plan.diff import diff
from reconciler.plan.errors import PlanFileError, StalePlan
from reconciler.plan.saved import check_saved_plan
from reconciler.usecases.plan_file import read_plan, write_plan
from tests.plan_sim import NOW, make_campaign, make_request, make_state


def test_round_trip_is_canonical_pretty_json(tmp_path: Path) -> None:
    plan = diff([make_campaign("a")], make_state(), NOW)
    path = tmp_path / "plan.json"
    write_plan(path, plan)
    text = path.read_text()
    assert text.endswith("}\n") and text.startswith('{\n  "actions"')
    assert read_plan(path) == plan


def test_missing_corrupt_version_and_edited_files(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    with pytest.raises(PlanFileError, match="no such plan file"):
        read_plan(path)
    path.write_text("{not json")
    with pytest.raises(PlanFileError, match="not a plan file"):
        read_plan(path)
    write_plan(path, diff([make_campaign("a")], make_state(), NOW))
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "formatVersion": 9}))
    with pytest.raises(PlanFileError, match="plan format version 9, this tool reads 1"):
        read_plan(path)
    data["actions"][0]["recipients"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(PlanFileError, match="checksum mismatch"):
        read_plan(path)
    path.write_text(json.dumps({**data, "actions": "x"}))
    with pytest.raises(PlanFileError, match="not a valid plan: actions"):
        read_plan(path)


def test_stale_when_serial_moved_or_declarations_changed() -> None:
    state = make_state(serial=3)
    saved = diff([make_campaign("a")], state, NOW)
    check_saved_plan(saved, state, diff([make_campaign("a")], state, NOW))
    moved = state.model_copy(update={"serial": 4})
    with pytest.raises(StalePlan, match="the state moved from serial 3 to 4 since this plan"):
        check_saved_plan(saved, moved, diff([make_campaign("a")], moved, NOW))
    changed = diff([make_campaign("a", make_request(respectQuietHours=False))], state, NOW)
    with pytest.raises(StalePlan) as stale:
        check_saved_plan(saved, state, changed)
    assert str(stale.value) == (
        "the declarations changed since the plan was saved (a would now be planned "
        "differently): run campaigns plan again"
    )
    many = diff(
        [make_campaign(f"c{i}", make_request(to=[f"+3069100000{i:02d}"])) for i in range(7)],
        state,
        NOW,
    )
    with pytest.raises(StalePlan, match=r"\(a, c0, c1, c2, c3 and 3 more would now"):
        check_saved_plan(saved, state, many)
    other = state.model_copy(update={"lineage": "other"})
    with pytest.raises(StalePlan, match="lineage"):
        check_saved_plan(saved, other, saved)
    assert issubclass(StalePlan, CampaignsError)


def test_a_plan_for_another_workspace_names_both_workspaces() -> None:
    state = make_state()
    saved = diff([make_campaign("a")], state, NOW)
    staging = state.model_copy(update={"workspace": "staging", "lineage": "other"})
    with pytest.raises(StalePlan) as stale:
        check_saved_plan(saved, staging, saved)
    assert str(stale.value) == (
        f"the plan was made for workspace {state.workspace}, not staging: apply it with "
        f"--workspace {state.workspace}, or make a plan for staging"
    )
