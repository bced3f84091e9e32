"""Opt-outs: which tracking items opt a number out, and how they become suppression entries."""

from __future__ import annotations

from reconciler.models.state import OptOut, SourceCampaign, SourceRecord, State
from reconciler.policy.optouts import opt_out_keys, opted_out, suppressed_by_opt_outs


def test_any_opt_out_key_among_the_tones_opts_out() -> None:
    items = [
        {"to": "+306912300000", "collectedTones": "19"},
        {"to": "+306912300001", "collectedTones": "1"},
        {"to": "+306912300002", "collectedTones": None},
        {"to": "+30 691 230 0003", "collectedTones": "#"},
        {"to": "not a number", "collectedTones": "9"},
        {"collectedTones": "9"},
        "garbage",
    ]
    assert opted_out(items, "9#") == {"+306912300000": "19", "+306912300003": "#"}
    assert opted_out(items, "7") == {}


def test_keys_come_from_what_the_last_apply_loaded() -> None:
    campaign = SourceCampaign(
        id="survey",
        index=0,
        line=1,
        column=1,
        revision=1,
        label="s",
        spec_hash="x",
        decl_hash="y",
        opt_out_digits="9",
    )
    other = campaign.model_copy(update={"id": "plain", "opt_out_digits": None})
    state = State(
        lineage="l",
        workspace="w",
        endpoint="e",
        sources={"c.yaml": SourceRecord(key="k", campaigns=[campaign, other])},
    )
    assert opt_out_keys(state) == {"survey": "9"}


def test_opt_outs_suppress_like_a_list_entry() -> None:
    optout = OptOut(
        campaign="survey", submission_name="Survey-abc", tones="9", at="2027-03-01T10:00:00Z"
    )
    [entry] = suppressed_by_opt_outs({"+306912300000": optout}).values()
    assert entry.where == "opt-out by DTMF in survey"
    assert (entry.reason, entry.since) == ("pressed 9", "2027-03-01")


def test_a_state_without_opt_outs_is_written_as_before() -> None:
    state = State(lineage="l", workspace="w", endpoint="e")
    assert "optOuts" not in state.model_dump(by_alias=True)
