"""The state layer's exceptions (their place in the tree: ``reconciler.errors``).

OSError, json and pydantic errors are translated into these where they happen.
"""

from __future__ import annotations

from reconciler.errors import CampaignsError


class StateError(CampaignsError):
    """A state file, journal or lock problem."""


class StateMissing(StateError):
    """The workspace has no state file yet."""


class StateCorrupt(StateError):
    """A state file or journal cannot be read as what it should be."""


class StateBehind(StateCorrupt):
    """The journal starts from a later serial than the state file: a newer state was lost."""


class StateFutureVersion(StateError):
    """The state file's ``formatVersion`` is newer than this tool understands."""


class EndpointMismatch(StateError):
    """The state file is bound to another endpoint than the one in use."""


class LineageMismatch(StateError):
    """A journal was started on a different state (another lineage)."""


class LockHeld(StateError):
    """Another process holds the workspace lock."""
