"""Routee's error answers, in one table (routee-voice-api.md section 8 and Q4).

Handlers raise :class:`ApiError`; the HTTP layer turns it into a status line and a JSON body.
"""

from __future__ import annotations

from typing import Any

from reconciler.enums import ErrorCode

SERVER_ERROR = "500000000"


class ApiError(Exception):
    """An HTTP error answer: status, JSON body and extra headers."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def validation_error(properties: dict[str, str]) -> ApiError:
    return ApiError(
        400,
        {
            "code": ErrorCode.VALIDATION.value,
            "developerMessage": "Validation Error!",
            "properties": properties,
        },
    )


def name_conflict(name: str) -> ApiError:
    return ApiError(
        409,
        {
            "code": ErrorCode.NAME_CONFLICT.value,
            "developerMessage": f"A campaign with name '{name}' already exists",
            "entity": "campaign",
            "property": "name",
            "value": name,
        },
    )


def campaign_not_found(tracking_id: str) -> ApiError:
    return _coded(404, ErrorCode.CAMPAIGN_NOT_FOUND, f"Campaign {tracking_id} not found")


def tracking_not_found(tracking_id: str) -> ApiError:
    """No messages (yet) for a campaign: what SMS tracking documents, the harsher voice reading."""
    return _coded(404, ErrorCode.TRACKING_NOT_FOUND, f"Tracking not found for {tracking_id}")


def message_not_found(message_id: str) -> ApiError:
    return _coded(404, ErrorCode.CAMPAIGN_NOT_FOUND, f"Message {message_id} not found")


def not_scheduled(tracking_id: str) -> ApiError:
    return _coded(400, ErrorCode.NOT_SCHEDULED, f"Campaign {tracking_id} status is not Scheduled")


def contact_not_found(contact_id: str) -> ApiError:
    return _coded(404, ErrorCode.CONTACT_NOT_FOUND, f"Contact {contact_id} not found")


def no_recipients() -> ApiError:
    return _coded(400, ErrorCode.NO_RECIPIENTS, "No recipients are set for the campaign")


def server_error() -> ApiError:
    return ApiError(500, {"code": SERVER_ERROR, "developerMessage": "Internal Server Error"})


def rate_limited() -> ApiError:
    body = {"code": "429000000", "developerMessage": "Too Many Requests"}
    return ApiError(429, body, {"Retry-After": "1"})


def not_authenticated(message: str) -> ApiError:
    return ApiError(401, {"status": 401, "error": "Unauthorized", "message": message})


def forbidden(message: str) -> ApiError:
    return ApiError(403, {"status": 403, "error": "Forbidden", "message": message})


def _coded(status: int, code: ErrorCode, message: str) -> ApiError:
    return ApiError(status, {"code": code.value, "developerMessage": message})
