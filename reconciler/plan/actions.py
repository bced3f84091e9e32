"""Builders of the plan's actions from a declaration, its state record, or a journal intent.

Kept apart from the decision table (:mod:`reconciler.plan.decide`) so the table reads as a list of
conditions and results, and every action of a kind carries the same fields.
"""

from __future__ import annotations

from typing import Any

from reconciler.models.campaign import Campaign
from reconciler.models.intent import CancelIntent, CancelReason, OutcomeKind, SubmitIntent
from reconciler.models.plan import Action, ActionKind
from reconciler.models.state import CampaignRecord, Pending
from reconciler.plan.names import submission_name

PENDING_NOTE = (
    "only its resolve runs in this plan; its declaration is compared again once the resolve is "
    "recorded (run campaigns plan after the apply)"
)


def direct_recipients(request: dict[str, Any]) -> int:
    """Recipients countable offline: numbers plus contact ids (groups need Routee's analysis)."""
    return len(request.get("to", ())) + len(request.get("contacts", ()))


def groups_of(request: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(g) for g in request.get("groups", ()))


def posting_action(
    kind: ActionKind,
    campaign: Campaign,
    record: CampaignRecord | None,
    lineage: str,
    notes: tuple[str, ...] = (),
) -> Action:
    """A send, resend or replace: POSTs ``campaign.request`` under the next seq's name.

    A replace DELETEs the last submission first.
    """
    last = record.last if record else None
    submit = submit_intent(campaign, record.next_seq if record else 1, lineage)
    cancel = None
    if kind is ActionKind.REPLACE:
        # the decision table only replaces a recorded submission whose trackingId is known
        assert last is not None and last.tracking_id is not None
        cancel = CancelIntent(
            id=campaign.id, tracking_id=last.tracking_id, reason=CancelReason.REPLACE
        )
    return Action(
        id=campaign.id,
        action=kind,
        source=submit.source,
        seq=submit.seq,
        submission_name=submit.submission_name,
        tracking_id=cancel.tracking_id if cancel else None,
        revision=submit.revision,
        spec_hash=submit.spec_hash,
        decl_hash=submit.decl_hash,
        request=submit.request,
        before=last.request if last else None,
        after=campaign.request,
        recipients=campaign.direct_recipients,
        groups=groups_of(campaign.request),
        scheduled_date=campaign.scheduled_date,
        notes=notes,
        submit=submit,
        cancel=cancel,
    )


def submit_intent(campaign: Campaign, seq: int, lineage: str) -> SubmitIntent:
    """The POST of ``campaign.request`` as submission ``seq``, under its derived name (5.1)."""
    return SubmitIntent(
        id=campaign.id,
        seq=seq,
        revision=campaign.revision,
        submission_name=submission_name(campaign.label, lineage, campaign.id, seq),
        spec_hash=campaign.spec_hash,
        decl_hash=campaign.decl_hash,
        request=campaign.request,
        source=str(campaign.source),
    )


def cancel_action(campaign: Campaign, record: CampaignRecord) -> Action:
    """DELETE the last submission (``cancel: true``); counts show what is being cancelled."""
    last = record.last
    # the decision table only cancels a recorded submission whose trackingId is known
    assert last is not None and last.tracking_id is not None
    return Action(
        id=campaign.id,
        action=ActionKind.CANCEL,
        source=str(campaign.source),
        submission_name=last.submission_name,
        tracking_id=last.tracking_id,
        revision=campaign.revision,
        spec_hash=last.spec_hash,
        decl_hash=campaign.decl_hash,
        before=last.request,
        recipients=direct_recipients(last.request),
        groups=groups_of(last.request),
        scheduled_date=last.request.get("scheduledDate"),
        cancel=CancelIntent(
            id=campaign.id, tracking_id=last.tracking_id, reason=CancelReason.CANCEL
        ),
    )


def noop_action(campaign: Campaign, record: CampaignRecord | None, *notes: str) -> Action:
    """Nothing to do; light on purpose (no request copies) since most plans are mostly no-ops."""
    last = record.last if record else None
    return Action(
        id=campaign.id,
        action=ActionKind.NOOP,
        source=str(campaign.source),
        submission_name=last.submission_name if last else None,
        tracking_id=last.tracking_id if last else None,
        revision=campaign.revision,
        spec_hash=campaign.spec_hash,
        notes=tuple(notes),
    )


def forget_action(record: CampaignRecord) -> Action:
    last = record.last
    return Action(
        id=record.id,
        action=ActionKind.FORGET,
        source=record.source,
        submission_name=last.submission_name if last else None,
        tracking_id=last.tracking_id if last else None,
        notes=("no remote call: deleting a file never cancels anything; history is kept",),
    )


HELD_NOTE = (
    "held: Routee refused its re-send, so apply will not send it again; find the name in Routee "
    "and `campaigns import` it, or see `campaigns help recovery`"
)


def resolve_action(pending: Pending, declared: bool) -> Action:
    """Settle an intent with no outcome: re-send its recorded request, or re-DELETE."""
    intent = pending.intent
    notes = (PENDING_NOTE,) if declared else ()
    if isinstance(intent, CancelIntent):
        return Action(
            id=intent.id,
            action=ActionKind.RESOLVE,
            tracking_id=intent.tracking_id,
            notes=notes,
            cancel=intent,
        )
    request = intent.request
    held = pending.outcome is OutcomeKind.HELD_REFUSED
    if held:
        notes = (*notes, HELD_NOTE)
    return Action(
        id=intent.id,
        action=ActionKind.RESOLVE,
        source=intent.source,
        seq=intent.seq,
        submission_name=intent.submission_name,
        revision=intent.revision,
        spec_hash=intent.spec_hash,
        decl_hash=intent.decl_hash,
        request=request,
        after=request,
        recipients=direct_recipients(request),
        groups=groups_of(request),
        scheduled_date=request.get("scheduledDate"),
        held=held,
        held_message=pending.message if held else None,
        notes=notes,
        submit=intent,
    )
