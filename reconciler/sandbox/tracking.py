"""Message tracking: records (section 6.3), Spring pages (section 2) and the search filters.

Messages exist only once a campaign has left ``Scheduled``, so searching by the name of a scheduled
campaign finds nothing, as with the real API. Items carry ``campaignTrackingId`` only when
``tracking_includes_campaign_id`` is on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from reconciler.enums import VoiceStatus
from reconciler.sandbox import lifecycle
from reconciler.sandbox.api_errors import validation_error
from reconciler.sandbox.clock import iso, parse_scheduled_date
from reconciler.sandbox.options import SandboxOptions

FIELDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "id": lambda r: r["messageId"],
    "recipient": lambda r: r["to"],
    "from": lambda r: r["from"],
    "groups": lambda r: r["groups"],
    "country": lambda r: r["country"],
    "status.status": lambda r: r["status"]["status"],
    "campaign": lambda r: r["campaign"],
    "collectedTones": lambda r: r["collectedTones"],
}
OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "is": lambda value, term: value == term,
    "is_not": lambda value, term: value != term,
    "contains": lambda value, term: term in value,
    "starts_with": lambda value, term: value.startswith(term),
    "ends_with": lambda value, term: value.endswith(term),
}
DEFAULT_SIZE = 20
MAX_SIZE = 1000


def message_record(
    record: dict[str, Any], message: lifecycle.Message, options: SandboxOptions
) -> dict[str, Any]:
    """One tracking item, in the documented field order."""
    body = record["request"]
    item: dict[str, Any] = {
        "messageId": message.message_id,
        "conversationTrackingId": None,
        "to": message.number,
        "from": body.get("from"),
        "groups": message.groups,
        "country": message.country,
        "status": {"date": iso(message.since), "status": message.status.value},
        "campaign": record["campaignName"],
        "applicationName": options.application_name,
        "originatingService": "Voice",
        "direction": "Outbound",
        "duration": message.duration,
        "fileURL": body.get("fileURL"),
        "message": body.get("message"),
        "price": message.price,
        "chargeInterval": 1,
        "collectedTones": _tones(body, message, options),
        "recordings": [],
    }
    if options.tracking_includes_campaign_id:
        item["campaignTrackingId"] = record["trackingId"]
    return item


def _tones(body: dict[str, Any], message: lifecycle.Message, options: SandboxOptions) -> str | None:
    """What the number pressed: only on a completed call of a campaign that collects DTMF."""
    if body.get("collectDtmfDigits") is not True or message.status is not VoiceStatus.COMPLETED:
        return None
    return options.tones.get(message.number)


def campaign_records(
    record: dict[str, Any], now: float, options: SandboxOptions
) -> list[dict[str, Any]]:
    return [message_record(record, m, options) for m in lifecycle.messages(record, now)]


def page(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    """A Spring page of ``items`` for the ``page``, ``size`` and ``sort`` query parameters."""
    number = _int_param(query, "page", 0, 0, 1_000_000)
    size = _int_param(query, "size", DEFAULT_SIZE, 1, MAX_SIZE)
    if query.get("sort"):
        items = _sorted(items, query["sort"])
    content = items[number * size : (number + 1) * size]
    total_pages = math.ceil(len(items) / size)
    return {
        "content": content,
        "first": number == 0,
        "last": number >= total_pages - 1,
        "number": number,
        "numberOfElements": len(content),
        "size": size,
        "totalElements": len(items),
        "totalPages": total_pages,
    }


def search(
    items: list[dict[str, Any]], filters: Any, query: dict[str, str]
) -> list[dict[str, Any]]:
    """Apply ``POST /voice/tracking`` filters (an array, or one object) and the date window."""
    checks = [_filter(f) for f in (filters if isinstance(filters, list) else [filters])]
    low = _date_param(query, "from")
    high = _date_param(query, "to")
    return [
        item
        for item in items
        if all(check(item) for check in checks) and _in_window(item, low, high)
    ]


def _filter(spec: Any) -> Callable[[dict[str, Any]], bool]:
    if not isinstance(spec, dict):
        raise validation_error({"filters": "each filter must be an object"})
    field, operator, term = (
        spec.get("fieldName"),
        spec.get("searchOperator"),
        spec.get("searchTerm"),
    )
    if field not in FIELDS:
        raise validation_error({"fieldName": f"Unsupported field: {field}"})
    if operator not in OPERATORS:
        raise validation_error({"searchOperator": f"Unsupported operator: {operator}"})
    if not isinstance(term, str):
        raise validation_error({"searchTerm": "must be a string"})
    read, compare = FIELDS[field], OPERATORS[operator]

    def check(item: dict[str, Any]) -> bool:
        value = read(item)
        values = value if isinstance(value, list) else [value]
        matched = any(isinstance(v, str) and compare(v, term) for v in values)
        return (
            matched
            if operator != "is_not"
            else all(not isinstance(v, str) or compare(v, term) for v in values)
        )

    return check


def _in_window(item: dict[str, Any], low: float | None, high: float | None) -> bool:
    moment = parse_scheduled_date(item["status"]["date"])
    if moment is None:
        return True
    return (low is None or moment >= low) and (high is None or moment <= high)


def _sorted(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    key, _, direction = sort.partition(",")
    read = FIELDS.get(key) or (lambda r: r.get(key))
    return sorted(items, key=lambda r: str(read(r)), reverse=direction.lower() == "desc")


def _int_param(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_error({name: "must be an integer"}) from None
    if not low <= value <= high:
        raise validation_error({name: f"must be between {low} and {high}"})
    return value


def _date_param(query: dict[str, str], name: str) -> float | None:
    raw = query.get(name)
    if not raw:
        return None
    moment = parse_scheduled_date(raw)
    if moment is None:
        raise validation_error({name: "Invalid date format, expected YYYY-MM-DDThh:mm:ssTZD"})
    return moment
