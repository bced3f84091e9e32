"""Workload generators for the benchmark (design.md section 9). Deterministic: same input, same files."""

from __future__ import annotations

from pathlib import Path

HEADER = "# yaml-language-server: $schema=../schema/campaign.schema.json\n"


def number(campaign: int, recipient: int) -> str:
    """A valid, unique Greek mobile number for (campaign, recipient): +30694 followed by 7 digits."""
    return f"+30694{campaign * 1000 + recipient:07d}"


def declaration(index: int, recipients: int) -> str:
    numbers = "\n".join(f'  - "{number(index, r)}"' for r in range(recipients))
    return (
        f"{HEADER}id: bench-{index:05d}\n"
        f"campaignName: Bench {index:05d}\n"
        'from: "306900000000"\n'
        f"to:\n{numbers}\n"
        "message:\n"
        f'  text: "Reminder number {index}: your appointment is tomorrow at 10:00."\n'
        "  language: en-GB\n"
        "  gender: female\n"
        'scheduledDate: "2031-03-01T09:00:00Z"\n'
        "respectQuietHours: true\n"
    )


def write_project(root: Path, campaigns: int, recipients: int) -> Path:
    """Write ``campaigns`` declarations of ``recipients`` numbers each under ``root/campaigns``."""
    folder = root / "campaigns"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(campaigns):
        (folder / f"bench-{index:05d}.yaml").write_text(declaration(index, recipients))
    (root / "campaigns.toml").write_text(
        "[workspaces.bench]\n"
        f"max_sends = {campaigns}\n"
        f"max_recipients = {campaigns * recipients}\n"
        "concurrency = 32\n"
        "[workspaces.sandbox]\n"
        f"max_sends = {campaigns}\n"
        f"max_recipients = {campaigns * recipients}\n"
        "concurrency = 32\n"
        f"{POLICY}"
    )
    write_suppression(root, campaigns, recipients)
    return root


#: Every check of design.md section 11 on: a suppression list, windows, a cap, prices, a budget.
POLICY = """\
[policy]
suppress = ["suppressions/bench.csv"]
max_calls = 2
per_days = 7
max_cost = 1000000
[prices]
currency = "EUR"
default = 0.02
GR = 0.012
"""


def write_suppression(root: Path, campaigns: int, recipients: int) -> None:
    """A list of 1,000 numbers: every tenth in the workload, the rest Greek mobiles outside it."""
    folder = root / "suppressions"
    folder.mkdir(exist_ok=True)
    rows = [
        number(i % max(campaigns, 1), i % max(recipients, 1)) if i % 10 == 0 else f"+30697{i:07d}"
        for i in range(1000)
    ]
    (folder / "bench.csv").write_text("number,reason\n" + "".join(f"{n},bench\n" for n in rows))


def write_terraform(root: Path, resources: int) -> Path:
    """``resources`` trivial ``terraform_data`` resources (built in: no provider download)."""
    root.mkdir(parents=True, exist_ok=True)
    body = "".join(
        f'resource "terraform_data" "r{i}" {{\n  input = "value-{i}"\n}}\n'
        for i in range(resources)
    )
    (root / "main.tf").write_text(body)
    return root
