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
from reconciler.apply.steps import utc_now
from reconciler.errors import ConfigError, HumanNeeded
from reconciler.models.journal import DedupeProof
from reconciler.routee.errors import RouteeError
from reconciler.usecases import Target
from reconciler.usecases.apply import canary_number
from reconciler.usecases.session import WorkspaceSession, open_session

Echo = Callable[[str], None]


def run_doctor(target: Target, canary_to: str | None, echo: Echo) -> CanaryResult:
    """Run every check, echoing one line each; ``HumanNeeded`` (exit 3) if dedupe is unverified."""
    config, workspace = target.config, target.workspace
    echo(f"ok   configuration: {config.root} (workspace {workspace.name})")
    number = canary_to or canary_number(workspace)
    with open_session(target, "doctor") as session:
        echo(f"ok   credentials: {_check_token(session.client)}")
        endpoint = session.remote.endpoint
        echo(f"ok   endpoint: state {session.path} is bound to {endpoint}")
        if number is None:
            raise ConfigError(
                "name dedupe not checked: no canary number. Pass --canary-to NUMBER (a phone "
                "you own; the canary call is scheduled a year ahead and cancelled at once) "
                "or set canary_to in campaigns.toml"
            )
        result = run_canary(session.client, number, datetime.now(UTC))
        _record(session, result)
    if not result.verified:
        raise HumanNeeded(
            f"name dedupe NOT verified on {endpoint}: {result.detail}. An in-doubt "
            "submission on this endpoint cannot be settled by re-sending it (`campaigns help recovery`)"
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


def _record(session: WorkspaceSession, result: CanaryResult) -> None:
    """The verdict as a journalled ``dedupe`` record, folded into the state (serial + 1)."""
    proof = DedupeProof(
        verified=result.verified, method="canary", detail=result.detail, at=utc_now()
    )
    try:
        with session.start_journal("doctor") as journal:
            journal.append(proof)
    finally:
        session.fold()
