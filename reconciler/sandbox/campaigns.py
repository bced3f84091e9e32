"""The voice campaign endpoints' behaviour: create, analyse, cancel, and the sandbox listing.

HTTP details live in ``handler``; this module works on decoded JSON and raises ``ApiError``.
"""

from __future__ import annotations

import uuid
from typing import Any

from reconciler.enums import CampaignState
from reconciler.sandbox import lifecycle
from reconciler.sandbox.api_errors import (
    campaign_not_found,
    message_not_found,
    name_conflict,
    no_recipients,
    not_scheduled,
)
from reconciler.sandbox.clock import SandboxClock, iso
from reconciler.sandbox.options import SandboxOptions
from reconciler.sandbox.recipients import resolve_recipients
from reconciler.sandbox.store import CampaignStore, NameTaken
from reconciler.sandbox.validation import validate_body

ECHOED_KEYS = (
    "from",
    "to",
    "contacts",
    "groups",
    "message",
    "fileURL",
    "respectQuietHours",
    "hangupDelay",
    "callback",
    "campaignCallback",
    "collectDtmfDigits",
    "collectDtmfAwaitSeconds",
    "scheduledDate",
)
LIST_KEYS = ("to", "contacts", "groups")


class CampaignDesk:
    """Accepts, cancels and describes campaigns of the one sandbox account."""

    def __init__(self, store: CampaignStore, clock: SandboxClock, options: SandboxOptions) -> None:
        self.store = store
        self.clock = clock
        self.options = options
        self._messages: dict[str, tuple[str, int]] = {}
        self._indexed: set[str] = set()

    def analyze(self, body: Any) -> dict[str, Any]:
        """``POST /voice/analysis``: the voiceAnalysis object plus ``errors[]``."""
        validate_body(body, self.options, with_name=False)
        found = resolve_recipients(body, self.options)
        return {**found.analysis(), "errors": found.errors}

    def create(self, body: Any) -> dict[str, Any]:
        """``POST /voice/campaign``: validate, store atomically with the name check, answer 5.2."""
        checked = validate_body(body, self.options, with_name=True)
        found = resolve_recipients(body, self.options)
        if not found.numbers:
            raise no_recipients()
        now = self.clock.now()
        scheduled = checked.scheduled_at is not None and checked.scheduled_at > now
        record = self._record(body, checked.name, now, scheduled, checked.scheduled_at)
        record["recipients"] = [[n, g] for n, g in found.numbers.items()]
        record["countries"] = found.countries
        record["timing"]["longest"] = lifecycle.longest_call(
            record["recipients"], *self.options.message_seconds
        )
        response = self._response(record, found.analysis(), found.errors)
        try:
            self.store.add(record, unique_name=self.options.name_uniqueness)
        except NameTaken as exc:
            raise name_conflict(str(exc)) from None
        return response

    def cancel(self, tracking_id: str) -> None:
        """``DELETE /voice/campaign/{id}``: only while ``Scheduled``."""
        with self.store.locked():
            record = self._live(tracking_id)
            now = self.clock.now()
            if (
                record.get("cancelled")
                or lifecycle.campaign_state(record, now) != CampaignState.SCHEDULED
            ):
                raise not_scheduled(tracking_id)
            self.store.cancel(tracking_id, now)

    def campaign(self, tracking_id: str) -> dict[str, Any]:
        """A campaign record, or 404 if unknown (or cancelled, with ``post_delete="404"``)."""
        return self._live(tracking_id)

    def find_message(self, message_id: str) -> tuple[dict[str, Any], lifecycle.Message]:
        """The campaign and current view of a message, or 404 ``404009001``."""
        with self.store.locked():
            for record in self.store.all():
                if record["trackingId"] not in self._indexed:
                    self._indexed.add(record["trackingId"])
                    for index in range(len(record["recipients"])):
                        found = lifecycle.message_id(record["trackingId"], index)
                        self._messages[found] = (record["trackingId"], index)
            where = self._messages.get(message_id)
        owner = self.store.get(where[0]) if where else None
        visible = lifecycle.messages(owner, self.clock.now()) if owner else []
        if where is None or owner is None or not visible:
            raise message_not_found(message_id)
        return owner, visible[where[1]]

    def listing(self) -> list[dict[str, Any]]:
        """``GET /_sandbox/campaigns``: every campaign ever accepted, oldest first."""
        now = self.clock.now()
        records = sorted(self.store.all(), key=lambda r: r["created"])
        return [self._summary(r, now) for r in records]

    def _live(self, tracking_id: str) -> dict[str, Any]:
        record = self.store.get(tracking_id)
        if record is None or (record.get("cancelled") and self.options.post_delete == "404"):
            raise campaign_not_found(tracking_id)
        return record

    def _record(
        self, body: dict[str, Any], name: Any, now: float, scheduled: bool, at: float | None
    ) -> dict[str, Any]:
        low, high = self.options.message_seconds
        return {
            "trackingId": str(uuid.uuid4()),
            "campaignName": name,
            "created": now,
            "createdAt": iso(now),
            "startAt": at if scheduled and at is not None else now,
            "scheduled": scheduled,
            "request": body,
            "cancelled": False,
            "cancelledAt": None,
            "timing": {
                "queued": self.options.queued_seconds,
                "low": low,
                "high": high,
                "pricePerSecond": self.options.price_per_second,
            },
        }

    def _response(
        self, record: dict[str, Any], analysis: dict[str, Any], errors: list[dict[str, str]]
    ) -> dict[str, Any]:
        body = record["request"]
        echoed = {key: body[key] for key in ECHOED_KEYS if key in body}
        for key in LIST_KEYS:
            echoed.setdefault(key, [])
        echoed.setdefault("collectDtmfDigits", False)
        state = CampaignState.SCHEDULED if record["scheduled"] else CampaignState.QUEUED
        response = {
            "trackingId": record["trackingId"],
            "type": "Voice",
            "state": state.value,
            "createdAt": record["createdAt"],
            "campaignName": record["campaignName"],
            **echoed,
            "cost": 0,
            "statuses": lifecycle.statuses([]),
            "voiceAnalysis": analysis,
        }
        if errors:
            response["errors"] = errors
        return response

    def _summary(self, record: dict[str, Any], now: float) -> dict[str, Any]:
        found = lifecycle.messages(record, now)
        return {
            "trackingId": record["trackingId"],
            "campaignName": record["campaignName"],
            "state": lifecycle.campaign_state(record, now).value,
            "createdAt": record["createdAt"],
            "request": record["request"],
            "cancelled": bool(record.get("cancelled")),
            "statuses": lifecycle.statuses(found),
            "cost": lifecycle.cost(found),
        }
