"""Ctrl-C during apply: campaigns not started are not sent, nothing is lost, a re-run finishes.

The apply runs as a subprocess against a sandbox with latency; SIGINT arrives once the first
campaign has been accepted. What was sent is in the folded state, exactly once; what was not
started never reached the sandbox; a second apply sends only the rest.
"""

from __future__ import annotations

import signal
from pathlib import Path

from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import Project, assert_exactly_once, name_counts

CAMPAIGNS = 12


def test_sigint_stops_starting_campaigns_and_a_rerun_sends_the_rest_once(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(latency_ms=200)
    project = Project(tmp_path / "p", sandbox)
    project.init()
    for index in range(CAMPAIGNS):
        project.declare(f"c{index:02d}", number=index)
    proc = project.spawn("apply", "--auto-approve", "--concurrency", "1")
    assert proc.stdout is not None
    for line in proc.stdout:
        if "trackingId" in line:  # the first campaign was accepted
            break
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 1, stderr
    assert "Interrupted: campaigns not yet started were not sent" in stderr
    assert "Traceback" not in stderr
    assert not (project.root / "state" / "e2e.journal").exists()
    sent = sum(name_counts(sandbox).values())
    assert 1 <= sent < CAMPAIGNS
    assert len(project.state().campaigns) == sent
    assert_exactly_once(project)

    again = project.run("apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert f"{CAMPAIGNS - sent} sent" in again.output
    assert sum(name_counts(sandbox).values()) == CAMPAIGNS
    assert_exactly_once(project)
