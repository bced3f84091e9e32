"""``campaigns sandbox`` as a user runs it: a subprocess that prints its URL and stops on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from tests.e2e.conftest import campaign_body

PREFIX = "Routee sandbox listening on "


@pytest.mark.slow
def test_cli_serves_until_terminated(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from reconciler.cli.main import main; main()",
            "sandbox",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--application-secret",
            "very-secret-value",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(PREFIX), line
        url = line[len(PREFIX) :].split(" ")[0]
        assert url.startswith("http://127.0.0.1:")
        token = httpx.post(
            f"{url}/oauth/token",
            auth=("sandbox", "very-secret-value"),
            data={"grant_type": "client_credentials"},
            timeout=5,
        )
        assert token.status_code == 200
        assert httpx.get(f"{url}/_sandbox/campaigns", timeout=5).json() == []
        _run_a_campaign_with_a_remote_callback(url, token.json()["access_token"])
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "very-secret-value" not in out + err
    assert (data_dir / "identity.json").exists()
    # The server names a callback URL it will not call, once, however many changes it saw.
    assert err.count(REMOTE_HOOK) == 1, err
    assert f"sandbox: callbacks to {REMOTE_HOOK} skipped" in err


REMOTE_HOOK = "https://hooks.example.com/routee/voice"


def _run_a_campaign_with_a_remote_callback(url: str, token: str) -> None:
    body = campaign_body(
        to=["+306912345600", "+306912345601"],
        scheduledDate=None,
        callback={"strategy": "OnChange", "url": REMOTE_HOOK},
    )
    headers = {"Authorization": f"Bearer {token}"}
    answer = httpx.post(f"{url}/voice/campaign", json=body, headers=headers, timeout=5)
    assert answer.status_code == 200
    for _ in range(8):  # the watcher looks every 0.2 s; let it see several changes
        httpx.post(f"{url}/_sandbox/clock", json={"advanceSeconds": 1}, timeout=5)
        time.sleep(0.3)


def test_cli_refuses_a_data_directory_another_sandbox_uses(tmp_path: Path) -> None:
    from reconciler.sandbox.server import start_sandbox

    with start_sandbox(tmp_path / "data"):
        result = CliRunner().invoke(
            cli, ["sandbox", "--port", "0", "--data-dir", str(tmp_path / "data")]
        )
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'data'} is in use by another running sandbox" in result.output
    assert "Traceback" not in result.output


def test_cli_rejects_bad_rates_and_hosts(tmp_path: Path) -> None:
    runner = CliRunner()
    rate = runner.invoke(cli, ["sandbox", "--error-rate", "1.5", "--data-dir", str(tmp_path)])
    assert rate.exit_code == 1
    assert "--error-rate" in rate.output
    host = runner.invoke(cli, ["sandbox", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert host.exit_code == 1
    assert "Error: the sandbox only binds loopback addresses" in host.output


def test_cli_reports_a_busy_port(tmp_path: Path) -> None:
    from reconciler.sandbox.server import start_sandbox

    with start_sandbox(tmp_path / "first") as running:
        result = CliRunner().invoke(
            cli, ["sandbox", "--port", str(running.port), "--data-dir", str(tmp_path / "second")]
        )
    assert result.exit_code == 1
    assert f"Error: cannot serve on 127.0.0.1:{running.port}" in result.output
