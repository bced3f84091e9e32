"""A campaigns repository as the workflows use it, for the attack suite (tests/e2e/test_attacks_*).

``AttackRepo`` is a git repository in a temp dir: ``main`` holds a project bound to a sandbox
(workspace ``production``, initialised, one campaign applied and its state committed, as
apply.yml leaves it). ``pull_request`` runs the attacker's edits on a branch and commits them;
``check`` runs the pull-request job's commands (validate and plan --base, markdown);
``merge`` merges it into ``main`` with ``--no-ff`` and ``apply`` runs apply as apply.yml does
(``CI=true campaigns apply --auto-approve``). Every call goes through the real CLI, and the
sandbox answers over real sockets.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.sandbox.server import RunningSandbox
from tests.e2e.project import sandbox_campaigns

WORKSPACE = "production"
LEGIT = "+306912300001"
#: A Monday, 13:00 in Athens: inside the shipped calling window (`campaigns help policy`).
FUTURE = "2031-06-02T10:00:00Z"
#: The apply environment's CAMPAIGNS_STATE_KEY in tests (48 bytes; never printed).
KEY = "tK3r9-QmZx7wV2pL8sN4bY6cH1jD5fG0aE3uR7iO9kMnBvCx"
#: Any full E.164 number in an output (masked ones have a space and bullets).
FULL_NUMBER = re.compile(r"\+\d{9,15}")


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def declaration(campaign_id: str, number: str = LEGIT, text: str = "Hello") -> str:
    body = {
        "id": campaign_id,
        "from": "+306900000000",
        "to": [number],
        "message": {"text": text, "language": "en-GB"},
        "scheduledDate": FUTURE,
    }
    return json.dumps(body, indent=1) + "\n"


class AttackRepo:
    def __init__(
        self, root: Path, sandbox: RunningSandbox, cache_dir: Path, key: str | None = None
    ) -> None:
        self.root = root
        self.sandbox = sandbox
        self.cache_dir = cache_dir
        #: CAMPAIGNS_STATE_KEY of the apply environment (init and apply only, as in CI).
        self.key = key
        (root / "campaigns").mkdir(parents=True)
        (root / "campaigns" / "legit.yaml").write_text(declaration("legit"))
        (root / ".gitignore").write_text(".sandbox/\n")
        (root / "campaigns.toml").write_text(self.config_text())
        self.git("init", "-q", "-b", "main")
        assert self.campaigns_with(self.apply_env, "init").code == 0
        self.commit("init")
        applied = self.apply()
        assert applied.code == 0, applied.output
        self.commit("apply: state")

    def config_text(self, auth_url: str | None = None) -> str:
        """campaigns.toml as the repository holds it: both endpoints there, none in the env."""
        url = self.sandbox.base_url
        return f'[workspaces.{WORKSPACE}]\napi_url = "{url}"\nauth_url = "{auth_url or url}"\n'

    @property
    def env(self) -> dict[str, str]:
        return {
            "ROUTEE_APPLICATION_ID": "sandbox",
            "ROUTEE_APPLICATION_SECRET": "sandbox",
            "CAMPAIGNS_WORKSPACE": WORKSPACE,
            "CAMPAIGNS_CACHE_DIR": str(self.cache_dir),
        }

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def commit(self, message: str) -> None:
        self.git("add", "-A", "-f", ".")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def campaigns(self, *args: str, ci: bool = False) -> Outcome:
        return self.campaigns_with(self.env | {"CI": "true" if ci else ""}, *args)

    def campaigns_with(self, env: dict[str, str], *args: str) -> Outcome:
        result = CliRunner().invoke(cli, [*args, "--dir", str(self.root)], env=env)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def pull_request(self, edit: Callable[[Path], None], name: str = "pr") -> None:
        self.git("checkout", "-q", "-b", name, "main")
        edit(self.root)
        self.commit("a pull request")

    def check(self) -> tuple[Outcome, Outcome]:
        """What plan.yml runs on the pull request: validate, then plan --base (markdown)."""
        validate = self.campaigns("validate", "--format", "markdown", ci=True)
        plan = self.campaigns("plan", "--format", "markdown", "--base", "main", ci=True)
        return validate, plan

    def merge(self, name: str = "pr") -> None:
        self.git("checkout", "-q", "main")
        self.git("merge", "-q", "--no-ff", "-m", f"Merge {name}", name)

    @property
    def apply_env(self) -> dict[str, str]:
        """The apply job's environment: CI=true, and the state key when the repository has one."""
        return self.env | {"CI": "true", "CAMPAIGNS_STATE_KEY": self.key or ""}

    def apply(self) -> Outcome:
        """What apply.yml runs on main after a merge."""
        return self.campaigns_with(self.apply_env, "apply", "--auto-approve")

    def sent(self) -> list[dict[str, Any]]:
        return sandbox_campaigns(self.sandbox)

    def state_bytes(self) -> bytes:
        return (self.root / "state" / f"{WORKSPACE}.json").read_bytes()
