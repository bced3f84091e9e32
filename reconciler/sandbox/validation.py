"""Validation of campaign and analysis bodies, as routee-voice-api.md sections 5.1 and 12.3 describe.

Every problem found is collected into one ``properties`` map (field -> message), answered as a single
400 ``400000000`` "Validation Error!". Unknown keys are ignored, as a Jackson-based API does by
default. The name is read from one key only: ``name`` (the published voice request key, the
default) or, with ``name_key="campaignName"``, ``campaignName``; the other key is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reconciler.enums import INT32_MAX, CallbackStrategy, Gender
from reconciler.sandbox.api_errors import validation_error
from reconciler.sandbox.clock import parse_scheduled_date
from reconciler.sandbox.options import SandboxOptions

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
NAME = re.compile(r"^[A-Za-z0-9 -]{2,30}$")
MAX_LIST = 1000
MAX_TEXT = 1000
MAX_SENDER = 16
RECIPIENT_KEYS = ("to", "contacts", "groups")
BOOLEAN_KEYS = ("respectQuietHours", "ignoreDnd", "collectDtmfDigits")
INT32_KEYS = ("hangupDelay", "collectDtmfAwaitSeconds")  # int32 in the reference (decision 7)
CALLBACK_KEYS = ("callback", "campaignCallback")


@dataclass(frozen=True)
class CampaignInput:
    """What the sandbox needs from a valid body beyond the body itself."""

    name: str | None
    scheduled_at: float | None


def validate_body(body: Any, options: SandboxOptions, *, with_name: bool) -> CampaignInput:
    """Return the name and schedule of a valid body, or raise a 400 ``ApiError``."""
    if not isinstance(body, dict):
        raise validation_error({"body": "Request body must be a JSON object"})
    problems: dict[str, str] = {}
    _check_sender(body, problems)
    _check_content(body, options, problems)
    _check_recipients(body, problems)
    _check_flags(body, problems)
    scheduled_at = _check_schedule(body, problems)
    name = _check_name(body, options, problems) if with_name else None
    if problems:
        raise validation_error(problems)
    return CampaignInput(name=name, scheduled_at=scheduled_at)


def read_name(body: dict[str, Any], options: SandboxOptions) -> tuple[str, Any]:
    """The key the name is read from and its value (None when absent)."""
    return options.name_key, body.get(options.name_key)


def _check_sender(body: dict[str, Any], problems: dict[str, str]) -> None:
    sender = body.get("from")
    if not isinstance(sender, str) or not sender.strip():
        problems["from"] = "may not be empty"
    elif len(sender) > MAX_SENDER:
        problems["from"] = f"size must be at most {MAX_SENDER} characters"


def _check_content(body: dict[str, Any], options: SandboxOptions, problems: dict[str, str]) -> None:
    has_message = body.get("message") is not None
    has_file = body.get("fileURL") is not None
    if has_message and has_file:
        problems["message"] = "Only one of message and fileURL may be set"
    elif not has_message and not has_file:
        problems["message"] = "One of message and fileURL is required"
    elif has_file:
        url = body["fileURL"]
        if not isinstance(url, str) or not re.match(r"^https?://\S+\.wav$", url, re.IGNORECASE):
            problems["fileURL"] = "must be an http(s) URL of a .wav file"
    else:
        _check_message(body["message"], options, problems)


def _check_message(message: Any, options: SandboxOptions, problems: dict[str, str]) -> None:
    if not isinstance(message, dict):
        problems["message"] = "must be an object with text, language and gender"
        return
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        problems["message.text"] = "may not be empty"
    elif len(text) > MAX_TEXT:
        problems["message.text"] = f"size must be at most {MAX_TEXT} characters"
    if message.get("language") not in options.languages:
        problems["message.language"] = "Unsupported language"
    gender = message.get("gender")
    if gender is not None and gender not in {g.value for g in Gender}:
        problems["message.gender"] = "must be male or female"


def _check_recipients(body: dict[str, Any], problems: dict[str, str]) -> None:
    total = 0
    for key in RECIPIENT_KEYS:
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems[key] = "must be an array of strings"
        elif len(value) > MAX_LIST:
            problems[key] = f"size must be at most {MAX_LIST}"
        else:
            total += len(value)
    if total == 0 and not any(k in problems for k in RECIPIENT_KEYS):
        problems["to"] = "One of to, contacts or groups is required"
    to = body.get("to")
    if "to" not in problems and isinstance(to, list):
        invalid = [n for n in to if not E164.match(n)]
        if invalid:
            problems["to"] = "Invalid mobile number"


def _check_flags(body: dict[str, Any], problems: dict[str, str]) -> None:
    for key in BOOLEAN_KEYS:
        if key in body and body[key] is not None and not isinstance(body[key], bool):
            problems[key] = "must be a boolean"
    for key in INT32_KEYS:
        value = body.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT32_MAX
        ):
            problems[key] = f"must be an integer from 0 to {INT32_MAX}"
    for key in CALLBACK_KEYS:
        if body.get(key) is not None:
            _check_callback(key, body[key], problems)


def _check_callback(key: str, callback: Any, problems: dict[str, str]) -> None:
    if not isinstance(callback, dict):
        problems[key] = "must be an object with strategy and url"
    elif callback.get("strategy") not in {s.value for s in CallbackStrategy}:
        problems[f"{key}.strategy"] = "must be OnChange or OnCompletion"
    elif not isinstance(callback.get("url"), str) or not callback["url"]:
        problems[f"{key}.url"] = "may not be empty"


def _check_schedule(body: dict[str, Any], problems: dict[str, str]) -> float | None:
    value = body.get("scheduledDate")
    if value is None:
        return None
    epoch = parse_scheduled_date(value) if isinstance(value, str) else None
    if epoch is None:
        problems["scheduledDate"] = "Invalid date format, expected YYYY-MM-DDThh:mm:ssTZD"
    return epoch


def _check_name(body: dict[str, Any], options: SandboxOptions, problems: dict[str, str]) -> Any:
    key, name = read_name(body, options)
    if name is not None and (not isinstance(name, str) or not NAME.match(name)):
        problems[key] = "must be 2-30 Latin letters, digits, spaces or '-'"
        return None
    return name
