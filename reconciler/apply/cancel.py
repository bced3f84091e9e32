"""One cancel (DELETE) of a submission we created, with design.md 5.3's outcomes.

200, or 404 for our own trackingId → cancelled
400 400009002 (campaign started)   → notScheduled: the campaign fails (and a replace's POST
                                      does not run), unless this DELETE re-sends an in-doubt
                                      one: then held, the first DELETE may have worked
other 4xx                          → rejected
5xx / timeout / dropped            → in doubt: DELETE again (a new intent, resend=True), bounded
"""

from __future__ import annotations

from reconciler.apply.results import StepOutcome
from reconciler.apply.steps import StepContext, new_key, refused
from reconciler.models.intent import CancelIntent, OutcomeKind, journalled
from reconciler.routee.errors import InDoubtError, NotFound, NotScheduled, RouteeError


def cancel(context: StepContext, planned: CancelIntent, *, resend: bool) -> StepOutcome:
    """DELETE ``planned.tracking_id`` until the outcome is settled or held."""
    in_doubt = 0
    while True:
        intent = journalled(planned, key=new_key(), at=context.clock(), resend=resend)
        context.journal.append(intent)
        try:
            context.client.cancel(intent.tracking_id)
        except NotFound:
            message = "Routee no longer knows it (404): counted as cancelled"
            return context.settle(intent.key, StepOutcome(OutcomeKind.CANCELLED, message=message))
        except NotScheduled as exc:
            return context.settle(intent.key, _not_scheduled(intent, exc))
        except InDoubtError as exc:
            in_doubt += 1
            if in_doubt > context.max_resends:
                message = f"DELETE still in doubt after {context.max_resends} re-sends ({exc})"
                return context.settle(intent.key, StepOutcome(OutcomeKind.HELD, message=message))
            context.note_in_doubt(intent.key, str(exc))
            resend = True
            continue
        except RouteeError as exc:
            return context.settle(intent.key, refused(OutcomeKind.REJECTED, exc))
        return context.settle(
            intent.key, StepOutcome(OutcomeKind.CANCELLED, tracking_id=intent.tracking_id)
        )


def _not_scheduled(intent: CancelIntent, exc: NotScheduled) -> StepOutcome:
    if intent.resend:
        return refused(
            OutcomeKind.HELD,
            exc,
            "the campaign is no longer Scheduled, but an earlier DELETE of it was in "
            f"doubt and may have worked; check it in Routee ({exc})",
        )
    return refused(
        OutcomeKind.NOT_SCHEDULED,
        exc,
        f"cannot cancel {intent.tracking_id}: the campaign has already started "
        f"({exc}); nothing was cancelled or sent for it",
    )
