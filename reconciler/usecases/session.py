"""One workspace session: connect, lock, open (a leftover journal folded in), journal, write.

Every command that may call Routee or change the state (apply, refresh, import, doctor) opens the
workspace through :func:`open_session`, so the order is the same everywhere: the state directory
is checked, Routee (or the in-process sandbox) is connected, the workspace lock is taken, the
state is opened under it with any leftover journal folded, and changes go back either as one
atomic write (serial + 1) or as a journal folded at the end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.apply.steps import utc_now
from reconciler.config import Config, Workspace
from reconciler.models.journal import JournalHeader
from reconciler.models.state import State
from reconciler.routee.client import RouteeClient
from reconciler.state.journal import Journal, read_journal
from reconciler.state.lock import WorkspaceLock
from reconciler.state.seal import state_key
from reconciler.state.store import journal_path, load_state, lock_path, state_path, write_state
from reconciler.state.workspace import fold_journal, open_workspace
from reconciler.usecases import Target
from reconciler.usecases.remote import Remote, connect


@dataclass
class WorkspaceSession:
    """An opened workspace under its lock, with a connected client."""

    config: Config
    workspace: Workspace
    remote: Remote
    #: The state as opened (a leftover journal folded in), then as last written or folded.
    state: State
    path: Path
    #: What opening the workspace did (created the state, folded a journal), for the user.
    notes: list[str] = field(default_factory=list)

    @property
    def client(self) -> RouteeClient:
        return self.remote.client

    def write(self, state: State) -> State:
        """Write ``state`` as the next serial (one atomic write) and keep it as the current one."""
        self.state = state.model_copy(update={"serial": state.serial + 1})
        write_state(self.path, self.state)
        return self.state

    def start_journal(self, operation: str) -> Journal:
        """A journal on the current state; :meth:`fold` folds it in (serial + 1) and removes it."""
        header = JournalHeader(
            lineage=self.state.lineage,
            base_serial=self.state.serial,
            started_at=utc_now(),
            operation=operation,
        )
        return Journal.create(journal_path(self.config, self.workspace.name), header)

    def fold(self) -> State:
        """Fold the journal (if any) into the state file, remove it, keep the folded state."""
        self.state, _ = fold_journal(self.config, self.workspace.name)
        return self.state


def require_state_dir(config: Config, workspace: Workspace) -> None:
    """The lock lives beside the state: make ``state/`` for the sandbox, else insist on a state.

    This runs before credentials are read or anything is connected: with
    ``CAMPAIGNS_STATE_KEY`` set, a state whose seal or a journal whose MACs do not verify stops
    the command here (:mod:`reconciler.state.seal`).
    """
    if workspace.is_sandbox:
        config.state_dir.mkdir(parents=True, exist_ok=True)
        return
    load_state(state_path(config, workspace.name))  # StateMissing names `campaigns init`
    journal = journal_path(config, workspace.name)
    if state_key() is not None and os.path.lexists(journal):
        read_journal(journal)


@contextlib.contextmanager
def open_session(target: Target, operation: str) -> Iterator[WorkspaceSession]:
    """Connect, lock the workspace for ``operation``, open its state; release all on exit."""
    config, workspace = target.config, target.workspace
    require_state_dir(config, workspace)
    with connect(target) as remote, WorkspaceLock(lock_path(config, workspace.name), operation):
        opened = open_workspace(config, workspace, endpoint=remote.endpoint, lock_held=True)
        yield WorkspaceSession(
            config, workspace, remote, opened.state, opened.path, list(opened.notes)
        )
