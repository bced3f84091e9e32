"""Which recorded submissions may still ring: the plan says so wherever one would surprise.

A submission may still ring while Routee accepted it, nobody has seen it start, and its
``scheduledDate`` (if any) is still ahead (``cancel``/``replace`` add a safety margin on top:
``decide.still_scheduled``). A resend, a deleted file and ``status --live`` name them, with the
date and the recipient count.
"""

from __future__ import annotations

from datetime import datetime

from reconciler.models.action_view import direct_recipients, groups_of
from reconciler.models.state import CampaignRecord, Submission, SubmissionStatus
from reconciler.plan.guards import parse_instant

SCHEDULED = "Scheduled"


def may_still_ring(submission: Submission, now: datetime) -> bool:
    """Accepted, not known to have started, and its ``scheduledDate`` (if any) still ahead."""
    if submission.status is not SubmissionStatus.ACCEPTED:
        return False
    if submission.state not in (None, SCHEDULED):
        return False
    start = parse_instant(submission.request.get("scheduledDate"))
    return start is None or start > now


def live_submissions(record: CampaignRecord, now: datetime) -> list[Submission]:
    """Every submission of ``record`` that may still ring, oldest first."""
    return [s for s in record.submissions if may_still_ring(s, now)]


def describe_live(submission: Submission) -> str:
    """``spring-seq1 (scheduled for 2030-01-01T09:00:00Z, 2 recipients)``."""
    request = submission.request
    count = direct_recipients(request)
    groups = groups_of(request)
    people = f"{count} recipient{'s' if count != 1 else ''}"
    if groups:
        people += f" + groups {', '.join(groups)}"
    date = request.get("scheduledDate")
    when = f"scheduled for {date}" if date else "no scheduledDate"
    return f"{submission.submission_name} ({when}, {people})"
