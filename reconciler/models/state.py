"""The state file's model: what was submitted to Routee, per campaign id (design.md section 3).

Serialized as camelCase JSON (``state/<workspace>.json``). Every accepted submission of a campaign
is kept, oldest first, in :attr:`CampaignRecord.submissions`; the last one is the campaign's
current submission and the earlier ones are its history. ``seq`` of the next submission is
``len(submissions) + 1`` (design.md 5.1): only submissions Routee accepted are recorded.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from reconciler.models.intent import (
    CancelIntent,
    CancelReason,
    Intent,
    OutcomeKind,
    SubmitIntent,
)

__all__ = ["CancelReason"]  # re-exported: a submission records why it was cancelled

FORMAT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", validate_assignment=False
    )


class SubmissionStatus(StrEnum):
    """What became of one accepted submission, as far as the tool knows."""

    ACCEPTED = "accepted"  # Routee accepted it; it is scheduled, running or done
    CANCELLED = "cancelled"  # we cancelled it (``cancel: true``, or the first half of a replace)
    CANCELLED_EXTERNALLY = "cancelledExternally"  # older states only: a 404 is no longer read so
    UNKNOWN = "unknown"  # refresh saw a Routee state the tool does not know


class SubmissionOrigin(StrEnum):
    APPLY = "apply"  # submitted by apply, answer seen (200)
    RESOLVED = "resolved"  # an in-doubt submission settled by a 409 on the re-send
    ADOPTED = "adopted"  # a fresh send answered 409: most likely our own lost attempt
    IMPORTED = "imported"  # ``campaigns import``: sent outside the tool


class RecipientError(_Model):
    """An ``errors[]`` item Routee returned for an invalid recipient."""

    code: str | None = None
    developer_message: str | None = None
    property: str | None = None


class Submission(_Model):
    """One submission Routee accepted (or is believed to have accepted)."""

    seq: int = Field(ge=1)
    revision: int = Field(ge=1)
    submission_name: str
    #: ``None`` while pending: accepted (409 on a re-send) but the trackingId is not known yet.
    tracking_id: str | None = None
    spec_hash: str
    decl_hash: str
    #: The request body as sent, without the name (``submission_name`` holds it).
    request: dict[str, Any]
    submitted_at: str
    origin: SubmissionOrigin = SubmissionOrigin.APPLY
    #: False when the response did not echo the name: no name-based dedupe on this endpoint.
    name_echoed: bool = True
    #: False for a submission adopted after a 409: the spec sent may differ from ``request``.
    spec_verified: bool = True
    status: SubmissionStatus = SubmissionStatus.ACCEPTED
    #: Last known Routee campaign ``state`` (Scheduled, Queued, Running, Sent, ...).
    state: str | None = None
    statuses: dict[str, int] = Field(default_factory=dict)
    cost: float | None = None
    errors: list[RecipientError] = Field(default_factory=list)
    refreshed_at: str | None = None
    cancelled_at: str | None = None
    cancel_reason: CancelReason | None = None


class CampaignRecord(_Model):
    """Everything the state knows about one campaign id, kept forever (design.md section 2)."""

    id: str
    #: Path of the declaring file when last seen; informational only.
    source: str | None = None
    #: True once the declaration disappeared from ``campaigns/`` (a ``forget``).
    forgotten: bool = False
    submissions: list[Submission] = Field(default_factory=list)

    @property
    def last(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def next_seq(self) -> int:
        return len(self.submissions) + 1


class DedupeCheck(_Model):
    """Whether Routee's name uniqueness has been seen to hold on this state's endpoint (5.4)."""

    verified: bool = False
    #: ``canary`` (campaigns doctor) or ``resend-409`` (a 409 observed on an in-doubt re-send).
    method: str | None = None
    checked_at: str | None = None
    detail: str | None = None
    #: The request key (``name`` or ``campaignName``) the verdict is about; None: not recorded.
    name_key: str | None = None


class Pending(_Model):
    """A remote call whose outcome is unknown: its intent and the last answer seen for it.

    A journal left by a killed apply (or an in-doubt answer) is folded into the state and then
    deleted; an intent without a definitive outcome must survive that, or the next apply would not
    know to re-send it under the same name. In the state file an entry is written flat: the
    intent's own fields (``type`` says which) beside ``outcome``, ``message`` and ``foundAt``.
    """

    intent: Intent
    #: The last outcome seen for it: ``None`` (no answer), ``inDoubt``, ``held`` or ``heldRefused``.
    outcome: OutcomeKind | None = None
    message: str | None = None
    #: When a fold first found it unresolved.
    found_at: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _nest(cls, data: Any) -> Any:
        """Read the flat entry of the state file (older files also hold the other kind's nulls)."""
        if not isinstance(data, dict) or "intent" in data:
            return data
        own = {"outcome", "message", "foundAt", "found_at"}
        kind = SubmitIntent if data.get("type") == "submit" else CancelIntent
        names = _field_names(kind)
        intent = {k: v for k, v in data.items() if k not in own and (k in names or v is not None)}
        return {"intent": intent, **{k: v for k, v in data.items() if k in own}}

    @model_serializer(mode="wrap")
    def _flatten(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {**data.pop("intent"), **data}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The flat entry as the state file holds it: one intent's fields plus the outcome's."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        extra = {k: v for k, v in schema["properties"].items() if k != "intent"}
        kinds = []
        for kind in (SubmitIntent, CancelIntent):
            flat = handler.resolve_ref_schema(handler(kind.__pydantic_core_schema__))
            kinds.append(
                {
                    **flat,
                    "properties": {**flat["properties"], **extra},
                    "required": flat.get("required", []),
                }
            )
        return {
            "description": schema.get("description", ""),
            "oneOf": kinds,
            "title": schema.get("title", cls.__name__),
        }


def _field_names(model: type[BaseModel]) -> set[str]:
    """A model's field names and their aliases (a file may use either)."""
    names = set(model.model_fields)
    return names | {f.alias for f in model.model_fields.values() if f.alias}


class SourceCampaign(_Model):
    """One campaign of a declaration file as loading produced it, less its request."""

    id: str
    #: The ``---`` document it came from (0-based) and where that document starts (1-based).
    index: int = Field(ge=0)
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    revision: int = Field(ge=1)
    cancel: bool = False
    label: str
    spec_hash: str
    decl_hash: str
    #: ``estimatedSeconds`` of a ``fileURL`` declaration (the cost estimate needs it back).
    estimated_seconds: int | None = Field(default=None, exclude_if=lambda value: value is None)
    #: ``optOutDigits``: refresh records the numbers that pressed one of these keys.
    opt_out_digits: str | None = Field(default=None, exclude_if=lambda value: value is None)
    #: Numbers suppression took out of the declared ``to`` at that apply, with their positions:
    #: the declared request is the submitted one with them put back (docs/policy.md).
    dropped: list[tuple[int, str]] = Field(default_factory=list, exclude_if=lambda value: not value)


class SourceToFile(_Model):
    """A ``toFile`` a declaration file read: as written, where it resolved, its bytes' digest."""

    value: str
    rel: str
    digest: str


class SourceRecord(_Model):
    """What loading one declaration file produced when it was last applied (docs/state.md).

    ``key`` is the parse cache's key of the file (its path and bytes, the effective defaults,
    the configured languages, the tool's and libraries' versions, the loader's code); the
    ``toFiles`` are checked on their own. Requests are not repeated: they are in the
    submissions. A later load that computes the same key takes the file's campaigns from here
    instead of parsing it (``reconciler.load.recorded``).
    """

    key: str
    to_files: list[SourceToFile] = Field(default_factory=list)
    campaigns: list[SourceCampaign] = Field(default_factory=list)


class OptOut(_Model):
    """A number that asked not to be called again by pressing an opt-out key (``optOutDigits``)."""

    campaign: str
    submission_name: str
    #: The keys it pressed (Routee's ``collectedTones``).
    tones: str
    #: When ``campaigns refresh`` saw it.
    at: str


class Canary(_Model):
    """A dedupe canary that may still be scheduled (design.md 5.4), kept until it is cancelled.

    Every canary POST is journalled like a submission; one that Routee accepted and that was not
    cancelled yet, or that got no answer (a kill, a lost response: it may exist), is folded here,
    so ``campaigns status`` shows it and the next canary run cancels it when its trackingId is
    known.
    """

    submission_name: str
    #: ``None``: no answer came, so whether it exists is unknown (look for the name in Routee).
    tracking_id: str | None = None
    request: dict[str, Any]
    submitted_at: str
    #: ``accepted`` (it exists), ``inDoubt`` (an answer was lost), ``None`` (no answer recorded).
    outcome: OutcomeKind | None = None


class State(_Model):
    """``state/<workspace>.json``."""

    format_version: int = FORMAT_VERSION
    lineage: str
    serial: int = Field(default=0, ge=0)
    workspace: str
    #: What the state is bound to: the API URL, or ``sandbox:<account id>`` for the sandbox.
    endpoint: str
    #: Where credentials may go: the auth URL (``sandbox:<account id>`` for the sandbox). None in a
    #: state made before auth binding: commands refuse it until ``campaigns bind`` binds it.
    auth_endpoint: str | None = None
    #: ``hmac-sha256:<hex>`` over the rest, when written with ``CAMPAIGNS_STATE_KEY`` set
    #: (:mod:`reconciler.state.seal`); None when written without the key.
    seal: str | None = None
    dedupe: DedupeCheck = Field(default_factory=DedupeCheck)
    campaigns: dict[str, CampaignRecord] = Field(default_factory=dict)
    #: Intents whose outcome is unknown (design.md 5.3): the next plan turns them into ``resolve``.
    pending: list[Pending] = Field(default_factory=list)
    #: Per declaration file (path relative to the project root), what the last apply loaded
    #: from it: lets a plan skip parsing files unchanged since (design.md section 9).
    sources: dict[str, SourceRecord] = Field(default_factory=dict)
    #: Numbers opted out by DTMF, recorded by refresh; suppressed like a list entry
    #: (docs/policy.md). Left out of the file while empty.
    opt_outs: dict[str, OptOut] = Field(default_factory=dict, exclude_if=lambda value: not value)
    #: Dedupe canaries that may still be scheduled (accepted and not cancelled, or unanswered).
    #: Left out of the file while empty.
    canaries: list[Canary] = Field(default_factory=list, exclude_if=lambda value: not value)
