"""``campaigns doctor``: configuration, credentials, endpoint binding, and name dedupe (5.4).

The canary is sent with the name under the request key apply would use (``name_key`` of
campaigns.toml, else the key recorded by an earlier doctor, else ``name``, Routee's published
voice schema). If Routee's answer does not echo it, the canary is tried once more under the other
key, so doctor can say which key Routee honours. The verdict and that key are recorded in the
state through a journal (a ``dedupe`` record folded into the state, serial + 1), like any other
change an apply makes; a later apply sends the recorded key unless campaigns.toml pins one. The
canary campaigns are not campaigns of the project, but each POST and DELETE of theirs (under
either key) is journalled like a submission: one that may still be scheduled (a kill, a lost
answer) is folded into ``State.canaries``; the next doctor names it, and cancels
it when its trackingId is known and ``--cancel-canaries`` asks for that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from reconciler.apply.canary import CanaryResult, run_canary
from reconciler.apply.canary_journal import JournalledCanaryClient, cancel_leftovers
from reconciler.apply.dedupe import request_name_key, verified_for
from reconciler.apply.steps import utc_now
from reconciler.enums import NameKey
from reconciler.errors import ConfigError, HumanNeeded
from reconciler.models.journal import DedupeProof
from reconciler.models.state import DedupeCheck
from reconciler.routee.client import Access, RouteeClient
from reconciler.routee.errors import RouteeError
from reconciler.usecases import Target
from reconciler.usecases.apply import canary_number, canary_sender, missing_sender
from reconciler.usecases.session import WorkspaceSession, open_session

Echo = Callable[[str], None]


def run_doctor(
    target: Target, canary_to: str | None, echo: Echo, *, cancel_canaries: bool = False
) -> CanaryResult:
    """Run every check, echoing one line each; ``HumanNeeded`` (exit 3) if dedupe is unverified."""
    config, workspace = target.config, target.workspace
    echo(f"ok   configuration: {config.root} (workspace {workspace.name})")
    number = canary_to or canary_number(workspace)
    with open_session(target, "doctor") as session:
        access = _check_access(session.client)
        echo(f"ok   credentials: token obtained from {access.token_url}")
        echo(f"ok   endpoint: {access.read} answered (an authenticated read)")
        endpoint = session.remote.endpoint
        echo(f"ok   state: {session.path} is bound to {endpoint}")
        if number is None:
            raise ConfigError(
                "name dedupe not checked: no canary number. Pass --canary-to NUMBER (a phone "
                "you own; the canary call is scheduled a year ahead and cancelled at once) "
                "or set canary_to in campaigns.toml"
            )
        sender = canary_sender(config, workspace)
        problem = missing_sender(sender, number, workspace)
        if sender is None or problem is not None:
            raise ConfigError(f"name dedupe not checked: {problem}")
        pinned = workspace.settings.name_key
        key = request_name_key(pinned, session.state.dedupe)
        result, honoured, recorded = _canary(
            session, number=number, sender=sender, key=key, echo=echo, cancel=cancel_canaries
        )
        echo(name_key_line(key, honoured, pinned))
    if honoured is not None and pinned and honoured != pinned:
        raise HumanNeeded(
            f"name dedupe NOT verified for the key apply sends: campaigns.toml pins name_key = "
            f'"{pinned}" (workspace {workspace.name}) but Routee honours "{honoured}". Set '
            f'name_key = "{honoured}" there, or remove it (doctor recorded "{honoured}")'
        )
    if not verified_for(recorded, request_name_key(pinned, recorded)):
        raise HumanNeeded(
            f"name dedupe NOT verified on {endpoint}: {result.detail}. An in-doubt "
            "submission on this endpoint cannot be settled by re-sending it (`campaigns help recovery`)"
        )
    echo(f"ok   name dedupe verified: {result.detail}")
    return result


def probe_name_key(
    client: RouteeClient, key: str, canary: Callable[[], CanaryResult]
) -> tuple[CanaryResult, str | None]:
    """The canary under ``key``, then (if Routee ignored it) under the other key.

    Returns the verdict for the key Routee honours and that key (None: no answer told, or Routee
    echoed the name under neither key; the verdict is then the first canary's).
    """
    client.name_key = key
    result = canary()
    if result.honoured is not False:
        return result, key if result.honoured else None
    other = other_name_key(key)
    client.name_key = other
    try:
        second = canary()
    finally:
        client.name_key = key
    if second.honoured:
        return second, other
    return result, None


def other_name_key(key: str) -> str:
    return NameKey.CAMPAIGN_NAME.value if key == NameKey.NAME.value else NameKey.NAME.value


def name_key_line(key: str, honoured: str | None, pinned: str | None) -> str:
    """What doctor says about the name key, naming where the key sent came from."""
    source = "name_key in campaigns.toml" if pinned else "the default or the recorded key"
    if honoured == key:
        return f"ok   name key: Routee honours {key!r} ({source}); echoed as campaignName"
    if honoured is None:
        return (
            f"FAIL name key: Routee echoed the name neither under {key!r} nor under "
            f"{other_name_key(key)!r}, or no answer told"
        )
    return (
        f"WARN name key: Routee ignored {key!r} ({source}) and honours {honoured!r}: recorded"
        + ("" if pinned else f"; apply sends {honoured!r} from now on")
    )


def _check_access(client: RouteeClient) -> Access:
    """A token, then an authenticated read (a tracking search for a name nobody uses), each
    named by the URL actually called; an unreachable endpoint is reported within seconds."""
    try:
        return client.check_access()
    except RouteeError as exc:
        raise ConfigError(f"credentials or endpoint refused: {exc}") from exc


def _canary(
    session: WorkspaceSession,
    *,
    number: str,
    sender: str,
    key: str,
    echo: Echo,
    cancel: bool,
) -> tuple[CanaryResult, str | None, DedupeCheck]:
    """The canary (under ``key``, then the other key if Routee ignored it) under a journal: every
    POST and DELETE journalled like a submission (a killed doctor leaves its canary in
    ``State.canaries``), canaries a killed run left named first (and cancelled with
    ``--cancel-canaries``), then the verdict and the key Routee honoured as a ``dedupe`` record;
    all folded into the state (serial + 1)."""
    try:
        with session.start_journal("doctor") as journal:
            client = JournalledCanaryClient(session.client, journal, utc_now)
            for note in cancel_leftovers(client, session.state.canaries, cancel=cancel):
                echo(f"warn {note}")
            result, honoured = probe_name_key(
                session.client,
                key,
                lambda: run_canary(client, number, datetime.now(UTC), sender=sender),
            )
            journal.append(
                DedupeProof(
                    verified=result.verified,
                    method="canary",
                    detail=result.detail,
                    at=utc_now(),
                    name_key=honoured,
                )
            )
    finally:
        session.fold()
    return result, honoured, session.state.dedupe
