"""``campaigns sandbox`` as a user runs it: a subprocess that prints its URL and stops on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

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
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "very-secret-value" not in out + err
    assert (data_dir / "identity.json").exists()


def test_cli_rejects_bad_rates_and_hosts(tmp_path: Path) -> None:
    runner = CliRunner()
    rate = runner.invoke(cli, ["sandbox", "--error-rate", "1.5", "--data-dir", str(tmp_path)])
    assert rate.exit_code == 2
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
