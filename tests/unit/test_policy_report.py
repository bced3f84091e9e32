"""The plan's policy section: every check over the POSTs, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.canonical import digest
from reconciler.config import load_config
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.state import CampaignRecord, State, Submission, SubmissionStatus
from reconciler.policy.frequency import Call
from reconciler.policy.report import Send, check_sends, earlier_calls, submission_estimates
from reconciler.policy.screening import screen_campaigns
from reconciler.policy.settings import Policy
from reconciler.policy.suppression import parse_suppression

WEDNESDAY_NOON = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)


def no_earlier_calls(numbers: object) -> list[Call]:
    return []


SUNDAY_3AM = datetime(2027, 3, 7, 3, 0, tzinfo=UTC)
GR = ["+306912345678", "+306912345679"]
NY = "+12125550123"

PRICED = """\
[policy]
max_calls = 1
per_days = 7
max_cost = 1
[prices]
currency = "EUR"
default = 0.02
GR = 0.012
"""


def policy(tmp_path: Path, text: str = "") -> Policy:
    (tmp_path / "campaigns.toml").write_text(text)
    return load_config(tmp_path).policy("production")


def request(**fields: Any) -> dict[str, Any]:
    return {
        "from": "+306900000000",
        "message": {"text": "one two three", "language": "en-GB"},
        **fields,
    }


def test_defaults_at_noon_on_a_wednesday(tmp_path: Path) -> None:
    report = check_sends(
        [Send("a", request(to=GR), 2)], no_earlier_calls, policy(tmp_path), WEDNESDAY_NOON
    )
    check = report.campaigns[0]
    assert check.immediate
    assert check.ring_time == "2027-03-03T12:00:00+00:00"
    assert check.outside_window == 0
    assert check.zones[0].zone == "Europe/Athens"
    assert check.zones[0].local_time == "2027-03-03T14:00:00+02:00"
    assert check.zones[0].window == "09:00-20:00 mon-sat"
    assert check.call_seconds == 2
    assert check.duration == "3 words at 150 words/min"
    assert check.cost is None
    assert report.total_cost is None
    assert report.frequency_cap is None
    assert "no cost guard" in report.defaults_used


def test_defaults_at_3am_on_a_sunday(tmp_path: Path) -> None:
    report = check_sends(
        [Send("a", request(to=[*GR, NY]), 3)], no_earlier_calls, policy(tmp_path), SUNDAY_3AM
    )
    assert report.outside_window == 3
    rows = {row.zone: row for row in report.campaigns[0].zones}
    assert rows["America/New_York"].window == "08:00-21:00 mon-sat"
    assert rows["America/New_York"].local_time == "2027-03-06T22:00:00-05:00"
    assert not rows["America/New_York"].inside


def test_a_scheduled_send_is_checked_at_its_date(tmp_path: Path) -> None:
    scheduled = request(to=GR, scheduledDate="2027-03-08T10:00:00+02:00")  # Monday 10:00
    report = check_sends([Send("a", scheduled, 2)], no_earlier_calls, policy(tmp_path), SUNDAY_3AM)
    assert not report.campaigns[0].immediate
    assert report.outside_window == 0


def test_cost_and_frequency(tmp_path: Path) -> None:
    dtmf = request(to=[*GR, NY], collectDtmfDigits=True, collectDtmfAwaitSeconds=5)
    recorded = {"from": "+306900000000", "fileURL": "https://x.example/a.wav", "to": [GR[0]]}
    sends = [Send("a", dtmf, 3), Send("b", recorded, 1, estimated_seconds=75)]
    report = check_sends(sends, no_earlier_calls, policy(tmp_path, PRICED), WEDNESDAY_NOON)
    first, second = report.campaigns
    assert first.duration == "3 words at 150 words/min + 5 s waiting for key presses"
    assert first.call_seconds == 7
    assert first.cost == "0.05"  # 2 x 0.012 + 1 x 0.02 (US at the default)
    assert [(line.country, line.calls) for line in first.cost_lines] == [("GR", 2), ("US", 1)]
    assert (second.call_seconds, second.cost) == (75, "0.03")  # two started minutes
    assert report.total_cost == "0.08"
    assert (report.currency, report.max_cost) == ("EUR", "1.00")
    assert report.frequency_cap == "1 calls per 7 days"
    assert first.over_frequency == (GR[0],)  # called by both a and b the same day
    assert second.over_frequency == (GR[0],)
    assert report.over_frequency == 2


def test_a_recorded_message_without_a_length_has_no_cost(tmp_path: Path) -> None:
    recorded = {"from": "+306900000000", "fileURL": "https://x.example/a.wav", "groups": ["vip"]}
    report = check_sends(
        [Send("b", recorded, 0)], no_earlier_calls, policy(tmp_path, PRICED), WEDNESDAY_NOON
    )
    check = report.campaigns[0]
    assert check.cost is None
    assert check.duration == "a fileURL campaign without estimatedSeconds"
    assert check.unchecked == ("groups",)


def submission(seq: int, to: list[str], **fields: Any) -> Submission:
    return Submission(
        seq=seq,
        revision=1,
        submission_name=f"n-{seq}",
        tracking_id=f"t-{seq}",
        spec_hash="sha256:x",
        decl_hash="sha256:y",
        request={"to": to, **fields},
        submitted_at="2027-03-01T10:00:00Z",
    )


def test_earlier_calls_skip_cancelled_submissions() -> None:
    cancelled = submission(1, [GR[0]]).model_copy(update={"status": SubmissionStatus.CANCELLED})
    scheduled = submission(2, [GR[1]], scheduledDate="2027-03-10T09:00:00+02:00")
    immediate = submission(3, [NY])
    record = CampaignRecord(id="a", submissions=[cancelled, scheduled, immediate])
    state = State(lineage="l", workspace="w", endpoint="e", campaigns={"a": record})
    calls = earlier_calls(state)
    assert [(c.number, c.ring_time.isoformat()) for c in calls] == [
        (GR[1], "2027-03-10T09:00:00+02:00"),
        (NY, "2027-03-01T10:00:00+00:00"),
    ]
    assert [c.number for c in earlier_calls(state, cancelled={"t-2"})] == [NY]
    assert [c.number for c in earlier_calls(state, numbers={NY})] == [NY]


def campaign(id_: str, to: list[str], **fields: Any) -> Campaign:
    body = request(to=to, **fields)
    return Campaign(id_, 1, False, id_, body, digest(body), "sha256:d", SourceRef("c.yaml", 1, 1))


def test_screening_drops_or_refuses() -> None:
    listed = parse_suppression(f"{GR[1]},asked\n{NY}\n", "dnc.csv").entries
    campaigns = [campaign("a", GR), campaign("b", [NY]), campaign("c", [NY], groups=["vip"])]
    dropped = screen_campaigns(campaigns, listed, "drop")
    a, b, c = dropped.campaigns
    assert a.request["to"] == [GR[0]]
    assert a.spec_hash == digest(a.request) != campaigns[0].spec_hash
    assert "to" not in c.request
    assert dropped.declared == {"a": 2, "b": 1, "c": 1}
    assert [e.number for e in dropped.suppressed["a"]] == [GR[1]]
    assert [(x.id, m.split(":")[0]) for x, m in dropped.errors] == [
        ("b", "every number (1) is suppressed")
    ]
    assert b is campaigns[1]  # an error leaves the declaration as it is
    refused = screen_campaigns(campaigns, listed, "error")
    assert [x.id for x, _ in refused.errors] == ["a", "b", "c"]
    assert refused.errors[0][1].startswith(f"to: {GR[1]} is suppressed by dnc.csv:1;")
    assert refused.campaigns == campaigns
    assert screen_campaigns(campaigns, {}, "drop").campaigns == campaigns


def test_status_shows_the_estimate_beside_routee_s_cost(tmp_path: Path) -> None:
    from reconciler.render.status import status_table
    from reconciler.usecases.status import status_rows

    spoken = submission(1, GR, message={"text": "one two three", "language": "en-GB"})
    recorded = submission(2, [NY], fileURL="https://x.example/a.wav")
    state = State(
        lineage="l",
        workspace="w",
        endpoint="e",
        campaigns={
            "a": CampaignRecord(id="a", submissions=[spoken.model_copy(update={"cost": 0.0123})]),
            "b": CampaignRecord(id="b", submissions=[recorded]),
        },
    )
    priced = policy(tmp_path, PRICED)
    assert submission_estimates(state, priced) == {"a": "0.03 EUR"}
    assert submission_estimates(state, priced, {"b": 61}) == {"a": "0.03 EUR", "b": "0.04 EUR"}
    (tmp_path / "unpriced").mkdir()
    assert submission_estimates(state, policy(tmp_path / "unpriced", "")) == {}
    table = status_table(status_rows(state, submission_estimates(state, priced)))
    assert table[0].split()[:5] == ["id", "state", "counts", "cost", "estimate"]
    assert "0.0123  ≤ 0.03 EUR" in table[1]


@given(
    declared=st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=8), min_size=1, max_size=5),
    listed=st.sets(st.integers(0, 30), max_size=10),
)
@settings(max_examples=60, deadline=None)
def test_no_planned_request_calls_a_suppressed_number(
    declared: list[list[int]], listed: set[int]
) -> None:
    """Whatever is declared and listed: no POST of the plan carries a listed number, and a
    campaign left with nobody to call is a plan error instead."""
    from reconciler.plan.policy import plan_with_policy
    from reconciler.policy.report import PolicyInputs
    from reconciler.policy.settings import Policy as PolicyInForce

    def e164(n: int) -> str:
        return f"+3069123450{n:02d}"

    entries = parse_suppression("".join(f"{e164(n)}\n" for n in listed), "dnc.csv").entries
    campaigns = [
        campaign(f"c{i}", [e164(n) for n in dict.fromkeys(numbers)])
        for i, numbers in enumerate(declared)
    ]
    state = State(lineage="l", workspace="w", endpoint="e")
    inputs = PolicyInputs(PolicyInForce.resolve(None, None, None), entries)
    plan = plan_with_policy(campaigns, state, WEDNESDAY_NOON, inputs)
    for action in plan.actions:
        if action.request is not None and not any(e.id == action.id for e in plan.errors):
            assert not set(action.request.get("to", ())) & set(entries)
    emptied = {c.id for c in campaigns if set(c.numbers) <= set(entries)}
    assert {e.id for e in plan.errors} == emptied


def test_a_resolve_re_sends_its_recorded_request_and_says_who_was_suppressed_since() -> None:
    from reconciler.models.intent import SubmitIntent
    from reconciler.models.state import Pending
    from reconciler.plan.policy import plan_with_policy
    from reconciler.policy.report import PolicyInputs
    from reconciler.policy.settings import Policy as PolicyInForce

    recorded = SubmitIntent(
        key="k1",
        id="a",
        seq=1,
        revision=1,
        submission_name="a-recorded",
        spec_hash="sha256:x",
        decl_hash="d",
        request={"to": GR, "scheduledDate": "2027-03-08T10:00:00+02:00"},
        at="2027-03-01T00:00:00Z",
    )
    state = State(lineage="l", workspace="w", endpoint="e", pending=[Pending(intent=recorded)])
    entries = parse_suppression(f"{GR[1]}\n", "dnc.csv").entries
    inputs = PolicyInputs(PolicyInForce.resolve(None, None, None), entries)
    plan = plan_with_policy([campaign("a", GR)], state, WEDNESDAY_NOON, inputs)
    [action] = plan.actions
    assert action.request is not None and action.request["to"] == GR  # unchanged: same name
    assert plan.policy is not None
    assert plan.policy.campaigns[0].suppressed == ()
    [warning] = [w for w in plan.warnings if "re-sent as recorded" in w.message]
    assert "1 number(s) suppressed since (first: dnc.csv:1)" in warning.message
