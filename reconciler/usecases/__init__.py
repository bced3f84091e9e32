"""The use cases below the CLI: plan, apply, refresh, import, doctor, status.

Each is a function that takes what the CLI parsed, does its work through one
:class:`~reconciler.usecases.session.WorkspaceSession` (connect, lock, open, fold, write) when it
touches Routee or the state, and returns a result the CLI renders. None of them prints.
"""

from __future__ import annotations

from typing import Protocol

from reconciler.config import Config, Workspace


class Target(Protocol):
    """What a use case works on: a project's configuration and one of its workspaces.

    ``reconciler.cli.options.Target`` has it; so can a test or another front end.
    """

    @property
    def config(self) -> Config: ...
    @property
    def workspace(self) -> Workspace: ...
