"""Opening a workspace: the one call a command makes to get a usable, up-to-date state.

It loads ``state/<ws>.json`` (creating it only for the ``sandbox`` workspace, or when asked),
refuses a state bound to another endpoint, and folds a journal left behind by a killed apply
(under the workspace lock), so that no command ever plans from a state that misses what was sent.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.config import Config, Workspace
from reconciler.models.state import State
from reconciler.state.errors import (
    EndpointMismatch,
    LineageMismatch,
    StateBehind,
    StateCorrupt,
    StateError,
)
from reconciler.state.lock import WorkspaceLock, live_holder
from reconciler.state.seal import KEY_ENV, state_key
from reconciler.state.store import (
    create_state,
    journal_path,
    load_state,
    lock_path,
    new_state,
    remove_leftover_temps,
    restore_hint,
    state_path,
    write_state,
)


@dataclass(frozen=True)
class OpenedWorkspace:
    """A loaded state with any leftover journal folded in."""

    state: State
    path: Path
    notes: list[str] = field(default_factory=list)


def endpoint_for(config: Config, workspace: Workspace) -> str:
    """What a state is bound to: the API URL, or ``sandbox:<account id>`` for the sandbox."""
    if not workspace.is_sandbox:
        return workspace.api_url
    from reconciler.sandbox.identity import IdentityError, account_id

    try:
        return f"sandbox:{account_id(config.sandbox_dir)}"
    except (IdentityError, OSError) as exc:
        raise StateError(f"sandbox identity: {exc}") from exc


def auth_endpoint_for(workspace: Workspace, endpoint: str) -> str:
    """Where credentials go: the auth URL, or the sandbox's ``endpoint`` (one identity for both)."""
    return endpoint if workspace.is_sandbox else workspace.auth_url


def open_workspace(
    config: Config,
    workspace: Workspace,
    *,
    endpoint: str,
    create: bool = False,
    lock_held: bool = False,
) -> OpenedWorkspace:
    """Load (or create) the workspace's state, check its endpoint, fold a leftover journal.

    ``lock_held`` says the caller already holds the workspace lock (an apply), so folding must
    not take it again.
    """
    path = state_path(config, workspace.name)
    notes: list[str] = []
    auth_endpoint = auth_endpoint_for(workspace, endpoint)
    if not os.path.lexists(path) and (create or workspace.is_sandbox):
        _create(path, workspace.name, endpoint, auth_endpoint)
        notes.append(f"created {path}")
    state = load_state(path)
    _check_endpoint(state, endpoint, path, workspace)
    _check_auth_endpoint(state, auth_endpoint, path, workspace)
    leftovers = remove_leftover_temps(path)
    if leftovers:
        notes.append(
            f"removed {len(leftovers)} temporary file(s) left in {path.parent} by a state write "
            "that was interrupted"
        )
    journal = journal_path(config, workspace.name)
    if os.path.lexists(journal):
        state, folded = _fold_leftover(config, workspace.name, lock_held)
        notes.extend(folded)
    return OpenedWorkspace(state=state, path=path, notes=notes)


def read_workspace(config: Config, workspace: Workspace) -> OpenedWorkspace:
    """The workspace as a read-only command (status, plan) sees it: creates, locks, writes nothing.

    No state: :class:`StateMissing` naming ``init``, except for the sandbox workspace, which is
    shown as an empty state in memory. An apply running (its lock's holder alive): the state as
    last written, with a note saying so. A journal left by an earlier command: folded in memory
    only; the next apply, refresh or doctor writes it.
    """
    path = state_path(config, workspace.name)
    endpoint = _existing_endpoint(config, workspace)
    if not os.path.lexists(path) and workspace.is_sandbox:
        state = new_state(workspace.name, endpoint or "sandbox:(no identity yet)")
        note = (
            f"{path} does not exist yet: `campaigns apply --sandbox` creates it (the submission "
            "names shown here are provisional until then)"
        )
        return OpenedWorkspace(state=state, path=path, notes=[note])
    state = load_state(path)
    bound = endpoint or "sandbox:(no identity in .sandbox/)"
    _check_endpoint(state, bound, path, workspace)
    _check_auth_endpoint(state, auth_endpoint_for(workspace, bound), path, workspace)
    holder = live_holder(lock_path(config, workspace.name))
    if holder is not None:
        note = (
            f"{holder.get('operation', 'an apply')} is running on this workspace "
            f"({holder.get('owner', '?')}@{holder.get('host', '?')}, pid {holder.get('pid', '?')}, "
            f"since {holder.get('createdAt', '?')}): showing the state as last written "
            f"(serial {state.serial}); run again once it has finished"
        )
        return OpenedWorkspace(state=state, path=path, notes=[note])
    journal = journal_path(config, workspace.name)
    if not os.path.lexists(journal):
        return OpenedWorkspace(state=state, path=path)
    return _fold_in_memory(path, journal, state)


def _existing_endpoint(config: Config, workspace: Workspace) -> str | None:
    """:func:`endpoint_for` without creating the sandbox identity (None: it has none yet)."""
    if not workspace.is_sandbox:
        return workspace.api_url
    from reconciler.sandbox.identity import IdentityError, existing_account_id

    try:
        found = existing_account_id(config.sandbox_dir)
    except (IdentityError, OSError) as exc:
        raise StateError(f"sandbox identity: {exc}") from exc
    return None if found is None else f"sandbox:{found}"


def _fold_in_memory(path: Path, journal: Path, state: State) -> OpenedWorkspace:
    from reconciler.state.fold import fold  # only with a journal: a plan never needs these
    from reconciler.state.journal import read_journal

    try:
        result = fold(state, read_journal(journal), _now())
    except (StateCorrupt, LineageMismatch) as exc:
        raise type(exc)(f"{exc}. {journal_advice(path, journal, exc)}") from exc
    notes = [
        f"{journal} (left by an earlier apply) is folded in memory for this view; the next "
        f"apply, refresh or doctor writes it into {path}",
        *result.notes,
    ]
    notes.extend(
        f"{p.intent.id}: {p.intent.type} {p.intent.key} is unresolved (in doubt)"
        for p in result.state.pending
    )
    return OpenedWorkspace(state=result.state, path=path, notes=notes)


def _create(path: Path, name: str, endpoint: str, auth_endpoint: str) -> None:
    try:
        create_state(path, new_state(name, endpoint, auth_endpoint))
    except StateError:
        if not os.path.lexists(path):  # a concurrent creator winning the race is fine
            raise


def _check_endpoint(state: State, endpoint: str, path: Path, workspace: Workspace) -> None:
    if state.endpoint == endpoint:
        return
    hint = (
        "the sandbox's data directory was replaced; delete the (git-ignored) sandbox state to "
        "start over"
        if workspace.is_sandbox
        else "use the workspace that belongs to this endpoint, or fix ROUTEE_API_URL / "
        "campaigns.toml; if the new endpoint is right, re-bind explicitly with "
        f"`campaigns bind --workspace {workspace.name}` and commit the state"
    )
    raise EndpointMismatch(
        f"{path}: this state belongs to {state.endpoint}, but workspace '{workspace.name}' now "
        f"points at {endpoint}; refusing to use it ({hint})"
    )


def _check_auth_endpoint(state: State, auth: str, path: Path, workspace: Workspace) -> None:
    """Credentials go only to the auth endpoint the state is bound to (design.md section 3)."""
    if state.auth_endpoint == auth:
        return
    rebind = f"campaigns bind --workspace {workspace.name}"
    if state.auth_endpoint is None:
        raise EndpointMismatch(
            f"{path}: this state binds no auth endpoint (made before auth binding), and "
            f"credentials must go only to a bound one; bind it once to {auth} with `{rebind}` "
            "and commit the state"
        )
    raise EndpointMismatch(
        f"{path}: this state's credentials go to {state.auth_endpoint}, but workspace "
        f"'{workspace.name}' now sends them to {auth} (ROUTEE_AUTH_URL / campaigns.toml "
        f"auth_url); refusing before any credentials are sent. If the new endpoint is right, "
        f"re-bind explicitly with `{rebind}` and commit the state"
    )


def bind_workspace(config: Config, workspace: Workspace) -> tuple[State, State]:
    """Bind the workspace's state to the endpoints configured now; (before, after) states.

    Under the workspace lock; a journal left behind is folded first. The caller commits it.
    """
    if workspace.is_sandbox:
        raise StateError("the sandbox workspace binds itself to its data directory's identity")
    path = state_path(config, workspace.name)
    with WorkspaceLock(lock_path(config, workspace.name), "bind"):
        state = load_state(path)
        if os.path.lexists(journal_path(config, workspace.name)):
            state, _ = fold_journal(config, workspace.name)
        endpoint = endpoint_for(config, workspace)
        bound = state.model_copy(
            update={"endpoint": endpoint, "auth_endpoint": auth_endpoint_for(workspace, endpoint)}
        )
        if bound == state:
            return state, state
        bound = bound.model_copy(update={"serial": state.serial + 1})
        write_state(path, bound)
        return state, bound


def seal_workspace(config: Config, workspace: Workspace) -> State:
    """Seal the workspace's state as it is (``CAMPAIGNS_STATE_KEY`` must be set); under the lock.

    Its current seal is not checked: a person runs this once, after looking at what the state
    holds, to adopt sealing. A journal left behind must be folded first (it is not trusted here).
    """
    if state_key() is None:
        raise StateError(f"{KEY_ENV} is not set: there is no key to seal the state with")
    path = state_path(config, workspace.name)
    with WorkspaceLock(lock_path(config, workspace.name), "seal"):
        journal = journal_path(config, workspace.name)
        if os.path.lexists(journal):
            raise StateError(
                f"{journal}: a journal is waiting to be folded; sealing would vouch for records "
                "nobody checked. Fold it first (any command that opens the workspace, with the key "
                "unset, folds it), look at the result, then seal"
            )
        state = load_state(path, verify=False)
        write_state(path, state)
        return state


def _fold_leftover(config: Config, name: str, lock_held: bool) -> tuple[State, list[str]]:
    """Fold ``state/<ws>.journal`` into the state file and remove it."""
    if lock_held:
        return fold_journal(config, name)
    with WorkspaceLock(lock_path(config, name), "fold journal"):
        return fold_journal(config, name)


def fold_journal(config: Config, name: str) -> tuple[State, list[str]]:
    """With the lock held: fold the journal (if still there), write the state, remove it."""
    from reconciler.state.fold import fold
    from reconciler.state.journal import read_journal, remove_journal

    path = state_path(config, name)
    journal = journal_path(config, name)
    state = load_state(path)
    if not os.path.lexists(journal):  # another command folded it while we waited
        return state, []
    try:
        result = fold(state, read_journal(journal), _now())
    except (StateCorrupt, LineageMismatch) as exc:
        raise type(exc)(f"{exc}. {journal_advice(path, journal, exc)}") from exc
    if result.only_sources:  # nothing was sent or settled: the state file stays byte-identical
        remove_journal(journal)
        return state, result.notes
    if result.changed:
        try:
            write_state(path, result.state)
        except StateError as exc:
            raise StateError(
                f"{exc}. Nothing is lost: {journal} keeps every submission, and the next "
                "apply, refresh or doctor folds it in once the state can be written"
            ) from exc
    remove_journal(journal)
    notes = [f"folded the journal left by an earlier apply into {path}", *result.notes]
    notes.extend(
        f"{p.intent.id}: {p.intent.type} {p.intent.key} is unresolved (in doubt)"
        for p in result.state.pending
    )
    return result.state, notes


def journal_advice(path: Path, journal: Path, exc: StateError) -> str:
    """What to do next about a journal that cannot be folded into the state at ``path``."""
    aside = f"mv {journal} {journal}.unfolded"
    if isinstance(exc, StateBehind):
        return (
            f"Next: put back the newer state the apply ran on ({restore_hint(path)}); then any "
            "command folds the journal"
        )
    if isinstance(exc, LineageMismatch):
        return (
            "Next: if the state file was restored or re-created, put back the state this journal "
            "was written for (its lineage is in the journal's first line) and any command folds "
            f"it; if that state is gone, move the journal aside ({aside}) and look up in Routee "
            "the submission names it records (`campaigns help recovery`)"
        )
    return (
        f"Next: keep it, but move it aside ({aside}) and run `campaigns plan`: nothing is sent "
        "twice without it, since the next apply derives the same submission names and Routee "
        "refuses a name it already has (409); a submission it finds that way is adopted as "
        "'spec unverified' (`campaigns help recovery`)"
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
