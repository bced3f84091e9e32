"""The audit trail: what was sent, cancelled and forgotten, read from the state file's git history.

``events`` compares two state versions (pure), ``history`` reads the versions from git, and
``report`` turns events into the ``campaigns log`` listing and the CI's state-commit message.
"""

from reconciler.audit.events import Commit, Event, EventKind, compare_states
from reconciler.audit.history import (
    AuditError,
    AuditTrail,
    head_sha,
    read_trail,
    uncommitted_events,
)
from reconciler.audit.report import APPLIED_TRAILER, commit_message, summary, write_json, write_text

__all__ = [
    "APPLIED_TRAILER",
    "AuditError",
    "AuditTrail",
    "Commit",
    "Event",
    "EventKind",
    "commit_message",
    "compare_states",
    "head_sha",
    "read_trail",
    "summary",
    "uncommitted_events",
    "write_json",
    "write_text",
]
