"""Attacks by pull request on the files only apply writes: links, /dev/zero, planted caches.

Each test: the attacker's pull request (on a branch of a repository whose state apply committed)
is checked as plan.yml does (the check must fail, naming the file), then merged anyway and applied
as apply.yml does: the apply is refused or the plant has no effect, nothing is sent that no
reviewed declaration asked for, and no file outside the project changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.escape import MARKER
from reconciler.load.cache import project_folder
from tests.e2e.attack_repo import FULL_NUMBER, LEGIT, AttackRepo, declaration
from tests.e2e.conftest import SandboxFactory

ATTACKER = "+306999999999"


@pytest.fixture
def repo(tmp_path: Path, sandbox_factory: SandboxFactory) -> AttackRepo:
    return AttackRepo(tmp_path / "repo", sandbox_factory(), tmp_path / "user-cache")


def only_apply_writes(plan_comment: str, path: str) -> None:
    assert plan_comment.startswith(MARKER) and plan_comment.count(MARKER) == 1
    assert f"{path}: added since main; only `campaigns apply` writes" in plan_comment


def test_a_lock_linked_to_the_state_never_truncates_it(repo: AttackRepo) -> None:
    before, sent = repo.state_bytes(), len(repo.sent())
    repo.pull_request(lambda root: (root / "state/production.lock").symlink_to("production.json"))
    validate, plan = repo.check()
    assert validate.code == 0 and plan.code == 1
    only_apply_writes(plan.stdout, "state/production.lock")
    repo.merge()
    applied = repo.apply()
    assert applied.code == 1
    assert "state/production.lock: is a symbolic link" in applied.stderr
    assert "Traceback" not in applied.output
    assert repo.state_bytes() == before and len(repo.sent()) == sent


def test_a_state_linked_to_dev_zero_is_a_clear_error(repo: AttackRepo) -> None:
    def edit(root: Path) -> None:
        (root / "state/production.json").unlink()
        (root / "state/production.json").symlink_to("/dev/zero")

    sent = len(repo.sent())
    repo.pull_request(edit)
    _, plan = repo.check()
    assert plan.code == 1 and "state/production.json: changed type since main" in plan.stdout
    repo.merge()
    applied = repo.apply()
    assert applied.code == 1
    assert "production.json: is a symbolic link" in applied.stderr
    assert "MemoryError" not in applied.output and "Traceback" not in applied.output
    assert len(repo.sent()) == sent


def test_a_committed_parse_cache_never_decides_what_is_sent(repo: AttackRepo) -> None:
    """The attacker computes the key of a new declaration and plants an entry for it."""

    def edit(root: Path) -> None:
        (root / "campaigns/promo.yaml").write_text(declaration("promo", LEGIT, "Spring"))
        assert repo.campaigns("validate").code == 0  # fills the (user's) cache with the key
        [entry] = [
            p
            for p in project_folder(repo.cache_dir, root).glob("*.json")
            if "promo" in p.read_text()
        ]
        data = json.loads(entry.read_text())
        data["campaigns"][0]["request"]["to"] = [ATTACKER]
        data["campaigns"][0]["request"]["message"]["text"] = "Your parcel: http://evil.example"
        planted = root / ".campaigns-cache" / "parsed" / entry.name
        planted.parent.mkdir(parents=True)
        planted.write_text(json.dumps(data))

    repo.pull_request(edit)
    _, plan = repo.check()
    assert plan.code == 1
    only_apply_writes(
        plan.stdout,
        f".campaigns-cache/parsed/{next((repo.root / '.campaigns-cache/parsed').iterdir()).name}",
    )
    repo.merge()
    for cache in repo.cache_dir.rglob("*.json"):
        cache.unlink()  # a fresh clone on the apply runner: no user cache
    applied = repo.apply()
    assert applied.code == 0, applied.output
    [promo] = [c for c in repo.sent() if c["request"]["message"]["text"] == "Spring"]
    assert promo["request"]["to"] == [LEGIT]
    assert not any(ATTACKER in json.dumps(c["request"]) for c in repo.sent())


def test_a_cache_directory_linked_out_of_the_project_is_never_written(
    repo: AttackRepo, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.json").write_text("precious")

    def edit(root: Path) -> None:
        (root / ".campaigns-cache").mkdir()
        (root / ".campaigns-cache" / "parsed").symlink_to(victim, target_is_directory=True)
        (root / "campaigns/other.yaml").write_text(declaration("other", LEGIT, "Other"))

    repo.pull_request(edit)
    validate, plan = repo.check()
    assert validate.code == 0 and plan.code == 1
    repo.merge()
    assert repo.apply().code == 0
    assert [p.name for p in victim.iterdir()] == ["keep.json"]
    assert (victim / "keep.json").read_text() == "precious"


def test_no_full_number_in_any_comment_or_ci_log(repo: AttackRepo) -> None:
    def edit(root: Path) -> None:  # a shared number and a malformed one
        (root / "campaigns/twin.yaml").write_text(declaration("twin", LEGIT, "Twin"))

    repo.pull_request(edit)
    validate, plan = repo.check()
    assert validate.code == 0 and plan.code == 0
    assert "1 number is in both" in plan.stdout
    repo.merge()
    applied = repo.apply()
    assert applied.code == 0
    for shown in (validate.output, plan.output, applied.output):
        assert not FULL_NUMBER.search(shown), shown
    assert "+30 •••••••• 01" in plan.stdout and "+30 •••••••• 01" in applied.stdout


class CredentialCatcher:
    """A loopback 'auth endpoint' that records every Authorization header it is sent."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        self.seen: list[str] = []
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                catcher.seen.append(self.headers.get("Authorization", ""))
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_credentials_never_follow_an_edited_auth_url(repo: AttackRepo) -> None:
    catcher = CredentialCatcher()
    try:

        def edit(root: Path) -> None:
            (root / "campaigns.toml").write_text(repo.config_text(auth_url=catcher.url))
            (root / "campaigns/more.yaml").write_text(declaration("more", LEGIT, "More"))

        sent = len(repo.sent())
        repo.pull_request(edit)
        _, plan = repo.check()
        assert plan.code == 1  # the comment names both endpoints and how to re-bind
        assert repo.sandbox.base_url in plan.stdout and catcher.url in plan.stdout
        assert "campaigns bind --workspace production" in plan.stdout
        repo.merge()
        applied = repo.apply()
        assert applied.code == 1
        assert "refusing before any credentials are sent" in applied.stderr
        assert catcher.seen == [] and len(repo.sent()) == sent
    finally:
        catcher.close()


def test_a_declaration_linked_out_of_the_project_is_never_read(
    repo: AttackRepo, tmp_path: Path
) -> None:
    """A link in a pull request to a file on the runner (a declaration nobody reviewed there,
    or a credentials file): reported, never read, never sent."""
    outside = tmp_path / "runner" / "hosts.yml"
    outside.parent.mkdir()
    outside.write_text(declaration("planted", ATTACKER, "Planted ghs_secret123"))

    def edit(root: Path) -> None:
        (root / "campaigns" / "planted.yaml").symlink_to(outside)

    sent = len(repo.sent())
    repo.pull_request(edit)
    validate, plan = repo.check()
    assert validate.code == 1 and plan.code == 1
    named = f"planted.yaml:1:1: file: a symbolic link to a file outside the project ({outside})"
    assert named in validate.stdout and named in plan.stdout
    for shown in (validate, plan, repo.campaigns("plan", ci=True)):
        assert "ghs_secret123" not in shown.output and "planted:" not in shown.output
    repo.merge()
    applied = repo.apply()
    assert applied.code == 1 and named in applied.output
    assert len(repo.sent()) == sent
    assert ATTACKER not in json.dumps(repo.sent())
