"""Enumerations shared by the tool and the sandbox (routee-voice-api.md section 4).

This module imports nothing from the rest of the package, so the sandbox can use it.
"""

from __future__ import annotations

from enum import StrEnum


class VoiceStatus(StrEnum):
    """Per-message voice statuses; the same names key a campaign's ``statuses`` counter."""

    QUEUED = "Queued"
    INITIATED = "Initiated"
    RINGING = "Ringing"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    BUSY = "Busy"
    NO_ANSWER = "NoAnswer"
    FAILED = "Failed"
    UNKNOWN = "Unknown"
    UNSENT = "Unsent"
    TERMINATED = "Terminated"


#: Message statuses final in both published versions of Routee's statuses page. ``Unknown`` is
#: not among them: one version calls it intermediate, the other final (routee-voice-api.md 4), so
#: it counts as final only once the campaign itself is reported final.
FINAL_VOICE_STATUSES = frozenset(
    {
        VoiceStatus.COMPLETED,
        VoiceStatus.BUSY,
        VoiceStatus.NO_ANSWER,
        VoiceStatus.FAILED,
        VoiceStatus.UNSENT,
        VoiceStatus.TERMINATED,
    }
)


class CampaignState(StrEnum):
    """Campaign ``state`` values: confirmed ones first, then the probable ``Failed``/``Finished``."""

    SCHEDULED = "Scheduled"
    QUEUED = "Queued"
    RUNNING = "Running"
    SENT = "Sent"
    FAILED = "Failed"
    FINISHED = "Finished"


FINAL_CAMPAIGN_STATES = frozenset(
    {CampaignState.SENT, CampaignState.FAILED, CampaignState.FINISHED}
)


class CallbackStrategy(StrEnum):
    ON_CHANGE = "OnChange"
    ON_COMPLETION = "OnCompletion"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


#: The 14 TTS languages documented for the SAY verb (routee-voice-api.md section 4).
DOCUMENTED_LANGUAGES: tuple[str, ...] = (
    "en-US",
    "de-DE",
    "fr-FR",
    "it-IT",
    "pt-BR",
    "es-ES",
    "es-LA",
    "en-GB",
    "el-GR",
    "bg-BG",
    "pl-PL",
    "hu-HU",
    "sv-SE",
    "ru-RU",
)


#: A voice sender (``from``): numeric, up to 16 digits with an optional ``+``, or alphanumeric, up
#: to 11 letters and digits (routee-voice-api.md 5.1, Q12).
SENDER_PATTERN = r"^(\+?[0-9]{1,16}|[A-Za-z0-9]{1,11})$"
#: ``hangupDelay`` and ``collectDtmfAwaitSeconds`` are int32 in Routee's reference (decision 7).
INT32_MAX = 2**31 - 1


class NameKey(StrEnum):
    """The request key of the campaign name (routee-voice-api.md decision 1)."""

    NAME = "name"  # the published voice request schema: the default
    CAMPAIGN_NAME = "campaignName"  # the SMS/Viber request key, and the voice *response* key


class ErrorCode(StrEnum):
    """Routee error codes the tool and the sandbox both know (routee-voice-api.md section 8)."""

    VALIDATION = "400000000"
    INSUFFICIENT_BALANCE = "400001009"
    NOT_SCHEDULED = "400009002"
    NO_RECIPIENTS = "400009004"
    CONTACT_NOT_FOUND = "404002001"
    TRACKING_NOT_FOUND = "404005000"  # SMS tracking's "Tracking not found"; voice may answer it
    CAMPAIGN_NOT_FOUND = "404009001"
    NAME_CONFLICT = "409009003"
