"""Campaigns of an applied, unchanged file, taken from the state instead of parsed (design.md 9).

In a fresh clone (CI) there is no parse cache, yet most files are exactly what the last apply
loaded. apply records, per declaration file, what loading it produced (``State.sources``): the
file's key (:mod:`reconciler.load.keys`), the toFiles it read and each campaign without its
request. The request is in the state already, in the submissions. A file is taken from there
only when all of this holds, otherwise it is parsed as usual:

- the key computed now equals the recorded key, and every recorded toFile is unchanged;
- every campaign of the file has a last submission whose request digests to its own
  ``specHash`` and, with the numbers suppression took out of it put back at their places
  (``dropped``, docs/policy.md; none without suppression), to the recorded ``specHash`` (the
  last submission only: what was sent before it would cost a search for little gain); so a
  hand-edited state cannot change what a campaign asks for;
- that submission was not cancelled by a replace (the diff would send it again; a parsed
  request keeps the key order written, which a POST body shows).

Correctness never depends on which state is passed: everything taken from it is checked
against the file. The requests are shared with the state, never copied (nothing mutates them),
except one with numbers put back, which is a new dict.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from reconciler.canonical import digest
from reconciler.load.keys import CleanFile, Placed, ToFile
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.state import (
    CancelReason,
    SourceCampaign,
    SourceRecord,
    SourceToFile,
    State,
)


def source_record(key: str, clean: CleanFile) -> SourceRecord:
    """What apply records for a clean file: everything :func:`recorded_file` needs back."""
    return SourceRecord(
        key=key,
        to_files=[SourceToFile(value=f.value, rel=f.rel, digest=f.digest) for f in clean.to_files],
        campaigns=[_source_campaign(item) for item in clean.placed],
    )


def recorded_file(
    state: State, *, rel: str, key: str, declaring_file: Path, root: Path
) -> CleanFile | None:
    """The file's campaigns rebuilt from ``state``, or None when it must be parsed."""
    record = state.sources.get(rel)
    if record is None or record.key != key:
        return None
    to_files = [ToFile(f.value, f.rel, f.digest) for f in record.to_files]
    if not all(item.unchanged(declaring_file, root) for item in to_files):
        return None
    placed = _rebuild(state, rel, record.campaigns)
    return None if placed is None else CleanFile(placed, to_files)


def _rebuild(state: State, rel: str, recorded: Sequence[SourceCampaign]) -> list[Placed] | None:
    placed: list[Placed] = []
    for item in recorded:
        record = state.campaigns.get(item.id)
        last = record.last if record is not None else None
        if last is None or last.cancel_reason is CancelReason.REPLACE:
            return None
        request = _declared(last.request, item.dropped)
        submitted = digest(last.request)
        declared = submitted if request is last.request else digest(request)
        if submitted != last.spec_hash or declared != item.spec_hash:
            return None
        campaign = Campaign(
            id=item.id,
            revision=item.revision,
            cancel=item.cancel,
            label=item.label,
            request=request,
            spec_hash=item.spec_hash,
            decl_hash=item.decl_hash,
            source=SourceRef(rel, item.line, item.column),
            estimated_seconds=item.estimated_seconds,
            opt_out_digits=item.opt_out_digits,
        )
        placed.append(Placed(campaign, item.index))
    return placed


def _declared(request: dict[str, Any], dropped: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """The declared request: the submitted one with the numbers suppression dropped put back at
    their places (the submitted one itself when nothing was dropped)."""
    if not dropped:
        return request
    numbers = list(request.get("to", ()))
    for index, number in sorted(dropped):
        numbers.insert(index, number)
    return {**request, "to": numbers}


def with_dropped(
    sources: dict[str, SourceRecord], campaigns: Sequence[Campaign], listed: Collection[str]
) -> dict[str, SourceRecord]:
    """``sources`` with, per campaign, the declared numbers that suppression (``listed``) takes
    out of its request: what :func:`recorded_file` needs to rebuild the declared request."""
    numbers = {campaign.id: campaign.numbers for campaign in campaigns}
    updated = {}
    for rel, record in sources.items():
        items = []
        for item in record.campaigns:
            dropped = [(i, n) for i, n in enumerate(numbers.get(item.id, ())) if n in listed]
            items.append(item.model_copy(update={"dropped": dropped}) if dropped else item)
        updated[rel] = record.model_copy(update={"campaigns": items})
    return updated


def _source_campaign(item: Placed) -> SourceCampaign:
    campaign = item.campaign
    return SourceCampaign(
        id=campaign.id,
        index=item.index,
        line=campaign.source.line,
        column=campaign.source.column,
        revision=campaign.revision,
        cancel=campaign.cancel,
        label=campaign.label,
        spec_hash=campaign.spec_hash,
        decl_hash=campaign.decl_hash,
        estimated_seconds=campaign.estimated_seconds,
        opt_out_digits=campaign.opt_out_digits,
    )
