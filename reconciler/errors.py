"""The root of every exception the tool raises on purpose.

Each layer defines a small tree under :class:`CampaignsError`; foreign exceptions (httpx, ruamel,
pydantic, OSError) are translated at the layer's boundary. The CLI catches ``CampaignsError`` once,
prints ``Error: <message>`` on stderr and exits with the error's ``exit_code``.

    CampaignsError                      exit 1 unless stated
    ├── ConfigError                     configuration file or environment
    ├── LoadError                       declarations could not be loaded (findings attached)
    ├── StateError                      state file: missing, corrupt, future version, wrong endpoint
    │   ├── StateMissing                no state for the workspace: run ``campaigns init``
    │   └── LockHeld                    another apply holds the workspace lock
    ├── PlanError                       the diff refused (plan errors attached)
    │   └── StalePlan                   a saved plan no longer matches the state
    ├── RouteeError                     see ``reconciler.routee.errors``
    ├── GuardTripped                    exit 4: a guard stopped the apply before any remote call
    └── InDoubt                         exit 3: a submission needs a human
"""

from __future__ import annotations


class ExitCode:
    """Exit codes, fixed from the start (design.md section 4)."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    IN_DOUBT = 3
    GUARD = 4


class CampaignsError(Exception):
    """Base of the tool's own exceptions; ``str(e)`` is the message shown to the user."""

    exit_code: int = ExitCode.ERROR


class ConfigError(CampaignsError):
    """The configuration file or the environment is wrong."""


class GuardTripped(CampaignsError):
    """A guard stopped an apply before any remote call."""

    exit_code = ExitCode.GUARD


class InDoubt(CampaignsError):
    """A submission's outcome is unknown and cannot be settled automatically."""

    exit_code = ExitCode.IN_DOUBT
