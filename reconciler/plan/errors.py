"""The plan layer's exceptions.

PlanError(CampaignsError)      exit 1
├── PlanRefused                the diff found plan errors (listed in the message)
├── PlanFileError              a saved plan file is missing, corrupt, of another format
│                              version, or edited after it was written (bad checksum)
└── StalePlan                  a saved plan no longer matches the state or the declarations
"""

from __future__ import annotations

from reconciler.errors import CampaignsError


class PlanError(CampaignsError):
    """Something about a plan stops the command."""


class PlanRefused(PlanError):
    """The plan has errors; nothing can be applied until they are fixed."""


class PlanFileError(PlanError):
    """A saved plan file cannot be used as it is."""


class StalePlan(PlanError):
    """A saved plan was made against another state serial or other declarations."""
