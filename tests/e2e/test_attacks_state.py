"""Attacks by pull request on the state and the journal, with the apply environment's key set.

The plan job has no key: its check fails on any change under state/ (plan --base). If such a pull
request is merged anyway, apply (CAMPAIGNS_STATE_KEY set, as the production environment holds it)
refuses the state or journal before reading credentials or connecting: nothing is sent or
cancelled that no reviewed declaration asked for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.canonical import digest
from tests.e2e.attack_repo import KEY, AttackRepo, declaration
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body

PHISH = {
    "from": "+306900000000",
    "to": ["+306999999991", "+306999999992"],
    "message": {"text": "Your account is locked: call back now", "language": "en-GB"},
}


@pytest.fixture
def repo(tmp_path: Path, sandbox_factory: SandboxFactory) -> AttackRepo:
    return AttackRepo(tmp_path / "repo", sandbox_factory(), tmp_path / "user-cache", key=KEY)


def edit_state(root: Path, change: Any) -> None:
    path = root / "state/production.json"
    state = json.loads(path.read_text())
    change(state)
    path.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")


def refused(repo: AttackRepo, sent_before: int) -> None:
    """The merged pull request is applied as apply.yml does: refused, nothing sent."""
    repo.merge()
    applied = repo.apply()
    assert applied.code == 1, applied.output
    assert "changed outside apply" in applied.stderr
    assert "git log -p -- " in applied.stderr and "state/production" in applied.stderr
    assert KEY not in applied.output
    assert len(repo.sent()) == sent_before


def test_a_pending_submit_for_an_undeclared_id_is_never_sent(repo: AttackRepo) -> None:
    def add_pending(state: dict[str, Any]) -> None:
        state["pending"] = [
            {
                "type": "submit",
                "key": "k-evil",
                "id": "ghost",
                "seq": 1,
                "revision": 1,
                "submissionName": "Ghost-abcdefgh",
                "specHash": digest(PHISH),
                "declHash": digest(PHISH),
                "request": PHISH,
                "at": "2026-01-01T00:00:00Z",
            }
        ]
        state["dedupe"]["verified"] = True

    sent = len(repo.sent())
    repo.pull_request(lambda root: edit_state(root, add_pending))
    assert "? resolve ghost" in repo.campaigns("plan").stdout  # a valid edit, not a broken file
    _, plan = repo.check()
    assert plan.code == 1 and "state/production.json: modified since main" in plan.stdout
    refused(repo, sent)


def test_a_pending_cancel_of_someone_elses_campaign_is_never_sent(repo: AttackRepo) -> None:
    with bearer_client(repo.sandbox) as client:
        body = campaign_body(to=["+306912345999"])
        outside = client.post("/voice/campaign", json=body).json()["trackingId"]

    def add_cancel(state: dict[str, Any]) -> None:
        state["pending"] = [
            {
                "type": "cancel",
                "key": "k-evil",
                "id": "legit",
                "trackingId": outside,
                "reason": "cancel",
                "at": "2026-01-01T00:00:00Z",
            }
        ]

    sent = len(repo.sent())
    repo.pull_request(lambda root: edit_state(root, add_cancel))
    refused(repo, sent)
    [campaign] = [c for c in repo.sent() if c["trackingId"] == outside]
    assert not campaign["cancelled"]


def test_a_swapped_request_with_recomputed_hashes_is_refused(repo: AttackRepo) -> None:
    def swap(state: dict[str, Any]) -> None:
        submission = state["campaigns"]["legit"]["submissions"][-1]
        request = dict(submission["request"], to=["+306999999993"])
        request.pop("scheduledDate", None)
        submission["request"] = request
        submission["specHash"] = digest(request)
        for source in state.get("sources", {}).values():
            source["key"] = "sha256:" + "0" * 64

    sent = len(repo.sent())
    repo.pull_request(lambda root: edit_state(root, swap))
    refused(repo, sent)


def test_a_planted_journal_is_refused(repo: AttackRepo) -> None:
    def plant(root: Path) -> None:
        state = json.loads((root / "state/production.json").read_text())
        header = {"type": "header", "lineage": state["lineage"], "baseSerial": state["serial"]}
        (root / "state/production.journal").write_text(json.dumps(header) + "\n")

    sent = len(repo.sent())
    repo.pull_request(plant)
    repo.merge()
    applied = repo.apply()
    assert applied.code == 1
    assert "production.journal:1: this journal record's MAC is missing" in applied.stderr
    assert len(repo.sent()) == sent


def test_without_the_key_everything_works_and_plan_says_not_sealed(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    repo = AttackRepo(tmp_path / "repo", sandbox_factory(), tmp_path / "cache")
    repo.git("checkout", "-q", "-b", "more")
    (repo.root / "campaigns/more.yaml").write_text(declaration("more", text="More"))
    repo.commit("more")
    plan = repo.campaigns("plan")
    assert plan.code == 0 and "production.json: not sealed" in plan.stderr
    assert repo.apply().code == 0


def test_adopting_sealing_with_campaigns_seal(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    repo = AttackRepo(tmp_path / "repo", sandbox_factory(), tmp_path / "cache")  # no key yet
    repo.key = KEY
    first = repo.apply()
    assert (
        first.code == 1
        and "the state is not sealed, but CAMPAIGNS_STATE_KEY is set" in first.stderr
    )
    short = repo.campaigns_with(repo.env | {"CAMPAIGNS_STATE_KEY": "short"}, "seal")
    assert short.code == 1 and "at least 32 bytes" in short.stderr and "short" not in short.stdout
    sealed = repo.campaigns_with(repo.env | {"CAMPAIGNS_STATE_KEY": KEY}, "seal")
    assert sealed.code == 0, sealed.output
    assert "campaigns: 1 (1 submissions)" in sealed.stdout and KEY not in sealed.output
    assert '"seal": "hmac-sha256:' in (repo.root / "state/production.json").read_text()
    assert repo.apply().code == 0
