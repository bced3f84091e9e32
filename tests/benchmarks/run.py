"""``make bench``: measure validate, plan and apply against the targets of design.md section 9.

Workloads are generated in a temporary directory. Each measurement runs the real ``campaigns``
command in a fresh process and reports the median wall time of several runs, the spread
(min–max) and the peak resident memory (``ru_maxrss`` of that process, from ``os.wait4``).
``validate`` and ``plan`` are measured twice: with the parse cache warm (``CAMPAIGNS_CACHE_DIR``
filled by an earlier run, the everyday case) and with it off (``CAMPAIGNS_NO_CACHE=1``: a fresh
clone, as in CI). Where ``terraform`` is on the PATH, ``terraform plan`` of 1,000
``terraform_data`` resources is timed in the same run. Results are printed and written to
``docs/benchmarks.md``.

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

from tests.benchmarks.workloads import write_project, write_terraform

REPO = Path(__file__).resolve().parents[2]
CAMPAIGNS = str(Path(sys.executable).with_name("campaigns"))
NO_CACHE = {"CAMPAIGNS_NO_CACHE": "1"}


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_mb: float
    returncode: int


@dataclass(frozen=True)
class Target:
    """A design.md section 9 target: seconds, and optionally peak memory in MB."""

    seconds: float
    megabytes: float | None = None

    def __str__(self) -> str:
        memory = f", ≤ {self.megabytes:.0f} MB" if self.megabytes else ""
        return f"≤ {self.seconds:g} s{memory}"


@dataclass(frozen=True)
class Row:
    name: str
    samples: tuple[Sample, ...]
    target: Target | None = None
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

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        fast = self.median <= self.target.seconds
        small = self.target.megabytes is None or self.peak_mb <= self.target.megabytes
        return "met" if fast and small else "**missed**"


def run_once(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0, 2)
) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode(errors="replace")  # drained first: no pipe deadlock
    proc.stderr.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return Sample(elapsed, usage.ru_maxrss / 1024, proc.returncode)


def repeat(cmd: Sequence[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[Sample, ...]:
    return tuple(run_once(cmd, cwd, env) for _ in range(runs))


def base_env(project: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROUTEE_", "CAMPAIGNS_"))}
    env["NO_COLOR"] = "1"
    if project is not None:  # the parse cache beside the project, never the user's own
        env["CAMPAIGNS_CACHE_DIR"] = str(project.parent / "cache")
    return env


def cached_and_cold(
    name: str, cmd: list[str], project: Path, runs: int, target: Target | None
) -> list[Row]:
    """The same command with the parse cache warm (filled by one unmeasured run) and off."""
    env = base_env(project)
    run_once(cmd, project, env)  # fills the parse cache (CAMPAIGNS_CACHE_DIR)
    warm = Row(f"{name}, cache warm", repeat(cmd, project, env, runs), target)
    cold = Row(f"{name}, no cache", repeat(cmd, project, env | NO_CACHE, runs), target)
    return [warm, cold]


def plan_rows(
    root: Path, campaigns: int, recipients: int, runs: int, targets: tuple[Target, Target]
) -> list[Row]:
    project = write_project(root, campaigns, recipients)
    env = base_env()
    subprocess.run(
        [CAMPAIGNS, "init", "--workspace", "bench"],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    label = f"{campaigns:,} × {recipients:,}"
    plan = [CAMPAIGNS, "plan", "--workspace", "bench"]
    rows = cached_and_cold(f"validate, {label}", [CAMPAIGNS, "validate"], project, runs, None)
    rows += cached_and_cold(f"plan, {label}, empty state", plan, project, runs, targets[0])
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.state_fixture", str(project), "bench"],
        cwd=REPO,
        check=True,
    )
    shutil.rmtree(project.parent / "cache", ignore_errors=True)
    rows += cached_and_cold(f"plan, {label}, all applied", plan, project, runs, targets[1])
    return rows


def startup_row(runs: int) -> Row:
    samples = repeat([CAMPAIGNS, "--version"], REPO, base_env(), runs)
    return Row("startup: campaigns --version", samples, note="imports no httpx")


def start_sandbox(data_dir: Path, latency_ms: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            CAMPAIGNS,
            "sandbox",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=base_env(),
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "http://127.0.0.1:" in line:
            url = line[line.index("http://") :].split()[0]
            return proc, url
    proc.kill()
    proc.wait(timeout=10)
    raise SystemExit("sandbox did not start")


def apply_row(root: Path, sends: int, latency_ms: int) -> Row:
    project = write_project(root, sends, 10)
    proc, url = start_sandbox(root / "sandbox-data", latency_ms)
    try:
        env = base_env() | {
            "ROUTEE_API_URL": url,
            "ROUTEE_AUTH_URL": url,
            "ROUTEE_APPLICATION_ID": "sandbox",
            "ROUTEE_APPLICATION_SECRET": "sandbox",
        }
        subprocess.run(
            [CAMPAIGNS, "init", "--workspace", "bench"],
            cwd=project,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        sample = run_once(
            [
                CAMPAIGNS,
                "apply",
                "--workspace",
                "bench",
                "--auto-approve",
                "--allow-sends",
                str(sends),
                "--allow-recipients",
                str(sends * 10),
            ],
            project,
            env,
            ok=(0,),
        )
        with urllib.request.urlopen(f"{url}/_sandbox/campaigns", timeout=30) as response:
            accepted = json.load(response)
        names = [c["campaignName"] for c in accepted]
        exact = len(accepted) == sends and len(set(names)) == sends
        state = json.loads((project / "state" / "bench.json").read_text())
        recorded = sum(1 for record in state["campaigns"].values() if record["submissions"])
        # A second plan must see nothing left to do: exit 0 with --detailed-exitcode.
        run_once(
            [CAMPAIGNS, "plan", "--workspace", "bench", "--detailed-exitcode"],
            project,
            env,
            ok=(0,),
        )
        note = (
            f"{len(accepted)} accepted, {'each exactly once' if exact else 'NOT exactly once'}; "
            f"{recorded} in the state; re-plan: no changes"
        )
        if not exact or recorded != sends:
            raise SystemExit(f"apply benchmark broke exactly-once: {note}")
        name = f"apply, {sends:,} sends, sandbox +{latency_ms} ms, concurrency 32"
        return Row(name, (sample,), Target(8), note)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def terraform_rows(root: Path, runs: int) -> list[Row]:
    terraform = shutil.which("terraform")
    if terraform is None:
        return []
    project = write_terraform(root, 1000)
    env = base_env() | {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    subprocess.run(
        [terraform, "init", "-input=false"],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cmd = [terraform, "plan", "-input=false", "-refresh=false", "-lock=false"]
    rows = [
        Row(
            "terraform plan, 1,000 terraform_data, empty state",
            repeat(cmd, project, env, runs),
            note="reference",
        )
    ]
    subprocess.run(
        [terraform, "apply", "-input=false", "-auto-approve", "-parallelism=32"],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows.append(
        Row(
            "terraform plan, 1,000 terraform_data, all applied",
            repeat(cmd, project, env, runs),
            note="reference (-refresh=false)",
        )
    )
    return rows


def render(rows: list[Row]) -> str:
    lines = [
        "| workload | median s | spread s | peak MB | target | verdict | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    lines += [
        f"| {r.name} | {r.median:.2f} | {r.spread} | {r.peak_mb:.0f} | {r.target or ''} "
        f"| {r.verdict} | {r.note} |"
        for r in rows
    ]
    return "\n".join(lines)


def ratio(rows: list[Row]) -> str:
    by_name = {row.name: row for row in rows}
    ours = by_name.get("plan, 1,000 × 10, empty state, cache warm")
    theirs = by_name.get("terraform plan, 1,000 terraform_data, empty state")
    if ours is None or theirs is None:
        return ""
    return (
        f"\nMeasured ratio: `campaigns plan` (1,000 × 10, empty state, cache warm) takes "
        f"{ours.median / theirs.median:.2f}× the time of `terraform plan` of 1,000 "
        f"`terraform_data` resources on this machine.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000 × 1,000 workload")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    large_runs = max(3, args.runs // 2)
    rows: list[Row] = [startup_row(args.runs)]
    with tempfile.TemporaryDirectory(prefix="campaigns-bench-") as tmp:
        work = Path(tmp)
        rows += plan_rows(work / "small", 1000, 10, args.runs, (Target(0.6), Target(0.4)))
        if not args.quick:
            rows += plan_rows(work / "large", 1000, 1000, large_runs, (Target(8, 400), Target(1)))
        rows.append(apply_row(work / "apply", 1000, 50))
        rows += terraform_rows(work / "terraform", args.runs)
    table = render(rows)
    print(table)
    header = (
        "# Benchmarks\n\n"
        "Generated by `make bench` (`tests/benchmarks/run.py`); numbers from the last run. "
        "What the workloads are, how to read them and how costs grow: [scaling.md](scaling.md).\n\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}\n"
        f"- runs per workload: median of {args.runs} (1,000 × 1,000: {large_runs}), apply: one "
        "run\n"
        "- *cache warm*: the parse cache filled by an earlier run (a developer's machine); "
        "*no cache*: `CAMPAIGNS_NO_CACHE=1` (a fresh clone, as in CI)\n"
        "- *all applied*: the state as apply leaves it (`tests/benchmarks/state_fixture.py`), "
        "`sources` included, so unchanged files are taken from the state even without a cache\n\n"
    )
    args.out.write_text(header + table + "\n" + ratio(rows))


if __name__ == "__main__":
    main()
