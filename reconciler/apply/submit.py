"""One submission under its name, with every answer of design.md 5.2 settled or held.

200, name echoed          → accepted
200, name not echoed      → accepted, flagged; dedupe marked unverified
409 409009003 to a re-send → resolved (the earlier attempt landed): dedupe proven
409 409009003 to a fresh   → adopted ("spec unverified"): most likely our own lost attempt
other 4xx                 → rejected: nothing created, seq not consumed
429 / not sent            → repeated by the client after a backoff (bounded; one intent), then
                            rejected
5xx / timeout / dropped   → in doubt: the SAME body re-sent under the same name as a new
                            intent (resend=True), only while dedupe is verified; else held

A re-send answers only for itself: other 4xx to a re-send → heldRefused (Routee may check the
request before the name, so the first attempt may have landed; never re-sent by itself); 429 /
not sent / auth refused after the backoff → still in doubt (the next apply re-sends it).
"""

from __future__ import annotations

from typing import Any

from reconciler.apply.ports import SubmitAnswer
from reconciler.apply.results import StepOutcome
from reconciler.apply.steps import StepContext, new_key, recipient_errors, refused
from reconciler.models.intent import OutcomeKind, SubmitIntent, journalled
from reconciler.routee.errors import (
    AuthFailed,
    InDoubtError,
    NameConflict,
    NotProcessed,
    RouteeError,
)

HOLD_UNVERIFIED = "outcome unknown and name dedupe is not verified on this endpoint"


def submit(context: StepContext, planned: SubmitIntent, *, resend: bool) -> StepOutcome:
    """POST ``planned`` until its outcome is settled (accepted/resolved/adopted/rejected) or held.

    Each attempt journals the planned intent under a key of its own before the call.
    """
    in_doubt = 0
    while True:
        intent = journalled(planned, key=new_key(), at=context.clock(), resend=resend)
        context.journal.append(intent)
        try:
            answer = context.client.submit_campaign(intent.request, intent.submission_name)
        except NameConflict:
            return _conflict(context, intent)
        except InDoubtError as exc:
            in_doubt += 1
            blocker = _resend_blocker(context, in_doubt)
            if blocker:
                return context.settle(
                    intent.key, StepOutcome(OutcomeKind.HELD, message=f"{blocker} ({exc})")
                )
            context.note_in_doubt(intent.key, str(exc))
            resend = True
            continue
        except RouteeError as exc:  # refused, or still not processed after the backoff
            return context.settle(intent.key, _refused(intent, exc))
        return _accepted(context, intent, answer)


def _refused(intent: SubmitIntent, exc: RouteeError) -> StepOutcome:
    """A refused fresh submit created nothing; a refused re-send says nothing about the first."""
    if not intent.resend:
        return refused(OutcomeKind.REJECTED, exc)
    name = intent.submission_name
    if isinstance(exc, NotProcessed | AuthFailed):
        return refused(
            OutcomeKind.IN_DOUBT,
            exc,
            f"still in doubt: the re-send under {name!r} was not processed ({exc}); "
            "the next `campaigns apply` re-sends it under the same name",
        )
    return refused(
        OutcomeKind.HELD_REFUSED,
        exc,
        f"a re-send under {name!r} was refused ({exc}), so whether the first, in-doubt "
        "attempt created the campaign is unknown (Routee may check a request before its name); "
        f"nothing more is sent for it. Look for {name!r} in Routee: if it is there, "
        f"`campaigns import {intent.id} --tracking-id <trackingId>` records it; if not, see "
        "`campaigns help recovery`",
    )


def resend_blocker(context: StepContext) -> str | None:
    """Why an in-doubt intent cannot be re-sent now (``None``: it can)."""
    return None if context.gate.allows_resend() else HOLD_UNVERIFIED


def _resend_blocker(context: StepContext, in_doubt: int) -> str | None:
    if in_doubt > context.max_resends:
        return f"still in doubt after {context.max_resends} re-sends under the same name"
    return resend_blocker(context)


def _accepted(context: StepContext, intent: SubmitIntent, answer: SubmitAnswer) -> StepOutcome:
    echoed = bool(answer.name_echoed)
    message = None
    if not echoed:
        message = (
            f"Routee did not echo the name {intent.submission_name!r}: "
            "this endpoint gives no name dedupe"
        )
        context.gate.disproven(message)
    outcome = StepOutcome(
        OutcomeKind.ACCEPTED,
        tracking_id=answer.tracking_id,
        name_echoed=echoed,
        message=message,
        errors=recipient_errors(answer.errors),
    )
    return context.settle(intent.key, outcome, state=answer.state)


def _conflict(context: StepContext, intent: SubmitIntent) -> StepOutcome:
    name = intent.submission_name
    if not intent.resend:
        message = f"409: a campaign named {name!r} exists already; adopted, spec unverified"
        return context.settle(intent.key, StepOutcome(OutcomeKind.ADOPTED, message=message))
    context.gate.proven_by_resend(f"a re-send under {name!r} answered 409 409009003")
    tracking_id = find_tracking_id(context, name)
    pending = None if tracking_id else "trackingId pending until Routee tracking shows it"
    outcome = StepOutcome(OutcomeKind.RESOLVED, tracking_id=tracking_id, message=pending)
    return context.settle(intent.key, outcome)


def find_tracking_id(context: StepContext, name: str) -> str | None:
    """The campaign's trackingId from a tracking search by name, if any item carries it."""
    try:
        items = context.client.search_by_campaign_name(name)
    except RouteeError:
        return None
    return tracking_id_in(items)


def tracking_id_in(items: Any) -> str | None:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("campaignTrackingId"), str):
            return str(item["campaignTrackingId"])
    return None
