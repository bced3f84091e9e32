"""Issue 12, the first two problems, reproduced against the sandbox and now ending as meant.

"Two calls where one was meant": a resend while the earlier submission is Scheduled says, in
every plan format, that the earlier one rings too; ``status --live`` lists both; ``cancel: true``
then cancels both. "Submissions nobody can cancel": a send settled by a 409 after a lost answer
has no trackingId; every plan format says it cannot be cancelled or replaced until the trackingId
is known, with the import command, and ``import ID --tracking-id T`` makes it cancellable;
meanwhile that problem blocks no other campaign (apply sends the rest and exits 1).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from reconciler.errors import ExitCode
from tests.e2e.conftest import SandboxFactory
from tests.e2e.project import FUTURE, Project, sandbox_campaigns

UNTRACKED = "cannot be cancelled or replaced until its trackingId is known"


def plan_formats(project: Project) -> dict[str, tuple[int, str]]:
    """The plan in each format: (exit code, output as a reader sees it)."""
    runs = {fmt: project.run("plan", "--format", fmt) for fmt in ("text", "json", "markdown")}
    shown = {fmt: run.output for fmt, run in runs.items()}
    shown["markdown"] = re.sub(r"\\(.)", r"\1", shown["markdown"])  # Markdown's escapes
    return {fmt: (run.exit_code, shown[fmt]) for fmt, run in runs.items()}


def test_a_resend_over_a_scheduled_submission_says_both_ring_and_cancel_stops_both(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("promo", number=1)
    assert project.run("apply", "--auto-approve").exit_code == 0
    first = project.state().campaigns["promo"].submissions[0].submission_name

    project.declare("promo", number=1, revision=2)
    for fmt, (code, output) in plan_formats(project).items():
        assert code == 0, (fmt, output)
        assert f"{first} (scheduled for {FUTURE}, 1 recipient)" in output, fmt
        assert "will ring too" in output, fmt
    assert project.run("apply", "--auto-approve").exit_code == 0

    live = project.run("status", "--live")
    assert live.exit_code == 0, live.output
    assert "2 submission(s) may still ring" in live.output
    rows = json.loads(project.run("status", "--live", "--format", "json").output)
    assert [(r["id"], r["seq"], r["scheduledDate"]) for r in rows] == [
        ("promo", 1, FUTURE),
        ("promo", 2, FUTURE),
    ]

    project.declare("promo", number=1, revision=2, cancel=True)
    planned = project.run("plan")
    assert planned.output.count("- cancel promo") == 2, planned.output
    assert "2 to cancel" in planned.output
    cancelled = project.run("apply", "--auto-approve")
    assert cancelled.exit_code == 0, cancelled.output
    remote = sandbox_campaigns(project.sandbox)
    assert len(remote) == 2 and all(c["cancelled"] for c in remote), remote
    assert "No submission may still ring" in project.run("status", "--live").output


def test_a_submission_with_no_tracking_id_is_shown_and_import_makes_it_cancellable(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    sandbox = sandbox_factory(tracking_includes_campaign_id=True)
    project = Project(tmp_path / "p", sandbox)
    project.init()
    assert project.run("doctor").exit_code == 0  # dedupe verified: a 409 settles a re-send
    project.declare("lost", number=2)
    project.declare("other", number=3)
    sandbox.options.lose_response_rate = 1.0  # the POSTs land, their answers are lost
    assert project.run("apply", "--auto-approve").exit_code == 0
    sandbox.options.lose_response_rate = 0.0
    submission = project.state().campaigns["lost"].submissions[0]
    assert submission.tracking_id is None

    # Unchanged: every format says so (a warning), and the command that settles it.
    for fmt, (code, output) in plan_formats(project).items():
        assert code == 0, (fmt, output)
        assert UNTRACKED in output, fmt
        assert "campaigns import lost --tracking-id T" in output, fmt
    assert "pending" in project.run("status", "--live").output

    # cancel: true cannot cancel it yet: reported, with the same command.
    project.declare("lost", number=2, cancel=True)
    refused = project.run("plan")
    assert refused.exit_code == ExitCode.ERROR, refused.output
    assert UNTRACKED in refused.output and "campaigns import lost --tracking-id T" in refused.output

    # That problem blocks only `lost`: apply sends the rest, then exits 1 naming it.
    project.declare("fresh", number=4)
    partial = project.run("apply", "--auto-approve")
    assert partial.exit_code == ExitCode.ERROR, partial.output
    assert "1 sent" in partial.output
    assert "those campaigns were not applied (the others were)" in partial.output
    assert UNTRACKED in partial.output
    assert project.state().campaigns["fresh"].submissions
    assert len(sandbox_campaigns(sandbox)) == 3

    (landed,) = [
        c for c in sandbox_campaigns(sandbox) if c["campaignName"] == submission.submission_name
    ]
    settled = project.run("import", "lost", "--tracking-id", landed["trackingId"])
    assert settled.exit_code == 0, settled.output
    assert "Settled lost" in settled.output
    after = project.state().campaigns["lost"].submissions
    assert [s.tracking_id for s in after] == [landed["trackingId"]]

    planned = project.run("plan")
    assert planned.exit_code == 0, planned.output
    assert "- cancel lost" in planned.output
    assert "import lost --tracking-id" not in planned.output  # only `other` is still untracked
    applied = project.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    (remote,) = [c for c in sandbox_campaigns(sandbox) if c["trackingId"] == landed["trackingId"]]
    assert remote["cancelled"]
    assert len(sandbox_campaigns(sandbox)) == 3  # nothing sent twice


def test_replace_id_cancels_an_unchanged_campaign_and_sends_its_declared_spec(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("kept", number=5)
    assert project.run("apply", "--auto-approve").exit_code == 0
    assert "-/+ replace kept" in project.run("plan", "--replace", "kept").output
    assert "No changes" in project.run("plan").output  # only when asked
    replaced = project.run("apply", "--auto-approve", "--replace", "kept")
    assert replaced.exit_code == 0, replaced.output
    old, new = project.state().campaigns["kept"].submissions
    remote = {c["campaignName"]: c for c in sandbox_campaigns(project.sandbox)}
    assert remote[old.submission_name]["cancelled"] and not remote[new.submission_name]["cancelled"]
    assert new.request == old.request


def test_the_resend_notes_way_to_call_once_works(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    """cancel: true first (with the raised revision), then without: one call in the end."""
    project = Project(tmp_path / "p", sandbox_factory())
    project.init()
    project.declare("once", number=6)
    assert project.run("apply", "--auto-approve").exit_code == 0
    project.declare("once", number=6, revision=2)
    assert "add cancel: true and apply first" in project.run("plan").output
    project.declare("once", number=6, revision=2, cancel=True)
    assert project.run("apply", "--auto-approve").exit_code == 0
    project.declare("once", number=6, revision=2)
    resent = project.run("apply", "--auto-approve")
    assert resent.exit_code == 0, resent.output
    remote = sandbox_campaigns(project.sandbox)
    assert sorted(c["cancelled"] for c in remote) == [False, True]
    rows = json.loads(project.run("status", "--live", "--format", "json").output)
    assert [(r["id"], r["seq"]) for r in rows] == [("once", 2)]
