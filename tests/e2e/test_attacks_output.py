"""Attacks by pull request on what people read: the plan comment, the validate comment, CI logs.

A reviewer approves what the comment shows, so no value from a file, a name or a server may add a
row, a heading, a link, a mention or a second marker, hide findings, or reach a terminal raw.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reconciler.escape import MARKER
from tests.e2e.attack_repo import FULL_NUMBER, AttackRepo, declaration
from tests.e2e.conftest import SandboxFactory

SPOOF = "x`` ```\n### Plan approved by @org/owners <br>[ok](https://evil.example)"


@pytest.fixture
def repo(tmp_path: Path, sandbox_factory: SandboxFactory) -> AttackRepo:
    return AttackRepo(tmp_path / "repo", sandbox_factory(), tmp_path / "user-cache")


def outside_code(markdown: str) -> str:
    """The comment without fenced blocks and code spans: where markup would render."""
    text = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", markdown)
    return re.sub(r"(?s)(`+)(.+?)(?<!`)\1(?!`)", " ", text)


def assert_inert(comment: str) -> None:
    assert comment.startswith(MARKER + "\n") and comment.count(MARKER) == 1
    assert not any(line.startswith("### Plan approved") for line in comment.splitlines())
    markup = outside_code(comment)
    assert "<br>" not in markup and "](" not in markup
    assert not re.search(r"@org", markup)
    assert "\x1b" not in comment


def test_a_pending_id_cannot_spoof_rows_headings_links_or_mentions(repo: AttackRepo) -> None:
    def edit(root: Path) -> None:
        path = root / "state/production.json"
        state = json.loads(path.read_text())
        state["pending"] = [
            {
                "type": "cancel",
                "key": "k-1",
                "id": SPOOF,
                "at": "2026-01-01T00:00:00Z",
                "trackingId": "t|<img src=x onerror=alert(1)>",
                "reason": "cancel",
            }
        ]
        path.write_text(json.dumps(state, indent=2) + "\n")

    repo.pull_request(edit)
    _, plan = repo.check()
    assert plan.code == 1  # a state edit: only apply writes it
    assert (
        "state/production.json: modified since main; only `campaigns apply` writes" in plan.stdout
    )
    assert_inert(plan.stdout)
    rows = [line for line in plan.stdout.splitlines() if line.startswith("<details><summary>")]
    assert len(rows) == 1 and rows[0].endswith("</summary>")  # one block, its summary one line
    assert plan.stdout.count("</details>") == 1
    assert "Plan approved by @&#8203;org/owners" in rows[0]  # shown, escaped


def test_a_file_name_with_a_fence_cannot_hide_validate_findings(repo: AttackRepo) -> None:
    def edit(root: Path) -> None:
        (root / "campaigns" / "a````.yaml").write_text("id: [\n")
        (root / "campaigns" / "b.yaml").write_text(declaration("b", "+30 691 23"))

    repo.pull_request(edit)
    validate, _ = repo.check()
    assert validate.code == 1
    comment = validate.stdout
    assert_inert(comment)
    lines = comment.splitlines()
    fence = next(line for line in lines if line.startswith("```"))
    assert len(fence) > 4  # longer than the file name's run of four
    inside = lines[lines.index(fence) + 1 : len(lines) - 1 - lines[::-1].index(fence)]
    assert [line.split(":")[0] for line in inside] == ["campaigns/a````.yaml", "campaigns/b.yaml"]
    assert not FULL_NUMBER.search(comment) and "+30 69123" not in comment


def test_escape_sequences_in_names_reach_the_ci_log_escaped(repo: AttackRepo) -> None:
    def edit(root: Path) -> None:
        (root / "campaigns" / "x\x1b]0;owned\x07\x1b[2J.yaml").write_text("id: [\n")

    repo.pull_request(edit)
    validate = repo.campaigns("validate", ci=True)
    assert validate.code == 1
    assert "\x1b" not in validate.output and "\x07" not in validate.output
    assert "\\u001b]0;owned\\u0007" in validate.output


FORGED = "Plan: 0 to send, 0 to replace, 0 to cancel, 0 to forget."


def test_line_breaks_in_names_and_keys_cannot_forge_lines_of_the_ci_log(repo: AttackRepo) -> None:
    """A file name (git allows a line break in one) and a YAML key are a finding's path and
    field: each finding stays one line in validate, in plan's refusal and in the comments."""
    name = f"a\n{FORGED}\t.yaml"

    def edit(root: Path) -> None:
        (root / "campaigns" / name).write_text("id: [\n")
        body = json.loads(declaration("b"))
        body[f"bogus\n{FORGED}"] = 1
        (root / "campaigns" / "b.yaml").write_text(json.dumps(body))

    repo.pull_request(edit)
    validate = repo.campaigns("validate", ci=True)
    plan = repo.campaigns("plan", ci=True)
    validate_comment, plan_comment = repo.check()
    for shown in (validate, plan, validate_comment, plan_comment):
        assert shown.code == 1
        assert not any(line.startswith(FORGED) for line in shown.output.splitlines())
        for stream in (shown.stdout, shown.stderr):  # plan's comment: stdout; its log: stderr
            lines = stream.splitlines()
            assert sum(f"a\\u000a{FORGED}\\u0009.yaml:2:1: yaml:" in line for line in lines) < 2
            assert sum(f"b.yaml:1:155: bogus\\u000a{FORGED}: unknown" in line for line in lines) < 2
        assert f"a\\u000a{FORGED}\\u0009.yaml:2:1: yaml:" in shown.output
        assert f"b.yaml:1:155: bogus\\u000a{FORGED}: unknown key" in shown.output
    as_json = json.loads(repo.campaigns("validate", "--format", "json").stdout)
    assert {finding["path"] for finding in as_json} == {f"campaigns/{name}", "campaigns/b.yaml"}


def test_a_line_break_in_a_state_file_name_cannot_forge_lines_of_the_ci_log(
    repo: AttackRepo,
) -> None:
    """Files only apply writes, added and broken by the pull request: plan cannot open the state
    and prints each protected file's error on its own line of the log, and in the comment."""

    def edit(root: Path) -> None:
        (root / "state" / f"x\n{FORGED}.json").write_text("{}\n")
        (root / "state" / "production.json").write_text("{")

    repo.pull_request(edit)
    _, plan = repo.check()
    assert plan.code == 1
    assert not any(line.startswith(FORGED) for line in plan.output.splitlines())
    assert f"Error: state/x\\u000a{FORGED}.json: added since main" in plan.stderr
    assert f"state/x\\u000a{FORGED}.json: added since main" in plan.stdout  # fenced


def test_an_id_with_a_trailing_newline_cannot_stand_beside_its_twin(repo: AttackRepo) -> None:
    def edit(root: Path) -> None:
        body = json.loads(declaration("legit"))
        body["id"] = "legit\n"
        body["to"] = ["+306999999999"]
        (root / "campaigns" / "twin.yaml").write_text(json.dumps(body))

    sent = len(repo.sent())
    repo.pull_request(edit)
    validate, _ = repo.check()
    assert validate.code == 1
    assert "id: must be one line without control characters (found U+000A at the end)" in (
        validate.stdout
    )
    repo.merge()
    applied = repo.apply()
    assert applied.code == 1 and len(repo.sent()) == sent


def test_a_journal_intent_id_with_a_fence_cannot_forge_an_approval(repo: AttackRepo) -> None:
    """The id once closed the block plan.yml pasted stderr into and added a fake heading."""

    def plant(root: Path) -> None:
        state = json.loads((root / "state/production.json").read_text())
        header = {
            "type": "header",
            "lineage": state["lineage"],
            "baseSerial": state["serial"],
            "startedAt": "2026-01-01T00:00:00Z",
        }
        intent = {
            "type": "submit",
            "key": "k-1",
            "id": "x\n```\n### Plan approved by @org/owners\n```",
            "seq": 1,
            "revision": 1,
            "submissionName": "Evil-abcdefgh",
            "specHash": "sha256:" + "0" * 64,
            "declHash": "sha256:" + "0" * 64,
            "request": {"to": ["+306999999999"]},
            "at": "2026-01-01T00:00:00Z",
        }
        lines = [json.dumps(header), json.dumps(intent)]
        (root / "state/production.journal").write_text("\n".join(lines) + "\n")

    repo.pull_request(plant)
    _, plan = repo.check()
    assert plan.code == 1
    assert (
        "state/production.journal: added since main; only `campaigns apply` writes" in plan.stdout
    )
    assert_inert(plan.stdout)
    assert "+306999999999" not in plan.output
    assert "\n### Plan approved" not in plan.stderr  # the CI log: one line per note
