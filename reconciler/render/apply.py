"""``campaigns apply`` output: one line per finished action, Routee's rejected recipients, and the
summary, from an :class:`~reconciler.apply.results.ApplyReport`; or (``--format json``) the same
report as one JSON document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from reconciler.apply.results import ActionResult, ApplyReport, ResultStatus
from reconciler.masking import mask_numbers
from reconciler.models.plan import ActionKind


def describe(result: ActionResult) -> str:
    """One line per finished action, e.g. ``+ send promo → Promo-abcd1234 (trackingId …)``."""
    action = result.action
    head = f"{action.action.symbol} {action.action.value} {action.id}".lstrip()
    if result.status is ResultStatus.FAILED:
        return f"! {action.action.value} {action.id} failed: {mask_numbers(result.message or '')}"
    if result.status is ResultStatus.HELD:
        return f"? {action.action.value} {action.id} held: {mask_numbers(result.message or '')}"
    if action.submission_name and action.posts:
        tracking = result.tracking_id or "pending"
        head += f" → {action.submission_name} (trackingId {tracking})"
    elif result.tracking_id:
        head += f" (trackingId {result.tracking_id})"
    notes = "".join(f"; {note}" for note in result.notes)
    return head + notes


def recipient_error_lines(results: Sequence[ActionResult]) -> list[str]:
    """Routee's ``errors[]`` (invalid recipients of accepted campaigns), one line each."""
    lines = []
    for result in results:
        for err in result.errors:
            what = err.property or "?"
            lines.append(
                f"  {result.action.id}: {what}: {err.developer_message or ''} ({err.code or '-'})"
            )
    return lines


def summary(report: ApplyReport) -> str:
    """``Apply complete: 3 sent, 1 replaced, ...``: only campaigns Routee created now count as
    sent; adopted (409 to a fresh send) and settled (409 to a re-send) are said when there are
    any."""
    tracked = f"{report.retracked} tracked again, " if report.retracked else ""
    adopted = f"{report.adopted} adopted (409: a campaign of that name existed), "
    settled = f"{report.settled} settled (an earlier in-doubt attempt had landed), "
    return (
        f"Apply complete: {report.sent} sent, "
        f"{adopted if report.adopted else ''}{settled if report.settled else ''}"
        f"{report.done(ActionKind.REPLACE)} replaced, "
        f"{report.cancelled} cancelled, {report.done(ActionKind.FORGET)} forgotten, "
        f"{tracked}{len(report.failed)} failed, {len(report.held)} held."
    )


def render_report(report: ApplyReport, out: TextIO) -> None:
    """After the per-action lines: Routee's rejected recipients, then the summary."""
    if not report.results:
        if report.retracked:
            out.write(
                f"No remote changes; state updated: {report.retracked} campaign(s) tracked again "
                "(declared again after they were forgotten).\n"
            )
        else:
            out.write("No changes. Nothing to apply.\n")
        return
    errors = recipient_error_lines(report.results)
    if errors:
        out.write("Routee rejected some recipients (errors[]; numbers masked):\n")
        out.write("".join(f"{mask_numbers(line)}\n" for line in errors))
    out.write(f"{summary(report)}\n")
    if report.stopped:
        out.write(f"{stopped_line(report)}\n")


def stopped_line(report: ApplyReport) -> str:
    """The one line for the campaigns a refused credential kept from starting."""
    return (
        f"Stopped: Routee refused the credentials (see above); {report.not_started} "
        "campaign(s) not started: nothing was sent for them."
    )


#: Version of ``campaigns apply --format json``'s document.
REPORT_FORMAT_VERSION = 1


def report_data(report: ApplyReport) -> dict[str, Any]:
    """The apply's result as JSON data: the summary counts and one entry per action.

    A failed or held action carries Routee's answer (``routee``: HTTP status, code, message) when
    Routee refused a call; messages have phone numbers masked, as in the text output.
    """
    return {
        "formatVersion": REPORT_FORMAT_VERSION,
        "summary": {
            "sent": report.sent,
            "adopted": report.adopted,
            "settled": report.settled,
            "replaced": report.done(ActionKind.REPLACE),
            "cancelled": report.cancelled,
            "forgotten": report.done(ActionKind.FORGET),
            "trackedAgain": report.retracked,
            "failed": len(report.failed),
            "held": len(report.held),
            "notStarted": report.not_started,
        },
        "stopped": mask_numbers(report.stopped) if report.stopped else None,
        "results": [_result_data(result) for result in report.results],
    }


def _result_data(result: ActionResult) -> dict[str, Any]:
    action, refusal = result.action, result.refusal
    return {
        "id": action.id,
        "action": action.action.value,
        "status": result.status.value,
        "outcome": result.outcome.kind.value if result.outcome else None,
        "submissionName": action.submission_name,
        "trackingId": result.tracking_id,
        "message": mask_numbers(result.message) if result.message else None,
        "routee": None
        if refusal is None
        else {
            "status": refusal.status,
            "code": refusal.code,
            "message": mask_numbers(refusal.message) if refusal.message else None,
        },
        "errors": [
            {"code": e.code, "developerMessage": e.developer_message, "property": e.property}
            for e in result.errors
        ],
        "notes": list(result.notes),
    }


def render_report_json(report: ApplyReport, out: TextIO) -> None:
    """``campaigns apply --format json``: one JSON document on ``out``, pretty and sorted."""
    out.write(json.dumps(report_data(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
