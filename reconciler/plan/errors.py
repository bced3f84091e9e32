"""The plan layer's exceptions (their place in the tree: ``reconciler.errors``)."""

from __future__ import annotations

from reconciler.errors import CampaignsError


class PlanError(CampaignsError):
    """Something about a plan stops the command."""


class PlanRefused(PlanError):
    """The plan has errors: those campaigns were not applied (the others were)."""


class PlanFileError(PlanError):
    """A saved plan file cannot be used as it is."""


class StalePlan(PlanError):
    """A saved plan was made against another state serial or other declarations."""
