"""``campaigns init`` and ``campaigns force-unlock`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.state.store import load_state

ENV = {"ROUTEE_API_URL": "http://127.0.0.1:9", "CAMPAIGNS_WORKSPACE": None}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def test_init_creates_state_and_says_to_commit_it(tmp_path: Path) -> None:
    code, out, err = _run("init", "--dir", str(tmp_path), "--workspace", "production")
    assert (code, err) == (0, "")
    path = tmp_path / "state" / "production.json"
    state = load_state(path)
    assert (state.workspace, state.endpoint, state.serial) == (
        "production",
        "http://127.0.0.1:9",
        0,
    )
    assert out.splitlines() == [
        f"Created {path}",
        f"  lineage:  {state.lineage}",
        "  endpoint: http://127.0.0.1:9",
        "  auth:     https://auth.routee.net",
        f"Commit it (in {tmp_path}): git add state/production.json && "
        'git commit -m "Create campaigns workspace production"',
    ]


def test_init_refuses_an_existing_state(tmp_path: Path) -> None:
    assert _run("init", "--dir", str(tmp_path))[0] == 0
    path = tmp_path / "state" / "default.json"
    before = path.read_bytes()
    code, out, err = _run("init", "--dir", str(tmp_path))
    assert (code, out) == (1, "")
    lineage = json.loads(before)["lineage"]
    assert err == (
        f"Error: {path}: already exists (lineage {lineage}, serial 0); nothing was changed. A "
        "workspace's state is created once and kept: it records what was sent. Use it as it is, "
        "or name another workspace with --workspace\n"
    )
    assert path.read_bytes() == before
    path.write_text("{cut short")
    code, _, err = _run("init", "--dir", str(tmp_path))
    assert code == 1 and err.startswith(f"Error: {path}: already exists; nothing was changed.")
    assert path.read_text() == "{cut short"


def test_init_sandbox_binds_to_sandbox_identity(tmp_path: Path) -> None:
    code, out, _ = _run("init", "--dir", str(tmp_path), "--sandbox")
    assert code == 0
    state = load_state(tmp_path / "state" / "sandbox.json")
    identity = json.loads((tmp_path / ".sandbox" / "identity.json").read_text())
    assert state.endpoint == f"sandbox:{identity['accountId']}"
    assert "git-ignored: nothing to commit" in out


def test_init_in_a_missing_directory_is_a_clean_error(tmp_path: Path) -> None:
    code, _, err = _run("init", "--dir", str(tmp_path / "nope"))
    assert code == 1
    assert err.startswith("Error: ") and "does not exist" in err


def test_force_unlock(tmp_path: Path) -> None:
    lock = tmp_path / "state" / "prod.lock"
    lock.parent.mkdir()
    info = {
        "id": "L-1",
        "owner": "ci",
        "host": "runner-7",
        "pid": 42,
        "operation": "apply",
        "createdAt": "T",
    }
    lock.write_text(json.dumps(info))
    code, _, err = _run("force-unlock", "WRONG", "--dir", str(tmp_path), "-w", "prod")
    assert code == 1
    assert err == f"Error: {lock}: lock id is L-1, not WRONG; nothing was removed\n"
    assert lock.exists()
    code, out, _ = _run("force-unlock", "L-1", "--dir", str(tmp_path), "-w", "prod")
    assert code == 0
    assert (
        out
        == "Removed lock L-1 of workspace 'prod' (was: apply by ci@runner-7, pid 42, since T).\n"
    )
    assert not lock.exists()
    code, _, err = _run("force-unlock", "L-1", "--dir", str(tmp_path), "-w", "prod")
    assert (code, err) == (1, f"Error: {lock}: workspace 'prod' is not locked\n")


def test_init_refuses_an_endpoint_that_is_not_a_url_and_creates_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", "--dir", str(tmp_path), "--workspace", "production"],
        env={**ENV, "ROUTEE_API_URL": "connect.routee.net"},
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: ROUTEE_API_URL: 'connect.routee.net' is not an https URL with a host "
        "(e.g. https://connect.routee.net)\n"
    )
    assert not (tmp_path / "state").exists()


def test_init_binds_the_state_to_the_endpoint_without_its_trailing_slash(tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        cli,
        ["init", "--dir", str(tmp_path), "--workspace", "production"],
        env={**ENV, "ROUTEE_API_URL": "https://connect.routee.net/"},
    )
    assert created.exit_code == 0, created.output
    assert load_state(tmp_path / "state" / "production.json").endpoint == (
        "https://connect.routee.net"
    )
    status = runner.invoke(
        cli,
        ["status", "--dir", str(tmp_path), "--workspace", "production"],
        env={**ENV, "ROUTEE_API_URL": None},
    )
    assert status.exit_code == 0, status.output
