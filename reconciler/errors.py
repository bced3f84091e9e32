"""The root of every exception the tool raises on purpose, and the whole tree, drawn once here.

Each layer defines its own small branch under :class:`CampaignsError` in its ``errors`` module;
foreign exceptions (httpx, ruamel, pydantic, OSError, git) are translated at the layer's boundary
and never reach the CLI. The CLI catches ``CampaignsError`` once, prints ``Error: <message>`` on
stderr and exits with the error's ``exit_code`` (``--debug`` shows the traceback).

    CampaignsError                  exit 1 unless stated                  (module)
    ├── ConfigError                 campaigns.toml or the environment     errors
    ├── GuardTripped                exit 4: a guard stopped the apply     errors
    ├── HumanNeeded                 exit 3: an in-doubt call is held      errors
    ├── LoadError                   declarations could not be loaded      load.findings
    ├── StateError                  state file, journal or lock           state.errors
    │   ├── StateMissing            no state: run ``campaigns init``
    │   ├── StateCorrupt            unreadable, or breaks the schema
    │   │   └── StateBehind         older than the journal an apply wrote on it
    │   ├── StateFutureVersion      written by a newer version
    │   ├── EndpointMismatch        bound to another endpoint (API or auth)
    │   ├── LineageMismatch         a journal of another state
    │   ├── LockHeld                another process holds the lock
    │   ├── SealBroken              a seal or journal MAC does not verify  state.seal
    │   └── BadKey                  CAMPAIGNS_STATE_KEY is too short      state.seal
    ├── PlanError                   a plan stops the command              plan.errors
    │   ├── PlanRefused             the diff found plan errors
    │   ├── PlanFileError           a plan file missing, corrupt, edited
    │   └── StalePlan               a saved plan no longer matches
    ├── RouteeError                 did Routee act on it?                 routee.errors
    │   ├── RouteeRejected          a definitive 4xx: nothing created
    │   │   ├── ValidationRejected  400
    │   │   ├── NotScheduled        400 400009002: not Scheduled
    │   │   ├── NotFound            404
    │   │   ├── NameConflict        409 409009003: the name exists
    │   │   └── AuthFailed          401/403 after one token renewal
    │   ├── NotProcessed            not acted on: safe to send again
    │   │   ├── RateLimited         429 (``retry_after``)
    │   │   └── NotSent             the request never left
    │   │       └── Unreachable     no answer within the access check
    │   └── InDoubtError            may or may not have taken effect
    │       ├── ServerError         5xx
    │       ├── OutcomeUnknown      sent, then no answer
    │       └── UnexpectedResponse  2xx with an unreadable body
    ├── ApplyCancelled              the plan was not approved             usecases.apply
    ├── ApplyFailed                 a campaign failed definitively        usecases.apply
    ├── ApplyStopped                credentials/endpoint refused: no call usecases.apply
    ├── ImportRefused               ``campaigns import`` refused          usecases.importing
    ├── BaseRefError                ``plan --base REF`` cannot compare     protected
    ├── GitError                    git gave no usable answer             gitrepo
    │   ├── GitUnavailable          git could not be started
    │   ├── GitTimeout              git ran too long
    │   └── GitFailed               git exited non-zero
    ├── AuditError                  the audit trail cannot be read        audit.history
    │   └── HistoryGitFailed        git answered with an error
    ├── BundledFileMissing          a file the wheel ships is not there   bundled
    ├── UnknownTopic                ``campaigns help`` has no such page   manual
    ├── LayoutError                 a scaffold file cannot be written     scaffold.layout
    └── SandboxError                the sandbox cannot start              sandbox.errors
        ├── IdentityError           ``identity.json`` is not one
        ├── DataDirInUse            another sandbox holds the data
        └── StoreCorrupt            an unreadable line before the last

(module) is where each branch is defined, under ``reconciler.``.
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


class HumanNeeded(CampaignsError):
    """A submission's outcome is unknown and cannot be settled automatically."""

    exit_code = ExitCode.IN_DOUBT
