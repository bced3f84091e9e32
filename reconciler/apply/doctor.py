"""``campaigns doctor``: configuration, credentials, endpoint binding, and name dedupe (5.4).

The dedupe verdict is recorded in the state through a journal (a ``dedupe`` record folded into the
state, serial + 1), like any other change an apply makes. The canary campaigns themselves are not
campaigns of the project and are not recorded; each one accepted is cancelled at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from reconciler.apply.canary import CanaryResult, run_canary
from reconciler.apply.ports import Routee
from reconciler.apply.remote import Target, connect
from reconciler.apply.run import canary_number, require_state_dir
from reconciler.apply.session import utc_now
from reconciler.errors import ConfigError, InDoubt
from reconciler.models.journal import DedupeProof, JournalHeader
from reconciler.routee.errors import RouteeError
from reconciler.state.journal import Journal
from reconciler.state.lock import WorkspaceLock
from reconciler.state.store import journal_path, lock_path
from reconciler.state.workspace import fold_journal, open_workspace

Echo = Callable[[str], None]


def run_doctor(target: Target, canary_to: str | None, echo: Echo) -> CanaryResult:
    """Run every check, echoing one line each; raise ``InDoubt`` (exit 3) if dedupe is unverified."""
    config, workspace = target.config, target.workspace
    echo(f"ok   configuration: {config.root} (workspace {workspace.name})")
    number = canary_to or canary_number(workspace)
    require_state_dir(config, workspace)
    with connect(target) as remote:
        echo(f"ok   credentials: {_check_token(remote.client)}")
        with WorkspaceLock(lock_path(config, workspace.name), "doctor"):
            opened = open_workspace(config, workspace, endpoint=remote.endpoint, lock_held=True)
            echo(f"ok   endpoint: state {opened.path} is bound to {remote.endpoint}")
            if number is None:
                raise ConfigError(
                    "name dedupe not checked: no canary number. Pass --canary-to NUMBER (a phone "
                    "you own; the canary call is scheduled a year ahead and cancelled at once) "
                    "or set canary_to in campaigns.toml"
                )
            result = run_canary(remote.client, number, datetime.now(UTC))
            _record(target, opened.state.lineage, opened.state.serial, result)
    if not result.verified:
        raise InDoubt(
            f"name dedupe NOT verified on {remote.endpoint}: {result.detail}. An in-doubt "
            "submission on this endpoint cannot be settled by re-sending it (docs/recovery.md)"
        )
    echo(f"ok   name dedupe verified: {result.detail}")
    return result


def _check_token(client: Routee) -> str:
    """Any authenticated read proves the token: a tracking search for a name nobody uses."""
    try:
        client.search_by_campaign_name("campaigns-doctor-probe")
    except RouteeError as exc:
        raise ConfigError(f"credentials or endpoint refused: {exc}") from exc
    return "token obtained, an authenticated read succeeded"


def _record(target: Target, lineage: str, serial: int, result: CanaryResult) -> None:
    config, name = target.config, target.workspace.name
    header = JournalHeader(
        lineage=lineage, base_serial=serial, started_at=utc_now(), operation="doctor"
    )
    try:
        with Journal.create(journal_path(config, name), header) as journal:
            journal.append(
                DedupeProof(
                    verified=result.verified, method="canary", detail=result.detail, at=utc_now()
                )
            )
    finally:
        fold_journal(config, name)
