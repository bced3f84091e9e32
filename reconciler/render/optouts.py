"""``campaigns optouts`` output: the state's opt-outs as a suppression list (CSV) or JSON.

The CSV has the columns of a suppression list (``number,reason,since``), so it can be kept in
the repository and named in ``[policy] suppress`` like any other list.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import TextIO

from reconciler.models.state import OptOut


def render_optouts_csv(opt_outs: Mapping[str, OptOut], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["number", "reason", "since"])
    for number, optout in sorted(opt_outs.items()):
        reason = f"pressed {optout.tones} in {optout.campaign} ({optout.submission_name})"
        writer.writerow([number, reason, optout.at[:10]])


def render_optouts_json(opt_outs: Mapping[str, OptOut], out: TextIO) -> None:
    rows = [
        {"number": number, **optout.model_dump(by_alias=True)}
        for number, optout in sorted(opt_outs.items())
    ]
    out.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
