"""``make bench``: measure validate, plan and apply against the targets of design.md section 9.

Workloads are generated in a temporary directory. Each measurement runs the real ``campaigns``
command in a fresh process and reports the median wall time of several runs, the spread
(min–max) and the peak resident memory (``ru_maxrss`` of that process, from ``os.wait4``).
Results are printed and written to ``docs/benchmarks.md``.

    python tests/benchmarks/run.py [--quick] [--runs N] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.state_fixture import write_applied_state  # noqa: E402
from tests.benchmarks.workloads import write_project, write_terraform  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CAMPAIGNS = str(Path(sys.executable).with_name("campaigns"))


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_mb: float
    returncode: int


@dataclass(frozen=True)
class Row:
    name: str
    target: str
    samples: tuple[Sample, ...]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def spread(self) -> str:
        times = [s.seconds for s in self.samples]
        return f"{min(times):.2f}–{max(times):.2f}"

    @property
    def peak_mb(self) -> float:
        return max(s.max_rss_mb for s in self.samples)


def run_once(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return Sample(elapsed, usage.ru_maxrss / 1024, proc.returncode)


def repeat(cmd: Sequence[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[Sample, ...]:
    return tuple(run_once(cmd, cwd, env) for _ in range(runs))


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUTEE_")}
    env["NO_COLOR"] = "1"
    return env


def plan_rows(root: Path, campaigns: int, recipients: int, runs: int, targets: tuple[str, str]) -> list[Row]:
    project = write_project(root, campaigns, recipients)
    env = base_env()
    subprocess.run([CAMPAIGNS, "init", "--workspace", "bench"], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    label = f"{campaigns:,} × {recipients:,}"
    rows = [
        Row(f"validate, {label}", "—", repeat([CAMPAIGNS, "validate"], project, env, runs)),
        Row(f"plan, {label}, empty state", targets[0],
            repeat([CAMPAIGNS, "plan", "--workspace", "bench"], project, env, runs)),
    ]
    write_applied_state(project, "bench")
    rows.append(Row(f"plan, {label}, all applied", targets[1],
                    repeat([CAMPAIGNS, "plan", "--workspace", "bench"], project, env, runs)))
    return rows


def start_sandbox(data_dir: Path, latency_ms: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [CAMPAIGNS, "sandbox", "--port", "0", "--data-dir", str(data_dir),
         "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=base_env(),
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "http://127.0.0.1:" in line:
            url = line[line.index("http://"):].split()[0]
            return proc, url
    proc.kill()
    raise SystemExit("sandbox did not start")


def apply_row(root: Path, sends: int, latency_ms: int) -> Row:
    project = write_project(root, sends, 10)
    proc, url = start_sandbox(root / "sandbox-data", latency_ms)
    try:
        env = base_env() | {
            "ROUTEE_API_URL": url, "ROUTEE_AUTH_URL": url,
            "ROUTEE_APPLICATION_ID": "sandbox", "ROUTEE_APPLICATION_SECRET": "sandbox",
        }
        subprocess.run([CAMPAIGNS, "init", "--workspace", "bench"], cwd=project, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        sample = run_once(
            [CAMPAIGNS, "apply", "--workspace", "bench", "--auto-approve",
             "--allow-sends", str(sends), "--allow-recipients", str(sends * 10)],
            project, env,
        )
        with urllib.request.urlopen(f"{url}/_sandbox/campaigns", timeout=30) as response:
            accepted = json.load(response)
        names = [c["campaignName"] for c in accepted]
        exact = len(accepted) == sends and len(set(names)) == sends
        note = f"{len(accepted)} accepted, {'each exactly once' if exact else 'NOT exactly once'}"
        return Row(f"apply, {sends:,} sends, sandbox +{latency_ms} ms", "≤ 8 s", (sample,), note)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def terraform_row(root: Path, runs: int) -> Row | None:
    terraform = shutil.which("terraform")
    if terraform is None:
        return None
    project = write_terraform(root, 1000)
    env = base_env() | {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    subprocess.run([terraform, "init", "-input=false"], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cmd = [terraform, "plan", "-input=false", "-refresh=false", "-lock=false"]
    return Row("terraform plan, 1,000 terraform_data", "(reference)", repeat(cmd, project, env, runs))


def render(rows: list[Row]) -> str:
    lines = [
        "| workload | median s | spread s | peak MB | target | note |",
        "|---|---:|---:|---:|---|---|",
    ]
    lines += [
        f"| {r.name} | {r.median:.2f} | {r.spread} | {r.peak_mb:.0f} | {r.target} | {r.note} |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000 × 1,000 workload")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="campaigns-bench-") as tmp:
        work = Path(tmp)
        rows += plan_rows(work / "small", 1000, 10, args.runs, ("≤ 0.6 s", "≤ 0.4 s"))
        if not args.quick:
            rows += plan_rows(work / "large", 1000, 1000, max(3, args.runs // 2),
                              ("≤ 8 s, ≤ 400 MB", "≤ 1 s"))
        rows.append(apply_row(work / "apply", 1000, 50))
        reference = terraform_row(work / "terraform", args.runs)
        if reference is not None:
            rows.append(reference)
    table = render(rows)
    print(table)
    header = (
        "# Benchmarks\n\n"
        "Generated by `make bench` (`tests/benchmarks/run.py`); numbers from the last run.\n\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}\n"
        f"- runs per workload: median of {args.runs} (1,000 × 1,000: {max(3, args.runs // 2)}), "
        "apply: one run\n\n"
    )
    args.out.write_text(header + table + "\n")


if __name__ == "__main__":
    main()
