"""The audit trail: what was sent, cancelled and forgotten, read from the state file's git history.

``events`` compares two state versions (pure) and ``history`` reads the versions from git;
``reconciler.render.log`` turns events into the ``campaigns log`` listing and the CI's
state-commit message.
"""

from reconciler.audit.events import Commit, Event, EventKind, compare_states
from reconciler.audit.history import (
    APPLIED_TRAILER,
    AuditError,
    AuditTrail,
    head_sha,
    read_trail,
    uncommitted_changes,
    uncommitted_events,
)

__all__ = [
    "APPLIED_TRAILER",
    "AuditError",
    "AuditTrail",
    "Commit",
    "Event",
    "EventKind",
    "compare_states",
    "head_sha",
    "read_trail",
    "uncommitted_changes",
    "uncommitted_events",
]
