"""Startup cost: commands that never talk to the network must not pay for the HTTP stack."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("httpx", "reconciler.usecases.apply", "reconciler.sandbox.server", "http.server")


def test_the_cli_loads_without_httpx_or_the_sandbox_server() -> None:
    check = f"import reconciler.cli.main, sys; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_every_command_is_still_registered() -> None:
    import click

    from reconciler.cli.main import cli

    expected = {"apply", "doctor", "import", "init", "plan", "refresh", "sandbox", "status"}
    assert expected <= set(cli.list_commands(click.Context(cli)))
    assert all(
        isinstance(cli.get_command(click.Context(cli), name), click.Command) for name in expected
    )


def test_plan_validate_and_status_load_no_http_stack() -> None:
    """plan (without --refresh), validate and status are offline: no httpx, no Routee client."""
    commands = ("plan", "validate", "status")
    imports = "".join(f"import reconciler.cli.commands.{name}\n" for name in commands)
    heavy = ("httpx", "reconciler.routee.client", "reconciler.usecases.remote")
    check = f"import sys\n{imports}print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout
