"""The declaration: one YAML document describing one Routee voice campaign (design.md section 2).

Field names are Routee's own (routee-voice-api.md 5.1) so a declaration reads next to Routee's docs;
the tool's keys (``id``, ``revision``, ``cancel``, ``toFile``) sit beside them. Every constraint
Routee documents is checked here, before anything is sent: a bad declaration costs nothing, a bad
submission costs money or rings the wrong people.

:class:`Declaration` validates a document *after* ``defaults.yaml`` has been merged under it, in
strict mode (a YAML ``yes`` or an unquoted ``+3069...`` is an error, not a silent conversion). The
TTS languages accepted are passed as validation context (``{"languages": ...}``), since the
configuration may add languages Routee supports but does not document.

Checks that span several fields (``message`` xor ``fileURL``, a recipient source, DTMF) and that
need a location of their own are :func:`document_issues`, run on the raw mapping, so one run
reports them together with the field errors. Limits and duplicates that depend on ``toFile`` are
checked by the loader, which knows the CSV file's lines.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from reconciler.enums import DOCUMENTED_LANGUAGES, INT32_MAX, SENDER_PATTERN
from reconciler.models.phone import calling_code, fast_valid, valid_e164
from reconciler.models.rules import impossible_date, whole_number

#: Routee's limit on each of ``to``, ``contacts`` and ``groups`` (after ``toFile`` is merged).
MAX_RECIPIENTS = 1000
TOOL_KEYS = ("id", "revision", "cancel", "toFile", "estimatedSeconds", "optOutDigits")
#: Tool keys that describe a campaign without changing what is sent: not in ``declHash``.
POLICY_KEYS = ("estimatedSeconds", "optOutDigits")
OPT_OUT_DIGITS_PATTERN = r"^[0-9*#]{1,12}$"

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CAMPAIGN_NAME_PATTERN = r"^[A-Za-z0-9 -]{2,30}$"
SCHEDULED_DATE_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_SCHEDULED_DATE = re.compile(SCHEDULED_DATE_PATTERN)
_SENDER = re.compile(SENDER_PATTERN)
#: C0 and C1 control characters and DEL: never part of a single-line value.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: In free text (``message.text``) only these: tabs and line breaks.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_E164 = re.compile(r"\+([1-9][0-9]{6,14})")


def normalise_number(raw: str) -> str:
    """``+30 690 000 0000`` -> ``+306900000000``; ValueError if it is not a valid number."""
    return _already_e164(raw) or _parse_number(raw)


def _parse_number(raw: str) -> str:
    import phonenumbers  # on first use: a plan of unchanged campaigns checks no number

    if not raw.lstrip().startswith("+"):
        raise ValueError(f"{raw!r} is not in international format (+<country code><number>)")
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{raw!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{raw!r} is not a valid phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def _already_e164(raw: str) -> str | None:
    """``raw`` itself when it is a valid number already written in E.164, else None.

    Twice as fast as ``phonenumbers.parse`` (design.md 9: a million numbers per plan), and
    self-checking: the number is built from the digits, validated by libphonenumber and must
    format back to exactly ``raw``; anything else goes the slow way.
    """
    match = _E164.fullmatch(raw)
    if match is None:
        return None
    digits = match.group(1)
    verdict = fast_valid(digits)  # libphonenumber's metadata, one regex (reconciler.models.phone)
    if verdict is not None:
        return raw if verdict else None
    split = calling_code(digits)
    if split is None:
        return None
    code, national = split
    import phonenumbers  # on first use (see _parse_number)

    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    zeros = len(national) - len(national.lstrip("0"))
    if zeros:
        number.italian_leading_zero = True
        number.number_of_leading_zeros = zeros if zeros > 1 else None
    if not phonenumbers.is_valid_number(number):
        return None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return raw if formatted == raw else None


def _phone_number(value: str) -> str:
    """A ``to`` entry: a valid number in E.164 is taken as it is (one regex: most numbers);
    anything else is checked on one line, then normalised."""
    if valid_e164(value):
        return value
    _single_line(value)
    try:
        return normalise_number(value)
    except ValueError as exc:
        raise PydanticCustomError("phone_number", str(exc)) from None


def _control_message(value: str, found: re.Match[str]) -> str:
    where = "at the end" if found.start() == len(value) - 1 else f"at character {found.start() + 1}"
    return f"must be one line without control characters (found U+{ord(found.group()):04X} {where})"


def _single_line(value: str) -> str:
    """Ids, names, dates and URLs are matched whole: ``"promo\n"`` is not ``promo``."""
    found = _CONTROL.search(value)
    if found is not None:
        raise PydanticCustomError("single_line", _control_message(value, found))
    return value


def _text(value: str) -> str:
    found = _TEXT_CONTROL.search(value)
    if found is not None:
        message = f"must not hold control characters (found U+{ord(found.group()):04X})"
        raise PydanticCustomError("control_character", message)
    return value


SingleLine = AfterValidator(_single_line)


def _sender(value: str) -> str:
    if not _SENDER.fullmatch(value):
        raise PydanticCustomError(
            "sender",
            "must be numeric (up to 16 digits, optional leading +) or alphanumeric "
            "(up to 11 letters and digits)",
        )
    return value


def _pattern(pattern: str, rule: str) -> AfterValidator:
    """A regex check with a message a YAML author can act on (and the pattern in the schema)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("pattern", rule)
        return value

    return AfterValidator(check)


def _language(value: str, info: ValidationInfo) -> str:
    context = info.context if isinstance(info.context, Mapping) else {}
    allowed = context.get("languages", DOCUMENTED_LANGUAGES)
    if not isinstance(allowed, frozenset):
        allowed = frozenset(allowed)
    if value not in allowed:
        message = f"unknown language {value!r}"
        same = [tag for tag in sorted(allowed) if tag.lower() == value.lower()]
        close = same or difflib.get_close_matches(value, sorted(allowed), n=1)
        if close:
            message += f"; did you mean {close[0]}?"
        message += " (more can be allowed in campaigns.toml [declarations] languages)"
        raise PydanticCustomError("language", message)
    return value


def _scheduled_date(value: str) -> str:
    if not _SCHEDULED_DATE.fullmatch(value):
        raise PydanticCustomError(
            "scheduled_date",
            "must be a date-time with a zone, YYYY-MM-DDThh:mm:ss(.fff)?(Z|+hh:mm)",
        )
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PydanticCustomError("scheduled_date", impossible_date(value, exc)) from None
    return value


def _file_url(value: str) -> str:
    parts = urlsplit(value)
    problems = []
    if parts.scheme != "https" or not parts.netloc:
        problems.append("must be an https URL")
    if not parts.path.lower().endswith(".wav"):
        suffix = PurePosixPath(parts.path).suffix
        found = f" (it points to a {suffix} file: convert it to .wav)" if suffix else ""
        problems.append(f"must point to a .wav file, the only audio Routee plays{found}")
    if problems:
        raise PydanticCustomError("url", "; ".join(problems))
    return value


def _callback_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PydanticCustomError("url", "must be an absolute http(s) URL")
    return value


PhoneNumber = Annotated[
    str,
    AfterValidator(_phone_number),  # which also checks SingleLine
    Field(json_schema_extra={"pattern": r"^\+[0-9 ().-]+$"}),
]
_LANGUAGE_SCHEMA = {
    "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "examples": list(DOCUMENTED_LANGUAGES),
}


def _drop_required(schema: dict[str, Any]) -> None:
    """The schema describes a document as written: ``defaults.yaml`` may supply any field."""
    schema.pop("required", None)


class _Strict(BaseModel):
    # Validators are built on first use: a plan of unchanged campaigns validates no declaration.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Message(_Strict):
    """Text to speech: what Routee reads to each recipient."""

    model_config = ConfigDict(json_schema_extra=_drop_required)

    text: Annotated[str, AfterValidator(_text)] = Field(
        min_length=1, max_length=1000, description="At most 1000 characters."
    )
    language: Annotated[str, SingleLine, AfterValidator(_language)] = Field(
        json_schema_extra=_LANGUAGE_SCHEMA,  # type: ignore[arg-type]
        description="One of Routee's 14 documented TTS languages, or one added in campaigns.toml.",
    )
    gender: Literal["male", "female"] | None = None


class Callback(_Strict):
    """Where Routee posts progress: per message (``callback``) or per campaign."""

    model_config = ConfigDict(json_schema_extra=_drop_required)

    strategy: Literal["OnChange", "OnCompletion"]
    url: Annotated[str, SingleLine, AfterValidator(_callback_url)] = Field(
        json_schema_extra={"pattern": "^https?://"}
    )


class RequestFields(_Strict):
    """The Routee request fields, every one optional: what ``defaults.yaml`` may hold."""

    sender: Annotated[str, SingleLine, AfterValidator(_sender)] | None = Field(
        default=None,
        alias="from",
        json_schema_extra={"pattern": SENDER_PATTERN},
        description="Caller id: numeric (<= 16 digits) or alphanumeric (<= 11).",
    )
    to: list[PhoneNumber] | None = Field(default=None, description="E.164 numbers; at most 1000.")
    contacts: list[Annotated[str, Field(min_length=1), SingleLine]] | None = Field(
        default=None, description="Routee contact ids; at most 1000."
    )
    groups: list[Annotated[str, Field(min_length=2, max_length=30), SingleLine]] | None = Field(
        default=None, description="Routee group names; at most 1000."
    )
    campaign_name: (
        Annotated[
            str,
            SingleLine,
            _pattern(CAMPAIGN_NAME_PATTERN, "must be 2-30 Latin letters, digits, spaces or '-'"),
        ]
        | None
    ) = Field(
        default=None,
        alias="campaignName",
        json_schema_extra={"pattern": CAMPAIGN_NAME_PATTERN},
        description="2-30 Latin letters, digits, spaces and '-'. Defaults to the id.",
    )
    file_url: Annotated[str, SingleLine, AfterValidator(_file_url)] | None = Field(
        default=None,
        json_schema_extra={"pattern": r"^https://[^?#]+\.[wW][aA][vV]([?#].*)?$"},
        alias="fileURL",
        description="https URL of a .wav file; or use message.",
    )
    message: Message | None = None
    respect_quiet_hours: bool | None = Field(default=None, alias="respectQuietHours")
    ignore_dnd: bool | None = Field(default=None, alias="ignoreDnd")
    scheduled_date: Annotated[str, SingleLine, AfterValidator(_scheduled_date)] | None = Field(
        default=None,
        alias="scheduledDate",
        json_schema_extra={"pattern": SCHEDULED_DATE_PATTERN},
        description="YYYY-MM-DDThh:mm:ss(.fff)?(Z|+hh:mm); absent means immediately.",
    )
    hangup_delay: Annotated[int, whole_number(1)] | None = Field(
        default=None,
        alias="hangupDelay",
        ge=1,
        le=INT32_MAX,
        description="Whole seconds (int32), at least 1.",
    )
    callback: Callback | None = None
    campaign_callback: Callback | None = Field(default=None, alias="campaignCallback")
    collect_dtmf_digits: bool | None = Field(default=None, alias="collectDtmfDigits")
    collect_dtmf_await_seconds: Annotated[int, whole_number(0)] | None = Field(
        default=None,
        alias="collectDtmfAwaitSeconds",
        ge=0,
        le=INT32_MAX,
        description="Whole seconds (int32), only with collectDtmfDigits: true.",
    )


def _declaration_schema(schema: dict[str, Any]) -> None:
    schema["required"] = ["id"]
    schema["not"] = {"required": ["message", "fileURL"]}
    schema["description"] = (
        "One campaign declaration as written in campaigns/*.yaml. Keys that defaults.yaml may "
        "supply are not required here; `campaigns validate` checks the merged result."
    )


class Declaration(RequestFields):
    """One campaign: the Routee request plus the tool's keys, after ``defaults.yaml``."""

    model_config = ConfigDict(title="Campaign declaration", json_schema_extra=_declaration_schema)

    sender: Annotated[str, SingleLine, AfterValidator(_sender)] = Field(
        alias="from",
        json_schema_extra={"pattern": SENDER_PATTERN},
        description="Caller id: numeric (<= 16 digits) or alphanumeric (<= 11).",
    )
    id: Annotated[
        str,
        SingleLine,
        _pattern(
            ID_PATTERN,
            "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ),
    ] = Field(
        json_schema_extra={"pattern": ID_PATTERN},
        description="Identity: unique, never reused. 1-64 chars.",
    )
    revision: int = Field(default=1, ge=1, description="Bump to send a sent campaign again.")
    cancel: bool = Field(default=False, description="Cancel the scheduled submission.")
    to_file: Annotated[str, SingleLine] | None = Field(
        default=None,
        alias="toFile",
        min_length=1,
        description="CSV of recipients (one number per row), relative to this file.",
    )
    estimated_seconds: int | None = Field(
        default=None,
        alias="estimatedSeconds",
        ge=1,
        le=3600,
        description="Length of the fileURL audio in seconds, for the cost estimate.",
    )
    opt_out_digits: (
        Annotated[str, _pattern(OPT_OUT_DIGITS_PATTERN, "must be 1-12 DTMF keys: 0-9, * or #")]
        | None
    ) = Field(
        default=None,
        alias="optOutDigits",
        json_schema_extra={"pattern": OPT_OUT_DIGITS_PATTERN},
        description="Keys that opt a recipient out (with collectDtmfDigits); refresh records them.",
    )


class Defaults(RequestFields):
    """``campaigns/defaults.yaml``: request fields merged under every declaration."""

    model_config = ConfigDict(title="Campaign defaults", json_schema_extra=_drop_required)


@dataclass(frozen=True)
class Issue:
    """A problem at ``loc`` (a pydantic-style path); ``at`` says what to point at."""

    loc: tuple[str | int, ...]
    message: str
    at: Literal["key", "value", "mapping"] = "value"


def document_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Cross-field rules of one merged declaration (design.md section 2)."""
    issues: list[Issue] = []
    if "message" in data and "fileURL" in data:
        issues.append(Issue(("fileURL",), "set either message or fileURL, not both", "key"))
    elif "message" not in data and "fileURL" not in data:
        issues.append(Issue(("message",), "one of message or fileURL is required", "mapping"))
    if not any(data.get(key) for key in ("to", "contacts", "groups", "toFile")):
        issues.append(
            Issue(("to",), "one of to, toFile, contacts or groups is required", "mapping")
        )
    if "estimatedSeconds" in data and "fileURL" not in data:
        issues.append(
            Issue(
                ("estimatedSeconds",),
                "only allowed with fileURL (a message's length is estimated from its words)",
                "key",
            )
        )
    if "optOutDigits" in data and data.get("collectDtmfDigits") is not True:
        issues.append(Issue(("optOutDigits",), "only allowed with collectDtmfDigits: true", "key"))
    if "collectDtmfAwaitSeconds" in data and data.get("collectDtmfDigits") is not True:
        issues.append(
            Issue(
                ("collectDtmfAwaitSeconds",),
                "only allowed with collectDtmfDigits: true",
                "key",
            )
        )
    return issues


def _aliases(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


KNOWN_KEYS: dict[str, list[str]] = {
    "": _aliases(Declaration),
    "message": _aliases(Message),
    "callback": _aliases(Callback),
    "campaignCallback": _aliases(Callback),
}


def unknown_key_message(parent: tuple[str | int, ...], key: str) -> str:
    """``unknown key``, with the nearest known key when one is close (``respectQuiteHours``)."""
    known = KNOWN_KEYS.get(str(parent[-1]) if parent else "", [])
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return "unknown key" + (f"; did you mean {close[0]}?" if close else "")
