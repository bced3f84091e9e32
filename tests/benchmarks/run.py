"""``make bench``: measure validate, plan and apply against the targets of design.md section 9.

Workloads are generated in a temporary directory. Each measurement runs the real ``campaigns``
command in a fresh process and reports the median wall time of several runs, the spread
(min–max) and the peak memory of the whole process tree: the command may fork worker processes
to load declarations (``CAMPAIGNS_JOBS``), and ``ru_maxrss`` (from ``os.wait4``) is only the
peak of the largest single process among them. So while the command has descendants, their
summed PSS (``/proc/PID/smaps_rollup``: shared pages divided among the processes sharing them)
is sampled every 100 ms (:mod:`tests.benchmarks.tree_memory`), and the peak reported is the
larger of that sum and ``ru_maxrss``. The sampler reads nothing while the command runs alone.
``validate`` and ``plan`` are measured twice: with the parse cache warm (``CAMPAIGNS_CACHE_DIR``
filled by an earlier run, the everyday case) and with it off (``CAMPAIGNS_NO_CACHE=1``: a fresh
clone, as in CI). Where ``terraform`` is on the PATH, ``terraform plan`` of 1,000
``terraform_data`` resources is timed in the same run. Results are printed and written to
``docs/benchmarks.md``.

Terraform is the yardstick of design.md section 9: where ``terraform`` is on the PATH, ``terraform
plan -refresh=false`` of 1,000 and of 10,000 ``terraform_data`` resources runs in the same run, and
the plans of as many declarations must be at least 3x (1,000) and 6x (10,000) faster, with the
parse cache off (a fresh clone, as in CI). The ratios are printed under the table.

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

from tests.benchmarks.tree_memory import TreeMemory
from tests.benchmarks.workloads import write_project, write_terraform

REPO = Path(__file__).resolve().parents[2]
CAMPAIGNS = str(Path(sys.executable).with_name("campaigns"))
NO_CACHE = {"CAMPAIGNS_NO_CACHE": "1"}


@dataclass(frozen=True)
class Sample:
    seconds: float
    #: The larger of ``ru_maxrss`` and the sampled peak of the process tree's summed PSS.
    max_rss_mb: float
    returncode: int


@dataclass(frozen=True)
class Target:
    """A design.md section 9 target: seconds, peak memory in MB, a factor faster than Terraform.

    ``faster`` is checked against the Terraform row named ``terraform`` of the same run.
    """

    seconds: float | None = None
    megabytes: float | None = None
    faster: float | None = None
    terraform: str = ""

    def __str__(self) -> str:
        parts = [f"≤ {self.seconds:g} s"] if self.seconds else []
        parts += [f"≤ {self.megabytes:.0f} MB"] if self.megabytes else []
        parts += [f"≥ {self.faster:g}× faster than Terraform"] if self.faster else []
        return ", ".join(parts)


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

    def verdict(self, rows: dict[str, Row]) -> str:
        target = self.target
        if target is None:
            return ""
        fast = target.seconds is None or self.median <= target.seconds
        small = target.megabytes is None or self.peak_mb <= target.megabytes
        ahead = True
        if target.faster is not None:
            reference = rows.get(target.terraform)
            if reference is None:
                return ("met" if fast and small else "**missed**") + " (no Terraform to compare)"
            ahead = reference.median / self.median >= target.faster
        return "met" if fast and small and ahead else "**missed**"


def run_once(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0, 2)
) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    tree = TreeMemory(proc.pid)
    if TreeMemory.available():
        tree.start()
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode(errors="replace")  # drained first: no pipe deadlock
    proc.stderr.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    tree_mb = tree.stop() if tree.is_alive() else 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return Sample(elapsed, max(usage.ru_maxrss / 1024, tree_mb), proc.returncode)


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
    """validate, then plan on an empty state, then plan with everything applied."""
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
    rows = floor_rows(project, label, runs) if recipients == 10 else []
    rows += cached_and_cold(f"validate, {label}", [CAMPAIGNS, "validate"], project, runs, None)
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


FLOOR = [sys.executable, str(REPO / "tests" / "benchmarks" / "floor.py")]


def floor_rows(project: Path | None, label: str, runs: int) -> list[Row]:
    """What the design card's libraries alone cost (:mod:`tests.benchmarks.floor`): with a
    ``project``, also reading, parsing and validating its declarations, in one process."""
    if project is None:
        samples = repeat(FLOOR, REPO, base_env(), runs)
        note = "Python started, pydantic, click and ruamel.yaml imported: nothing else"
        return [Row("floor: Python and the libraries' imports", samples, note=note)]
    samples = repeat([*FLOOR, str(project)], REPO, base_env(), runs)
    note = "the libraries alone read, parse and validate each file; one process; no checks"
    return [Row(f"floor: {label}, libraries only", samples, note=note)]


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


def terraform_name(resources: int, state: str = "empty state") -> str:
    return f"terraform plan, {resources:,} terraform_data, {state}"


def terraform_rows(root: Path, resources: int, runs: int, applied: bool) -> list[Row]:
    """``terraform plan -refresh=false`` of ``resources``: empty state, then (``applied``) all
    applied."""
    terraform = shutil.which("terraform")
    if terraform is None:
        return []
    project = write_terraform(root, resources)
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
    rows = [Row(terraform_name(resources), repeat(cmd, project, env, runs), note="reference")]
    if not applied:
        return rows
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
            terraform_name(resources, "all applied"),
            repeat(cmd, project, env, runs),
            note="reference (-refresh=false)",
        )
    )
    return rows


def render(rows: list[Row]) -> str:
    by_name = {row.name: row for row in rows}
    lines = [
        "| workload | median s | spread s | peak MB | target | verdict | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    lines += [
        f"| {r.name} | {r.median:.2f} | {r.spread} | {r.peak_mb:.0f} | {r.target or ''} "
        f"| {r.verdict(by_name)} | {r.note} |"
        for r in rows
    ]
    return "\n".join(lines)


def ratios(rows: list[Row]) -> str:
    """Terraform's median over ours, for each plan that has a Terraform reference."""
    by_name = {row.name: row for row in rows}
    lines = []
    for row in rows:
        target = row.target
        theirs = by_name.get(target.terraform) if target and target.terraform else None
        if theirs is None or target is None or target.faster is None:
            continue
        lines.append(
            f"- {row.name}: {row.median:.2f} s against {theirs.median:.2f} s for "
            f"{theirs.name}: Terraform takes **{theirs.median / row.median:.1f}×** as long "
            f"(target ≥ {target.faster:g}×)" + _budget(row, theirs.median / target.faster, by_name)
        )
    if not lines:
        return ""
    return (
        "\nMeasured ratios, Terraform's time over ours, from this run:\n\n"
        + "\n".join(lines)
        + "\n"
    )


def _budget(row: Row, allowed: float, by_name: dict[str, Row]) -> str:
    """How much of the time ``allowed`` the libraries' floor takes on ``row``'s workload."""
    imports = by_name.get("floor: Python and the libraries' imports")
    floor = by_name.get(f"floor: {row.name.split(', ')[1]}, libraries only")
    if imports is None or floor is None:
        return ""
    two_cores = imports.median + (floor.median - imports.median) / 2
    return (
        f". The target allows {allowed:.2f} s; the libraries alone take {floor.median:.2f} s on "
        f"these files in one process ({imports.median:.2f} s of it starting and importing), "
        f"about {two_cores:.2f} s spread over two cores, which leaves about "
        f"{allowed - two_cores:.2f} s for everything the product does beyond that"
    )


def load_average() -> str:
    """The 1-minute load average at the end of the run (the machine may be shared)."""
    try:
        return f"{os.getloadavg()[0]:.2f} (1-minute average at the end; {os.cpu_count()} cores)"
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000 × 1,000 workload")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    large_runs = max(3, args.runs // 2)
    rows: list[Row] = [startup_row(args.runs), *floor_rows(None, "", args.runs)]
    with tempfile.TemporaryDirectory(prefix="campaigns-bench-") as tmp:
        work = Path(tmp)
        rows += terraform_rows(work / "terraform-1k", 1000, args.runs, applied=True)
        small = Target(0.6, faster=3, terraform=terraform_name(1000))
        rows += plan_rows(work / "small", 1000, 10, args.runs, (small, Target(0.4)))
        rows += terraform_rows(work / "terraform-10k", 10_000, large_runs, applied=False)
        many = Target(megabytes=120, faster=6, terraform=terraform_name(10_000))
        rows += plan_rows(work / "many", 10_000, 10, large_runs, (many, Target(1)))
        if not args.quick:
            rows += plan_rows(work / "large", 1000, 1000, large_runs, (Target(8, 400), Target(1)))
        rows.append(apply_row(work / "apply", 1000, 50))
    table = render(rows)
    print(table)
    print(ratios(rows))
    header = (
        "# Benchmarks\n\n"
        "Generated by `make bench` (`tests/benchmarks/run.py`); numbers from the last run. "
        "What the workloads are, how to read them and how costs grow: [scaling.md](scaling.md).\n\n"
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}\n"
        f"- runs per workload: median of {args.runs} (10,000 × 10, 1,000 × 1,000 and Terraform "
        f"of 10,000: {large_runs}), apply: one run\n"
        f"- load while it ran: {load_average()}\n"
        "- *cache warm*: the parse cache filled by an earlier run (a developer's machine); "
        "*no cache*: `CAMPAIGNS_NO_CACHE=1` (a fresh clone, as in CI)\n"
        "- *peak MB*: of the whole process tree (the command forks worker processes to load "
        "declarations, `CAMPAIGNS_JOBS`): the larger of `ru_maxrss` (the largest single process) "
        "and the peak of the tree's summed PSS (`/proc/PID/smaps_rollup`, shared pages divided "
        "among the processes sharing them), sampled every 100 ms while the command has "
        "descendants (`tests/benchmarks/tree_memory.py`)\n"
        "- *all applied*: the state as apply leaves it (`tests/benchmarks/state_fixture.py`), "
        "`sources` included, so unchanged files are taken from the state even without a cache\n\n"
    )
    args.out.write_text(header + table + "\n" + ratios(rows))


if __name__ == "__main__":
    main()
