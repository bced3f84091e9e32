"""Helpers for apply end-to-end tests: small projects in tmp dirs, run against a sandbox.

A project uses the workspace ``e2e`` pointed at an already-running sandbox through
``ROUTEE_API_URL``/``ROUTEE_AUTH_URL`` and sandbox credentials in the environment. The CLI runs
in-process (``run``, CliRunner) or as a subprocess (``spawn``, for kill -9).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result

from reconciler.apply.canary import CANARY_TEXT
from reconciler.cli.main import cli
from reconciler.config import load_config
from reconciler.models.state import State
from reconciler.sandbox.server import RunningSandbox
from reconciler.state.store import load_state, state_path

WORKSPACE = "e2e"
#: Apply mechanics are tested at any hour with every hour open; policy tests set their own.
OPEN_POLICY = '[policy]\ncalling_window = "00:00-24:00"\ncalling_days = "mon-sun"\n'
#: A Monday, 13:00 in Athens: inside the shipped calling window (docs/policy.md).
FUTURE = "2031-06-02T10:00:00Z"
CAMPAIGNS_BIN = Path(sys.executable).parent / "campaigns"


class Project:
    def __init__(self, root: Path, sandbox: RunningSandbox, *, canary: bool = True) -> None:
        self.root = root
        self.sandbox = sandbox
        #: Variables that replace the defaults of :attr:`env` (a wrong secret, a dead endpoint).
        self.env_overrides: dict[str, str] = {}
        (root / "campaigns").mkdir(parents=True, exist_ok=True)
        self.configure(canary=canary)

    def configure(self, *, canary: bool = True, policy: str = OPEN_POLICY, **settings: Any) -> None:
        """Write campaigns.toml: the e2e workspace's ``settings`` and the ``policy`` tables."""
        lines = [f"[workspaces.{WORKSPACE}]"]
        if canary:
            lines.append('canary_to = "+306900000098"')
            lines.append('canary_from = "+306900000001"')
        lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
        (self.root / "campaigns.toml").write_text(policy + "\n".join(lines) + "\n")

    @property
    def env(self) -> dict[str, str]:
        return {
            "ROUTEE_API_URL": self.sandbox.base_url,
            "ROUTEE_AUTH_URL": self.sandbox.base_url,
            "ROUTEE_APPLICATION_ID": "sandbox",
            "ROUTEE_APPLICATION_SECRET": "sandbox",
            "CI": "",
            **self.env_overrides,
        }

    def declare(self, campaign_id: str, number: int = 0, **fields: Any) -> None:
        """Write ``campaigns/<id>.yaml`` (JSON is YAML) with a valid one-recipient campaign."""
        body: dict[str, Any] = {
            "id": campaign_id,
            "revision": 1,
            "from": "+306900000000",
            "to": [f"+3069123{number:05d}"],
            "message": {"text": f"Hello from {campaign_id}", "language": "en-GB"},
            "scheduledDate": FUTURE,
            "respectQuietHours": True,
        }
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        self.path(campaign_id).write_text(json.dumps(body, indent=1) + "\n")

    def path(self, campaign_id: str) -> Path:
        return self.root / "campaigns" / f"{campaign_id}.yaml"

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(
            cli,
            [*args, "--dir", str(self.root), "--workspace", WORKSPACE],
            env=self.env,
            input=input,
        )

    def init(self) -> None:
        result = self.run("init")
        assert result.exit_code == 0, result.output

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(CAMPAIGNS_BIN), *args, "--dir", str(self.root), "--workspace", WORKSPACE],
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def state(self) -> State:
        return load_state(state_path(load_config(self.root), WORKSPACE))


def sandbox_campaigns(sandbox: RunningSandbox, *, canaries: bool = False) -> list[dict[str, Any]]:
    """Every campaign the sandbox ever accepted (canary campaigns left out unless asked)."""
    listing = httpx.get(f"{sandbox.base_url}/_sandbox/campaigns", timeout=10).json()
    return [c for c in listing if canaries or not _is_canary(c)]


def _is_canary(campaign: dict[str, Any]) -> bool:
    text = (campaign.get("request") or {}).get("message", {}).get("text", "")
    return str(text) == CANARY_TEXT


def name_counts(sandbox: RunningSandbox) -> Counter[str]:
    return Counter(str(c["campaignName"]) for c in sandbox_campaigns(sandbox))


def assert_exactly_once(project: Project) -> None:
    """Each recorded submission exists once in the sandbox, with the recorded trackingId."""
    counts = name_counts(project.sandbox)
    assert all(n == 1 for n in counts.values()), counts
    by_name = {c["campaignName"]: c["trackingId"] for c in sandbox_campaigns(project.sandbox)}
    state = project.state()
    recorded = {s.submission_name: s for r in state.campaigns.values() for s in r.submissions}
    assert set(recorded) == set(by_name), (sorted(recorded), sorted(by_name))
    for name, submission in recorded.items():
        assert submission.tracking_id in (None, by_name[name])
