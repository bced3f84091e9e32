"""A declaration after loading: what the diff and apply work with.

The loader (``reconciler.load``) turns each YAML document into a :class:`Campaign`. ``request``
is the Routee ``POST /voice/campaign`` body exactly as it will be sent, *without* the campaign
name (apply adds the submission name, design.md section 5.1): ``defaults.yaml`` merged in,
``toFile`` recipients merged into ``to``, numbers normalised to E.164, tool-owned keys removed,
keys absent rather than null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a declaration was written: path relative to the project root, 1-based line/column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Campaign:
    """One valid declaration, ready for the diff."""

    id: str
    revision: int
    cancel: bool
    #: ``campaignName`` if declared, else ``id``: the label the submission name starts with.
    label: str
    #: The request body without the name (see module docstring).
    request: dict[str, Any]
    #: ``digest(request)``: changes when what would be sent changes.
    spec_hash: str
    #: Digest of the declaration's own fields and its ``toFile`` bytes, without ``defaults.yaml``.
    decl_hash: str
    source: SourceRef
    #: ``estimatedSeconds``: the length of a ``fileURL`` message, for the cost estimate.
    estimated_seconds: int | None = None
    #: ``optOutDigits``: keys that opt a recipient out; refresh records who pressed them.
    opt_out_digits: str | None = None

    @property
    def scheduled_date(self) -> str | None:
        value = self.request.get("scheduledDate")
        return value if isinstance(value, str) else None

    @property
    def numbers(self) -> list[str]:
        """The explicit phone numbers (``to``), E.164."""
        return list(self.request.get("to", []))

    @property
    def direct_recipients(self) -> int:
        """Recipients countable without Routee: numbers plus contact ids (groups need analysis)."""
        return len(self.request.get("to", [])) + len(self.request.get("contacts", []))
