"""Why a sandbox cannot start, as one small tree under the tool's root error.

    SandboxError(CampaignsError)    the sandbox cannot start as asked
    ├── IdentityError               ``identity.json`` exists but is not an identity
    ├── DataDirInUse                another running sandbox holds the data directory
    └── StoreCorrupt                ``campaigns.jsonl`` has an unreadable line before its last

Deriving from ``CampaignsError`` (the one module the sandbox shares with the tool besides its
enums) lets every caller, ``campaigns sandbox`` and the in-process ``--sandbox`` alike, show
``Error: <message>`` and exit 1 instead of a traceback.
"""

from __future__ import annotations

from reconciler.errors import CampaignsError


class SandboxError(CampaignsError):
    """The sandbox cannot start as asked (a non-loopback host, a busy port, unusable data)."""


class IdentityError(SandboxError):
    """The identity file exists but cannot be read as an identity."""


class DataDirInUse(SandboxError):
    """Another running sandbox (in this process or another) holds the data directory."""


class StoreCorrupt(SandboxError):
    """The campaign log has a bad line that is not a torn last write; nothing is rewritten."""
