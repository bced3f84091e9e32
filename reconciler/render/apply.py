"""``campaigns apply`` output: one line per finished action, Routee's rejected recipients, and the
summary, from an :class:`~reconciler.apply.results.ApplyReport`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from reconciler.apply.results import ActionResult, ApplyReport, ResultStatus
from reconciler.masking import mask_numbers
from reconciler.models.plan import ActionKind
from reconciler.render.mask import mask_numbers


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
