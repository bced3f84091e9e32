"""The dedupe canary (design.md 5.4): is a second POST under the same name refused with 409?

A one-recipient campaign scheduled a year ahead is posted under a fresh random name, then the
same request again. It is sent from the workspace's own sender (``canary_from``, else the ``from``
of ``defaults.yaml``), never from the number it calls. ``409 409009003`` on the second (with the name echoed on the first) shows that
this endpoint enforces name uniqueness on the key we send; anything else means an in-doubt
submission can never be settled by re-sending it. Every canary that was accepted is cancelled.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from reconciler.apply.ports import Routee
from reconciler.routee.errors import InDoubtError, NameConflict, NotFound, RouteeError

CANARY_TEXT = "routee-campaigns dedupe check. This call is cancelled at once."
#: The sandbox workspace's canary recipient: a fictional Greek mobile number.
SANDBOX_CANARY_TO = "+306900000099"
#: The sandbox workspace's canary sender when neither canary_from nor defaults.yaml names one.
SANDBOX_CANARY_FROM = "+306900000001"
ATTEMPTS = 3


@dataclass(frozen=True)
class CanaryResult:
    verified: bool
    detail: str
    #: False when no answer settled the question (every attempt in doubt): not a finding that
    #: dedupe is missing, so it is not recorded and a later apply tries again.
    conclusive: bool = True
    #: Whether Routee read the name under the key sent: True when it echoed it (or a 409 on the
    #: name showed it), False when the answer did not echo it, None when no answer told.
    honoured: bool | None = None


def canary_name() -> str:
    """``canary-`` and 8 random base32 characters: unique, and within Routee's name alphabet."""
    tag = base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()
    return f"canary-{tag}"


def canary_request(number: str, now: datetime, *, sender: str) -> dict[str, Any]:
    """The canary's body: from ``sender`` (the workspace's), to ``number``, a year ahead."""
    if sender.lstrip("+") == number.lstrip("+"):
        raise ValueError(f"the canary is never sent from the number it calls ({number})")
    when = (now + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "from": sender,
        "to": [number],
        "message": {"text": CANARY_TEXT, "language": "en-GB", "gender": "female"},
        "scheduledDate": when,
        "respectQuietHours": True,
    }


def run_canary(client: Routee, number: str, now: datetime, *, sender: str) -> CanaryResult:
    """Run the canary, trying again under a new name when an answer was lost (bounded)."""
    body = canary_request(number, now, sender=sender)
    notes: list[str] = []
    for _ in range(ATTEMPTS):
        name = canary_name()
        result = _attempt(client, body, name)
        if result is not None:
            return _with_notes(result, notes)
        notes.append(
            f"canary {name!r} got no answer and may be left scheduled a year ahead: "
            "cancel it in Routee if it exists"
        )
    inconclusive = CanaryResult(False, "every canary attempt was in doubt", conclusive=False)
    return _with_notes(inconclusive, notes)


def _attempt(client: Routee, body: dict[str, Any], name: str) -> CanaryResult | None:
    """One canary; ``None`` when no answer to the first POST came back (try another name).

    A first POST in doubt is re-sent under the same name: a 409 then proves uniqueness (the
    first one landed and the second was refused), as a 409 on any re-send does (design.md 5.4).
    """
    for _ in range(ATTEMPTS):
        try:
            first = client.submit_campaign(body, name)
        except InDoubtError:
            continue
        except NameConflict:
            return CanaryResult(
                True,
                f"a re-send of the in-doubt canary {name!r} answered 409 409009003 (that canary "
                "landed and may be left scheduled a year ahead: cancel it in Routee)",
                honoured=True,
            )
        except RouteeError as exc:
            return CanaryResult(False, f"the canary POST was refused: {exc}")
        break
    else:
        return None
    created = [first.tracking_id]
    result = _second(client, body=body, name=name, echoed=first.name_echoed, created=created)
    leftovers = _cancel_all(client, created)
    if leftovers:
        detail = (
            f"{result.detail}; could not cancel canary {', '.join(leftovers)}: cancel it in Routee"
        )
        return replace(result, detail=detail)
    return result


def _second(
    client: Routee,
    *,
    body: dict[str, Any],
    name: str,
    echoed: bool,
    created: list[str],
) -> CanaryResult:
    if not echoed:
        return CanaryResult(
            False,
            f"Routee did not echo the campaign name {name!r}: it ignores the name we send",
            honoured=False,
        )
    for _ in range(ATTEMPTS):
        try:
            second = client.submit_campaign(body, name)
        except NameConflict:
            return CanaryResult(
                True, f"a second POST under {name!r} answered 409 409009003", honoured=True
            )
        except InDoubtError:
            continue  # with uniqueness it cannot have been created: ask again
        except RouteeError as exc:
            return CanaryResult(False, f"the second canary POST was refused: {exc}")
        break
    else:
        return CanaryResult(
            False,
            f"the second canary POST under {name!r} got no answer",
            conclusive=False,
            honoured=True,
        )
    created.append(second.tracking_id)
    return CanaryResult(
        False, f"a second POST under {name!r} was accepted: no name uniqueness", honoured=True
    )


def _cancel_all(client: Routee, tracking_ids: list[str]) -> list[str]:
    """Cancel every canary created; return the ones still standing."""
    return [t for t in tracking_ids if not _cancel(client, t)]


def _cancel(client: Routee, tracking_id: str, tries: int = 3) -> bool:
    for _ in range(tries):
        try:
            client.cancel(tracking_id)
        except InDoubtError:
            continue
        except NotFound:
            return True  # a lost answer to an earlier DELETE of ours: it is gone
        except RouteeError:
            return False
        return True
    return False


def _with_notes(result: CanaryResult, notes: list[str]) -> CanaryResult:
    if not notes:
        return result
    return replace(result, detail=result.detail + " (" + "; ".join(notes) + ")")


CanaryRunner = Callable[[], CanaryResult]
