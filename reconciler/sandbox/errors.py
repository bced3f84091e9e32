"""Why a sandbox cannot start, as one small tree under the tool's root error.

``SandboxError`` and its three kinds (identity, data directory in use, corrupt store) are drawn
with the rest of the tree in ``reconciler.errors``.

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
