"""Turn a benchmark project's empty state into "everything already applied".

Builds the records an apply would have written (one accepted submission per declaration, with the
request as sent and its submission name) without talking to a sandbox, so the 1 M-number workload
needs no million-number apply to set up. ``State.sources`` (what apply loaded, per file) gets there
the way apply puts it there: the load's ``sources`` in a journal ``Sources`` record, folded. As in
apply, the suppression lists screen the requests first (docs/policy.md): a submission holds the
request without the suppressed numbers, and ``sources`` records which were dropped, so that a plan
of the unchanged project has nothing left to do.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from reconciler.config import load_config
from reconciler.load import load_project
from reconciler.load.recorded import with_dropped
from reconciler.models.journal import JournalHeader, Sources
from reconciler.models.state import CampaignRecord, Submission
from reconciler.plan.names import submission_name
from reconciler.policy.screening import screen_campaigns
from reconciler.state.fold import fold
from reconciler.state.store import load_state, state_path, write_state
from reconciler.usecases.plan import policy_inputs

AT = "2026-11-27T00:00:00Z"


def write_applied_state(project: Path, workspace: str) -> None:
    config = load_config(project)
    loaded = load_project(config)
    if loaded.findings:
        raise SystemExit(f"benchmark declarations are invalid: {loaded.findings[0]}")
    path = state_path(config, workspace)
    state = load_state(path)
    inputs = policy_inputs(config, config.workspace(workspace), state)
    screening = screen_campaigns(
        loaded.campaigns, inputs.listed, inputs.policy.settings.on_suppressed
    )
    if screening.errors:
        raise SystemExit(f"benchmark declarations are refused: {screening.errors[0][1]}")
    sources = with_dropped(loaded.sources, loaded.campaigns, inputs.listed)
    header = JournalHeader(lineage=state.lineage, base_serial=state.serial, started_at=AT)
    state = fold(state, [header, Sources(sources=sources, at=AT)]).state  # serial + 1
    for campaign in screening.campaigns:
        submission = Submission(
            seq=1,
            revision=campaign.revision,
            submission_name=submission_name(campaign.label, state.lineage, campaign.id, 1),
            tracking_id=str(uuid.uuid5(uuid.NAMESPACE_URL, campaign.id)),
            spec_hash=campaign.spec_hash,
            decl_hash=campaign.decl_hash,
            request=campaign.request,
            submitted_at=AT,
            state="Scheduled",
        )
        state.campaigns[campaign.id] = CampaignRecord(
            id=campaign.id, source=campaign.source.path, submissions=[submission]
        )
    write_state(path, state)


if __name__ == "__main__":
    # Run apart from the benchmark runner, so its memory never shows in a measured child's
    # ru_maxrss (a forked child starts with its parent's resident size).
    import sys

    write_applied_state(Path(sys.argv[1]), sys.argv[2])
