"""``apply --sandbox``: the in-process sandbox on .sandbox/, and CAMPAIGNS_SANDBOX_FAULTS."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.sandbox.server import start_sandbox
from reconciler.usecases.remote import SANDBOX_FAULTS_ENV
from tests.e2e.project import FUTURE, sandbox_campaigns


def make_project(root: Path, count: int) -> Path:
    (root / "campaigns").mkdir(parents=True)
    for index in range(count):
        body = {
            "id": f"c{index}",
            "revision": 1,
            "from": "+306900000000",
            "to": [f"+3069123{index:05d}"],
            "message": {"text": f"Hello {index}", "language": "en-GB"},
            "scheduledDate": FUTURE,
        }
        (root / "campaigns" / f"c{index}.yaml").write_text(json.dumps(body) + "\n")
    return root


def apply(root: Path, faults: str = "") -> Result:
    args = ["apply", "--sandbox", "--auto-approve", "--dir", str(root)]
    return CliRunner().invoke(cli, args, env={SANDBOX_FAULTS_ENV: faults, "CI": ""})


def accepted_names(root: Path) -> Counter[str]:
    """What the project's sandbox (its data in .sandbox/) accepted, canaries left out."""
    with start_sandbox(root / ".sandbox") as sandbox:
        return Counter(str(c["campaignName"]) for c in sandbox_campaigns(sandbox))


def test_lost_responses_in_the_sandbox_workspace_still_send_each_once(tmp_path: Path) -> None:
    root = make_project(tmp_path, 3)
    first = apply(root, "lose_response_rate=0.5")
    assert first.exit_code in (0, 3), first.output
    for _ in range(4):
        again = apply(root)
        assert again.exit_code in (0, 3), again.output
        if "No changes" in again.output:
            break
    assert again.output == "No changes. Nothing to apply.\n"
    counts = accepted_names(root)
    assert sorted(name.split("-")[0] for name in counts) == ["c0", "c1", "c2"]
    assert set(counts.values()) == {1}


def test_an_unreadable_fault_setting_stops_before_anything_starts(tmp_path: Path) -> None:
    root = make_project(tmp_path, 1)
    bad = apply(root, "lose=x")
    assert bad.exit_code == 1
    assert bad.output == (
        "Error: CAMPAIGNS_SANDBOX_FAULTS: 'lose=x' is not name=number "
        "(e.g. lose_response_rate=0.2,latency_ms=50)\n"
    )
    unknown = apply(root, "lose_response_rate=0.1, nonsense=1")
    assert unknown.exit_code == 1
    assert unknown.output == (
        "Error: CAMPAIGNS_SANDBOX_FAULTS: unknown fault switch(es): nonsense\n"
    )
    assert not (root / ".sandbox").exists()
