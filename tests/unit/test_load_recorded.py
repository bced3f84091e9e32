"""Files unchanged since the last apply come from the state; any change is parsed, same result."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.canonical import digest
from reconciler.load import LoadResult, load_project
from reconciler.load.cache import DISABLE_ENV
from reconciler.load.source import SourceFile, parse_yaml
from reconciler.models.journal import (
    Forget,
    JournalHeader,
    JournalRecord,
    Outcome,
    OutcomeKind,
    Sources,
    SubmitIntent,
)
from reconciler.models.state import CancelReason, State, SubmissionStatus
from reconciler.state.fold import fold
from tests.unit.project_files import config, write

DEFAULTS = 'from: "+306900000000"\nmessage: {language: en-GB}\n'
PROMO = """\
id: promo
campaignName: Spring promo
to: ["+306910000002"]
toFile: r.csv
message: {text: Hello}
scheduledDate: "2027-03-01T09:00:00+02:00"
"""
PAIR = """\
id: first
to: ["+306910000010", "+306910000011"]
message: {text: One, gender: female}
---
# the second document
id: second
revision: 2
cancel: true
to: ["+306910000012"]
message: {text: Two}
"""
CSV = "number\n+306910000003\n"
AT = "2026-11-27T00:00:00Z"


def snapshot(result: LoadResult) -> list[object]:
    """Campaigns (request compared as data) and findings; what the diff and the user see."""
    campaigns = [vars(c) | {"source": str(c.source)} for c in result.campaigns]
    return [campaigns, [str(f) for f in result.findings]]


def empty_state() -> State:
    return State(lineage="lineage-1", workspace="default", endpoint="https://api.example")


def applied(state: State, loaded: LoadResult) -> State:
    """What apply's journal folds to: its sources record, then one accepted send per campaign."""
    records: list[JournalRecord] = [
        JournalHeader(lineage=state.lineage, base_serial=state.serial, started_at=AT),
        Sources(sources=loaded.sources, at=AT),
    ]
    for number, campaign in enumerate(loaded.campaigns):
        seq = (state.campaigns[campaign.id].next_seq) if campaign.id in state.campaigns else 1
        key = f"k{number}"
        records.append(
            SubmitIntent(
                key=key,
                id=campaign.id,
                seq=seq,
                revision=campaign.revision,
                submission_name=f"{campaign.id}-{seq}",
                spec_hash=campaign.spec_hash,
                decl_hash=campaign.decl_hash,
                request=campaign.request,
                source=campaign.source.path,
                at=AT,
            )
        )
        records.append(Outcome(key=key, outcome=OutcomeKind.ACCEPTED, tracking_id=key, at=AT))
    return fold(state, records).state


class Parses:
    """Counts the files ``load_project`` parses (a file taken from the state is not parsed)."""

    def __init__(self) -> None:
        self.files: list[str] = []

    def __call__(self, source: SourceFile, text: str) -> SourceFile:
        self.files.append(source.rel)
        return parse_yaml(source, text)


@pytest.fixture(autouse=True)
def no_parse_cache() -> Iterator[None]:
    with mock.patch.dict(os.environ, {DISABLE_ENV: "1"}):
        yield


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Parses:
    counter = Parses()
    monkeypatch.setattr("reconciler.load.project.parse_yaml", counter)
    return counter


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(
        tmp_path, {"defaults.yaml": DEFAULTS, "promo.yaml": PROMO, "pair.yaml": PAIR, "r.csv": CSV}
    )
    return tmp_path


@pytest.fixture
def state(root: Path) -> State:
    loaded = load_project(config(root))
    assert loaded.findings == [] and len(loaded.campaigns) == 3
    return applied(empty_state(), loaded)


def both(
    root: Path, state: State, languages: list[str] | None = None
) -> tuple[LoadResult, LoadResult]:
    return load_project(config(root, languages), state), load_project(config(root, languages))


def test_unchanged_applied_files_are_not_parsed_and_load_the_same(
    root: Path, state: State, parses: Parses
) -> None:
    fast = load_project(config(root), state)
    assert parses.files == []
    slow = load_project(config(root))
    assert parses.files == ["campaigns/pair.yaml", "campaigns/promo.yaml"]
    assert snapshot(fast) == snapshot(slow)
    assert fast.sources == slow.sources == state.sources


def test_the_record_holds_no_requests_and_every_campaign_field(state: State) -> None:
    record = state.sources["campaigns/pair.yaml"]
    dumped = record.model_dump(by_alias=True)
    assert "request" not in json.dumps(dumped)
    second = dumped["campaigns"][1]
    assert second | {"specHash": "", "declHash": ""} == {
        "id": "second",
        "index": 1,
        "line": 4,
        "column": 1,
        "revision": 2,
        "cancel": True,
        "label": "second",
        "specHash": "",
        "declHash": "",
    }
    assert state.sources["campaigns/promo.yaml"].to_files[0].rel == "campaigns/r.csv"


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        (
            "same size, other bytes",
            lambda r: write(r, {"promo.yaml": PROMO.replace("Hello", "Hallo")}),
        ),
        ("comment only", lambda r: write(r, {"promo.yaml": PROMO + "# note\n"})),
        (
            "defaults.yaml",
            lambda r: write(r, {"defaults.yaml": DEFAULTS.replace("en-GB", "en-US")}),
        ),
        ("toFile, same size", lambda r: write(r, {"r.csv": CSV.replace("03", "04")})),
    ],
)
def test_any_edit_is_parsed_and_matches_a_full_parse(
    root: Path, state: State, parses: Parses, name: str, edit: object
) -> None:
    edit(root)  # type: ignore[operator]
    fast, slow = both(root, state)
    assert "campaigns/promo.yaml" in parses.files[: len(parses.files) // 2], name
    assert snapshot(fast) == snapshot(slow)


def test_edited_defaults_reach_every_file(root: Path, state: State, parses: Parses) -> None:
    write(root, {"defaults.yaml": DEFAULTS + "respectQuietHours: true\n"})
    fast, slow = both(root, state)
    assert sorted(parses.files) == sorted(2 * ["campaigns/pair.yaml", "campaigns/promo.yaml"])
    assert snapshot(fast) == snapshot(slow)
    assert all(c.request["respectQuietHours"] is True for c in fast.campaigns)


def test_changed_languages_config_is_parsed(root: Path, state: State, parses: Parses) -> None:
    fast, slow = both(root, state, ["cs-CZ"])
    assert len(parses.files) == 4
    assert snapshot(fast) == snapshot(slow)


def sent_elsewhere(state: State, campaign_id: str) -> State:
    """A later submission of ``campaign_id`` with another request (a resend or replace made from
    another checkout, or an import): the file's record still matches, its last submission not."""
    record = state.campaigns[campaign_id]
    last = record.submissions[-1]
    request = last.request | {"message": {"text": "Sent from elsewhere", "language": "en-GB"}}
    later = last.model_copy(
        update={"seq": last.seq + 1, "request": request, "spec_hash": digest(request)}
    )
    changed = record.model_copy(update={"submissions": [*record.submissions, later]})
    return state.model_copy(update={"campaigns": state.campaigns | {campaign_id: changed}})


def test_a_campaign_whose_last_submission_differs_is_parsed(
    root: Path, state: State, parses: Parses
) -> None:
    fast, slow = both(root, sent_elsewhere(state, "second"))
    assert parses.files == ["campaigns/pair.yaml", "campaigns/pair.yaml", "campaigns/promo.yaml"]
    assert snapshot(fast) == snapshot(slow)
    resent = applied(state, load_project(config(root)))  # the same spec sent again: still taken
    parses.files.clear()
    assert snapshot(load_project(config(root), resent)) == snapshot(slow)
    assert parses.files == []


def test_a_campaign_never_sent_or_cancelled_by_a_replace_is_parsed(
    root: Path, state: State, parses: Parses
) -> None:
    unsent = state.model_copy(
        update={"campaigns": {k: v for k, v in state.campaigns.items() if k != "promo"}}
    )
    record = state.campaigns["first"]
    cancelled = record.model_copy(
        update={
            "submissions": [
                record.submissions[0].model_copy(
                    update={
                        "status": SubmissionStatus.CANCELLED,
                        "cancel_reason": CancelReason.REPLACE,
                    }
                )
            ]
        }
    )
    replaced = state.model_copy(update={"campaigns": state.campaigns | {"first": cancelled}})
    for changed, parsed in ((unsent, "campaigns/promo.yaml"), (replaced, "campaigns/pair.yaml")):
        parses.files.clear()
        fast, slow = both(root, changed)
        assert parses.files == [parsed, "campaigns/pair.yaml", "campaigns/promo.yaml"]
        assert snapshot(fast) == snapshot(slow)


def test_a_hand_edited_request_is_not_trusted(root: Path, state: State, parses: Parses) -> None:
    last = state.campaigns["promo"].submissions[0]
    edited = last.model_copy(update={"request": last.request | {"respectQuietHours": False}})
    record = state.campaigns["promo"].model_copy(update={"submissions": [edited]})
    tampered = state.model_copy(update={"campaigns": state.campaigns | {"promo": record}})
    fast, slow = both(root, tampered)
    assert parses.files[0] == "campaigns/promo.yaml"
    assert snapshot(fast) == snapshot(slow)


def test_a_moved_file_is_parsed_under_its_new_path(
    root: Path, state: State, parses: Parses
) -> None:
    (root / "campaigns" / "archive").mkdir()
    shutil.move(root / "campaigns" / "pair.yaml", root / "campaigns" / "archive" / "pair.yaml")
    fast, slow = both(root, state)
    assert parses.files[0] == "campaigns/archive/pair.yaml"
    assert snapshot(fast) == snapshot(slow)
    assert {c.source.path for c in fast.campaigns} == {
        "campaigns/archive/pair.yaml",
        "campaigns/promo.yaml",
    }


def test_a_duplicate_id_in_a_new_file_is_found_in_the_unparsed_one_too(
    root: Path, state: State
) -> None:
    write(root, {"copy.yaml": PROMO.replace("Spring", "Summer")})
    fast, slow = both(root, state)
    assert snapshot(fast) == snapshot(slow)
    assert [str(f) for f in fast.findings] == [
        "campaigns/copy.yaml:1:5: id: duplicate id 'promo' (also at campaigns/promo.yaml:1:5)",
        "campaigns/promo.yaml:1:5: id: duplicate id 'promo' (also at campaigns/copy.yaml:1:5)",
    ]


def test_a_missing_csv_is_reported_exactly_as_without_the_state(root: Path, state: State) -> None:
    (root / "campaigns" / "r.csv").unlink()
    fast, slow = both(root, state)
    assert fast.findings and snapshot(fast) == snapshot(slow)
    assert "campaigns/promo.yaml" not in fast.sources


def test_the_parse_cache_and_the_state_agree(root: Path, state: State, parses: Parses) -> None:
    with mock.patch.dict(os.environ, {DISABLE_ENV: ""}):
        write(root, {"promo.yaml": PROMO + "# edited\n"})
        load_project(config(root))  # fills the cache with the edited promo
        parses.files.clear()
        fast = load_project(config(root), state)
    assert parses.files == []  # pair from the state, promo from the cache
    assert snapshot(fast) == snapshot(load_project(config(root)))


def test_fold_replaces_sources_whole_and_other_records_keep_them(root: Path, state: State) -> None:
    (root / "campaigns" / "pair.yaml").unlink()
    loaded = load_project(config(root), state)
    header = JournalHeader(lineage=state.lineage, base_serial=state.serial, started_at=AT)
    folded = fold(state, [header, Sources(sources=loaded.sources, at=AT)]).state
    assert sorted(folded.sources) == ["campaigns/promo.yaml"]
    header = JournalHeader(lineage=state.lineage, base_serial=folded.serial, started_at=AT)
    forgot = fold(folded, [header, Forget(id="first", at=AT)]).state
    assert forgot.sources == folded.sources


# -- equivalence: any project, any applied subset, any later edit: the state changes nothing

IDS = ["a", "b", "c", "d"]
FROM = 'from: "+306900000000"\n'


@st.composite
def documents(draw: st.DrawFn) -> str:
    numbers = draw(st.lists(st.integers(0, 5), min_size=1, max_size=3))
    lines = [
        f"id: {draw(st.sampled_from(IDS))}",
        f"revision: {draw(st.integers(1, 2))}",
        "to: [" + ", ".join(f'"+30691000001{n}"' for n in numbers) + "]",
        f"message: {{text: {draw(st.sampled_from(['Hi', 'Hello', 'Bye']))}}}",
    ]
    lines += ["toFile: r.csv"] if draw(st.booleans()) else []
    lines += ["cancel: true"] if draw(st.booleans()) else []
    return "\n".join(lines) + "\n"


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    """1-4 files of 1-2 documents (ids may repeat: duplicates), a CSV, maybe defaults."""
    files = {
        f"f{index}.yaml": "---\n".join(draw(st.lists(documents(), min_size=1, max_size=2)))
        for index in range(draw(st.integers(1, 4)))
    }
    files["r.csv"] = f"number\n+30691000002{draw(st.integers(0, 3))}\n"
    files["defaults.yaml"] = FROM + "message: {language: en-GB}\n"
    return files


Edit = tuple[str, int]
EDITS = ["rewrite", "comment", "defaults", "csv", "move", "delete", "languages", "resend", "other"]


def _edit(root: Path, edit: Edit, state: State, languages: list[str]) -> tuple[State, list[str]]:
    """One change after the apply; returns the state and languages to load with."""
    kind, index = edit
    files = sorted((root / "campaigns").glob("f*.yaml"))
    path = files[index % len(files)] if files else None
    if kind == "defaults":
        write(root, {"defaults.yaml": FROM + "message: {language: en-US}\n"})
    elif kind == "csv":
        write(root, {"r.csv": "number\n+306910000029\n"})
    elif kind == "languages":
        languages = ["cs-CZ"]
    elif kind == "resend":
        state = applied(state, load_project(config(root)))
    elif kind == "other" and state.campaigns:
        state = sent_elsewhere(state, sorted(state.campaigns)[index % len(state.campaigns)])
    elif path is not None and kind == "rewrite":
        path.write_text(path.read_text().replace("Hi", "Yo").replace("Bye", "Ok"))
    elif path is not None and kind == "comment":
        path.write_text(path.read_text() + "# reviewed\n")
    elif path is not None and kind == "move":
        path.rename(path.with_name("moved-" + path.name))
    elif path is not None:
        path.unlink()
    return state, languages


@given(
    project=projects(),
    sent=st.sets(st.sampled_from(IDS)),
    edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 3)), max_size=3),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_loading_with_the_state_equals_loading_without(
    project: dict[str, str], sent: set[str], edits: list[Edit]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, project)
        loaded = load_project(config(root))
        loaded.campaigns = [c for c in loaded.campaigns if c.id in sent]
        state = applied(empty_state(), loaded)
        languages: list[str] = []
        for edit in edits:
            state, languages = _edit(root, edit, state, languages)
        fast, slow = both(root, state, languages)
        assert snapshot(fast) == snapshot(slow)
        assert fast.sources == slow.sources


def test_estimated_seconds_survives_the_recorded_path() -> None:
    from reconciler.load.keys import Placed
    from reconciler.load.recorded import _source_campaign
    from reconciler.models.campaign import Campaign, SourceRef

    campaign = Campaign(
        "notice", 1, False, "notice", {}, "sha256:s", "sha256:d", SourceRef("c/a.yaml", 1, 1), 75
    )
    recorded = _source_campaign(Placed(campaign, 0))
    assert recorded.model_dump(by_alias=True)["estimatedSeconds"] == 75
    assert "estimatedSeconds" not in _source_campaign(
        Placed(Campaign("x", 1, False, "x", {}, "s", "d", SourceRef("a", 1, 1)), 0)
    ).model_dump(by_alias=True)


def test_numbers_put_back_where_suppression_took_them_out() -> None:
    from reconciler.load.recorded import _declared

    submitted = {"from": "+306900000000", "to": ["+306912300000", "+306912300003"]}
    dropped = [(4, "+306912300004"), (1, "+306912300001"), (2, "+306912300002")]
    assert _declared(submitted, dropped)["to"] == [f"+30691230000{i}" for i in range(5)]
    assert _declared(submitted, []) is submitted
