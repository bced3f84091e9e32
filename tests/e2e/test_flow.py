"""The whole review flow, as the workflows run it, in temporary git repositories and a sandbox.

A developer clone branches, declares campaigns and gets the plan comment's body; the branch is
merged (the merge commit carries a guard trailer) and pushed to a bare "origin"; a runner clone
does what .github/workflows/apply.yml does: pull --ff-only, apply in CI mode, commit the state with
the message `campaigns log --uncommitted` writes, push. Then `campaigns log` shows the state
commit, a second apply is a no-op, and a pull request editing a sent campaign gets a failing plan
that says what to do.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.sandbox.server import RunningSandbox
from tests.e2e.project import OPEN_POLICY

pytestmark = pytest.mark.slow

MARKER = "<!-- routee-campaigns-plan -->"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.com",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
CONFIG = OPEN_POLICY + "[workspaces.e2e]\nmax_sends = 1\n"
NOW_CAMPAIGN = """\
id: outage-now
campaignName: Outage now
from: "+306900000000"
to: ["+306912345678", "+306912345679"]
message: {text: "Service is restored.", language: en-GB}
respectQuietHours: true
"""
LATER_CAMPAIGN = """\
id: reminder-later
campaignName: Reminder later
from: "+306900000000"
to: ["+306912345670"]
message: {text: "Your appointment is on Monday.", language: en-GB}
scheduledDate: "2031-03-01T09:00:00.000Z"
respectQuietHours: true
"""


def git(cwd: Path, *args: str, author: str = "Dev") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, f"git {args}: {done.stderr}"
    return done.stdout


class Flow:
    """One origin, a developer clone and a CI runner clone, all bound to one sandbox."""

    def __init__(self, tmp: Path, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self.origin = tmp / "origin.git"
        self.dev = tmp / "dev"
        self.runner = tmp / "runner"
        self.env = {
            "ROUTEE_API_URL": sandbox.base_url,
            "ROUTEE_AUTH_URL": sandbox.base_url,
            "ROUTEE_APPLICATION_ID": "sandbox",
            "ROUTEE_APPLICATION_SECRET": "sandbox",
            "CAMPAIGNS_WORKSPACE": "e2e",
            "CI": "",
        }
        git(tmp, "init", "-q", "--bare", "-b", "main", str(self.origin))
        git(tmp, "clone", "-q", str(self.origin), str(self.dev))

    def campaigns(
        self, cwd: Path, *args: str, ci: bool = False, extra: dict[str, str] | None = None
    ) -> Result:
        env = {**self.env, "CI": "true" if ci else "", **(extra or {})}
        return CliRunner().invoke(cli, [*args, "--dir", str(cwd)], env=env)

    def write(self, relpath: str, text: str) -> None:
        path = self.dev / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, message: str, *paths: str) -> None:
        git(self.dev, "add", *paths)
        git(self.dev, "commit", "-q", "-m", message)

    def apply_like_the_workflow(self, before_push: Callable[[], None] | None = None) -> Result:
        """The steps of apply.yml, in the runner clone; ``before_push`` runs just before the push."""
        if not self.runner.exists():
            git(self.dev.parent, "clone", "-q", str(self.origin), str(self.runner))
        git(self.runner, "pull", "-q", "--ff-only", "origin", "main")
        applied = self.campaigns(self.runner, "apply", "--auto-approve", ci=True)
        git(
            self.runner,
            "add",
            "--all",
            "--",
            "state",
            ":(exclude)state/*.lock",
            ":(exclude)state/.*",
        )
        changed = subprocess.run(
            ["git", "diff", "--cached", "--quiet"], cwd=self.runner, timeout=30, check=False
        )
        if changed.returncode != 0:
            outcome = "success" if applied.exit_code == 0 else "failure"  # steps.apply.outcome
            message = self.campaigns(
                self.runner,
                "log",
                "--uncommitted",
                "--format",
                "commit-message",
                extra={"CAMPAIGNS_APPLY_OUTCOME": outcome},
            )
            assert message.exit_code == 0, message.output
            (self.runner.parent / "message.txt").write_text(message.stdout + "\n[skip ci]\n")
            git(self.runner, "commit", "-q", "--file", str(self.runner.parent / "message.txt"),
                author="routee-campaigns[bot]")  # fmt: skip
            if before_push is not None:
                before_push()
            self.push_with_retries()
        return applied

    def push_with_retries(self) -> None:
        """apply.yml's loop: push; if refused, pull --rebase and push again (bounded)."""
        for _ in range(5):
            pushed = subprocess.run(
                ["git", "push", "-q", "origin", "HEAD:main"],
                cwd=self.runner, capture_output=True, timeout=30, check=False,
            )  # fmt: skip
            if pushed.returncode == 0:
                return
            git(self.runner, "pull", "-q", "--rebase", "origin", "main")
        raise AssertionError("the state commit was never pushed")

    def merge(self, branch: str, message: str) -> None:
        """Merge ``branch`` into main in the developer clone and push it."""
        git(self.dev, "checkout", "-q", "main")
        git(self.dev, "pull", "-q", "--ff-only", "origin", "main")
        git(self.dev, "merge", "-q", "--no-ff", branch, "-m", message)
        git(self.dev, "push", "-q", "origin", "main")

    def sandbox_campaigns(self) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.sandbox.base_url}/_sandbox/campaigns", timeout=10)
        answer.raise_for_status()
        data = answer.json()
        assert isinstance(data, list)
        return data


def test_review_merge_apply_log_and_a_refused_edit(tmp_path: Path, sandbox: RunningSandbox) -> None:
    flow = Flow(tmp_path, sandbox)

    # The workspace is created once and its state committed (docs/getting-started.md).
    flow.write("campaigns.toml", CONFIG)
    init = flow.campaigns(flow.dev, "init")
    assert init.exit_code == 0, init.output
    flow.commit("Create campaigns workspace e2e", "campaigns.toml", "state/e2e.json")
    git(flow.dev, "push", "-q", "origin", "main")

    # A branch adds two declarations, then changes one: the plan comment shows both sends.
    git(flow.dev, "checkout", "-q", "-b", "spring")
    flow.write("campaigns/outage.yaml", NOW_CAMPAIGN)
    flow.write("campaigns/reminder.yaml", LATER_CAMPAIGN.replace("Monday", "Sunday"))
    flow.commit("Declare the outage and reminder campaigns", "campaigns")
    flow.write("campaigns/reminder.yaml", LATER_CAMPAIGN)
    flow.commit("Reminder: Monday, not Sunday", "campaigns")
    assert flow.campaigns(flow.dev, "validate").exit_code == 0
    plan = flow.campaigns(
        flow.dev, "plan", "--format", "markdown", "--out", str(flow.dev / "plan.json")
    )
    assert plan.exit_code == 0, plan.output
    assert plan.stdout.splitlines()[0] == MARKER
    assert "outage-now" in plan.output
    assert "reminder-later" in plan.output
    assert "+306912345678" not in plan.stdout  # numbers are masked in a comment
    saved = json.loads((flow.dev / "plan.json").read_text())
    assert sorted(a["id"] for a in saved["actions"] if a["action"] == "send") == [
        "outage-now",
        "reminder-later",
    ]

    # Merged with the trailer that lets two sends past a max_sends of 1.
    git(flow.dev, "checkout", "-q", "main")
    merge_message = "Merge spring campaigns\n\nCampaigns-Allow-Sends: 2\n"
    git(flow.dev, "merge", "-q", "--no-ff", "spring", "-m", merge_message)
    git(flow.dev, "push", "-q", "origin", "main")

    applied = flow.apply_like_the_workflow()
    assert applied.exit_code == 0, applied.output
    accepted = flow.sandbox_campaigns()
    assert sorted(c["campaignName"] for c in accepted if not c["cancelled"]) == sorted(
        c["campaignName"] for c in accepted
    )
    assert len(accepted) == 2

    # The state commit is on origin, by the bot, naming what was sent.
    git(flow.dev, "pull", "-q", "--ff-only", "origin", "main")
    head = git(flow.dev, "log", "-1", "--format=%an%n%h%n%B")
    author, short, subject, *body = head.splitlines()
    assert author == "routee-campaigns[bot]"
    assert subject == "campaigns apply (e2e): 2 sent"
    assert any(line.startswith("outage-now: send #1 ") for line in body)
    assert "[skip ci]" in body
    merge = git(flow.dev, "rev-parse", "HEAD~1").strip()
    assert f"Campaigns-Applied: {merge}" in body  # bounds the next run's guard trailers

    # `campaigns log` shows both submissions, recorded by that commit, with their trackingIds.
    log = flow.campaigns(flow.dev, "log", "--format", "json")
    assert log.exit_code == 0, log.output
    events = json.loads(log.stdout)["events"]
    assert [(e["campaignId"], e["kind"], e["commit"]) for e in events] == [
        ("outage-now", "send", short),
        ("reminder-later", "send", short),
    ]
    tracking = {c["trackingId"] for c in accepted}
    assert {e["trackingId"] for e in events} == tracking
    text = flow.campaigns(flow.dev, "log", "outage-now")
    assert f"commit {short} by routee-campaigns[bot]" in text.output

    # A second apply on the same commit sends nothing and changes nothing.
    again = flow.apply_like_the_workflow()
    assert again.exit_code == 0, again.output
    assert len(flow.sandbox_campaigns()) == 2
    assert git(flow.runner, "rev-parse", "--short", "HEAD").strip() == short

    # A pull request editing the sent campaign gets a failing plan that says what to do.
    git(flow.dev, "checkout", "-q", "-b", "edit-sent")
    flow.write("campaigns/outage.yaml", NOW_CAMPAIGN.replace("restored", "back"))
    flow.commit("Reword the outage message", "campaigns")
    refused = flow.campaigns(
        flow.dev, "plan", "--format", "markdown", "--out", str(flow.dev / "plan.json")
    )
    assert refused.exit_code == 1, refused.output
    assert refused.stdout.splitlines()[0] == MARKER  # the comment still shows why
    assert "outage-now" in refused.stdout
    assert "revert the change" in refused.stdout
    assert "revision to 2" in refused.stdout


def test_a_guard_trailer_survives_a_state_commit_rebased_on_top_of_it(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    """Run 1 applies merge A; merge B (two sends, with its trailer) lands before run 1 pushes, so
    run 1's state commit is rebased on top of B. Run 2 then starts at that state commit: B's
    trailer must still count, and A's sends must not be repeated."""
    flow = Flow(tmp_path, sandbox)
    flow.write("campaigns.toml", CONFIG)
    assert flow.campaigns(flow.dev, "init").exit_code == 0
    flow.commit("Create campaigns workspace e2e", "campaigns.toml", "state/e2e.json")
    git(flow.dev, "push", "-q", "origin", "main")

    git(flow.dev, "checkout", "-q", "-b", "a")
    flow.write("campaigns/a.yaml", LATER_CAMPAIGN)
    flow.commit("Declare A", "campaigns")
    flow.merge("a", "Merge A")

    def merge_b() -> None:
        git(flow.dev, "checkout", "-q", "-b", "b")
        for n in (1, 2):
            text = LATER_CAMPAIGN.replace("reminder-later", f"b{n}").replace("Monday", f"day {n}")
            flow.write(f"campaigns/b{n}.yaml", text)
        flow.commit("Declare B1 and B2", "campaigns")
        flow.merge("b", "Merge B\n\nCampaigns-Allow-Sends: 2\n")

    first = flow.apply_like_the_workflow(before_push=merge_b)
    assert first.exit_code == 0, first.output
    assert len(flow.sandbox_campaigns()) == 1
    head = git(flow.runner, "log", "-1", "--format=%an %s").strip()
    assert head == "routee-campaigns[bot] campaigns apply (e2e): 1 sent"  # on top of Merge B

    second = flow.apply_like_the_workflow()
    assert second.exit_code == 0, second.output
    assert len(flow.sandbox_campaigns()) == 3
    subject = git(flow.runner, "log", "-1", "--format=%s").strip()
    assert subject == "campaigns apply (e2e): 2 sent"


def test_a_failed_ci_apply_commits_nothing_and_the_trailer_stays_in_force(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    """Issue 12 item 5, reproduced: a merge with `Campaigns-Allow-Sends` whose apply fails on a
    wrong secret bumped the serial and committed "State updated without new submissions" with
    `Campaigns-Applied`, so the rerun with the right secret exited 4. Now the state file stays
    byte-identical, nothing is committed, and the rerun sends under the same trailer."""
    flow = Flow(tmp_path, sandbox)
    flow.write("campaigns.toml", CONFIG)  # max_sends = 1
    assert flow.campaigns(flow.dev, "init").exit_code == 0
    flow.commit("Create campaigns workspace e2e", "campaigns.toml", "state/e2e.json")
    git(flow.dev, "push", "-q", "origin", "main")
    git(flow.dev, "checkout", "-q", "-b", "two")
    flow.write("campaigns/now.yaml", NOW_CAMPAIGN)
    flow.write("campaigns/later.yaml", LATER_CAMPAIGN)
    flow.commit("Declare two campaigns", "campaigns")
    flow.merge("two", "Merge two campaigns\n\nCampaigns-Allow-Sends: 2\n")

    flow.env["ROUTEE_APPLICATION_SECRET"] = "not-the-secret"
    failed = flow.apply_like_the_workflow()
    assert failed.exit_code == 1, failed.output
    assert failed.output.count("refused the application credentials") == 1
    state = (flow.runner / "state" / "e2e.json").read_bytes()
    assert state == (flow.dev / "state" / "e2e.json").read_bytes()  # byte-identical
    assert git(flow.runner, "status", "--porcelain").strip() == ""
    assert git(flow.runner, "log", "-1", "--format=%s").strip() == "Merge two campaigns"
    assert flow.sandbox_campaigns() == []

    flow.env["ROUTEE_APPLICATION_SECRET"] = "sandbox"
    fixed = flow.apply_like_the_workflow()
    assert fixed.exit_code == 0, fixed.output  # the trailer still counts: not exit 4
    assert len(flow.sandbox_campaigns()) == 2
    subject = git(flow.runner, "log", "-1", "--format=%s").strip()
    assert subject == "campaigns apply (e2e): 2 sent"
