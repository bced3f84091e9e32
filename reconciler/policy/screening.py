"""Suppression applied to declarations, before the diff (design.md section 11).

A suppressed number is never sent. With ``on_suppressed = "drop"`` (the default) it is taken out
of the campaign's request, whose spec hash then changes: a campaign submitted before the number
was listed, and still ``Scheduled``, plans a ``replace`` without it. With ``"error"`` the campaign
is a plan error naming the number's list and line, and nothing is applied. A campaign whose
every number is suppressed, with no ``contacts`` or ``groups``, has nobody left to call: an error
in either mode (cancel it or delete it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.canonical import digest
from reconciler.models.campaign import Campaign
from reconciler.policy.suppression import Entry, screen


@dataclass
class Screening:
    """The campaigns as they will be diffed, with what suppression did to each."""

    campaigns: list[Campaign] = field(default_factory=list)
    #: Per campaign id: the numbers taken out (drop) or found (error), in request order.
    suppressed: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    #: Per campaign id: numbers declared before suppression.
    declared: dict[str, int] = field(default_factory=dict)
    #: Campaigns that cannot be planned, with why (their requests are left as declared).
    errors: list[tuple[Campaign, str]] = field(default_factory=list)


def screen_campaigns(
    campaigns: Sequence[Campaign], listed: Mapping[str, Entry], on_suppressed: str
) -> Screening:
    """Apply the suppression lists ``listed`` to every campaign."""
    result = Screening()
    for campaign in campaigns:
        numbers = campaign.numbers
        result.declared[campaign.id] = len(numbers)
        screened = screen(numbers, listed)
        if not screened.suppressed:
            result.campaigns.append(campaign)
            continue
        result.suppressed[campaign.id] = screened.suppressed
        problem = _problem(campaign, screened.kept, screened.suppressed, on_suppressed)
        if problem is not None:
            result.errors.append((campaign, problem))
            result.campaigns.append(campaign)
        else:
            result.campaigns.append(_without(campaign, screened.kept))
    return result


def _problem(
    campaign: Campaign, kept: Sequence[str], suppressed: Sequence[Entry], mode: str
) -> str | None:
    if mode == "error":
        first = suppressed[0]
        more = f" (and {len(suppressed) - 1} more)" if len(suppressed) > 1 else ""
        return (
            f"to: {first.number} is suppressed by {first.where}{more}; "
            'remove it from the declaration, or set on_suppressed = "drop" in campaigns.toml'
        )
    if not kept and not any(campaign.request.get(k) for k in ("contacts", "groups")):
        return (
            f"every number ({len(suppressed)}) is suppressed: nobody is left to call; "
            "cancel or delete the campaign"
        )
    return None


def _without(campaign: Campaign, kept: Sequence[str]) -> Campaign:
    request = dict(campaign.request)
    if kept:
        request["to"] = list(kept)
    else:
        request.pop("to", None)
    return dataclasses.replace(campaign, request=request, spec_hash=digest(request))
