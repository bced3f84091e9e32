"""Opt-outs that feed back (design.md 11): a recipient who presses one of a campaign's
``optOutDigits`` is recorded by ``campaigns refresh`` in the state, and from then on is
suppressed like a number on a list.

Routee reports the keys a recipient pressed as the message's ``collectedTones``. A recipient
opts out when any of the campaign's opt-out keys is among them. The campaign's keys come from
what the last apply loaded (``State.sources``), since refresh reads the state, not the files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.models.declaration import normalise_number
from reconciler.models.state import OptOut, State
from reconciler.policy.suppression import Entry

#: How an opt-out is named where a suppression list would name its file and line.
SOURCE = "opt-out by DTMF"


def opt_out_keys(state: State) -> dict[str, str]:
    """``optOutDigits`` per campaign id, as the last apply loaded them."""
    return {
        item.id: item.opt_out_digits
        for source in state.sources.values()
        for item in source.campaigns
        if item.opt_out_digits
    }


def opted_out(items: Iterable[Any], keys: str) -> dict[str, str]:
    """Number → keys pressed, for the tracking ``items`` whose tones hold one of ``keys``."""
    found: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        tones, number = item.get("collectedTones"), item.get("to")
        if not (isinstance(tones, str) and isinstance(number, str)):
            continue
        if any(key in tones for key in keys):
            try:
                found.setdefault(normalise_number(number), tones)
            except ValueError:
                continue
    return found


def suppressed_by_opt_outs(opt_outs: Mapping[str, OptOut]) -> dict[str, Entry]:
    """The state's opt-outs as suppression entries (line 0: not from a file)."""
    return {
        number: Entry(
            number=number,
            source=f"{SOURCE} in {optout.campaign}",
            line=0,
            reason=f"pressed {optout.tones}",
            since=optout.at[:10],
        )
        for number, optout in opt_outs.items()
    }
