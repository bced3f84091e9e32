"""Problems as values: a :class:`Finding` names a file, a 1-based line and column, and a field."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from reconciler.errors import CampaignsError
from reconciler.escape import for_terminal
from reconciler.models.campaign import Campaign

if TYPE_CHECKING:
    from reconciler.load.keys import CleanFile
    from reconciler.models.state import SourceRecord


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in a declaration; ``path`` is relative to the project root."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        """``path:line:col: field: message`` on one line, whatever the file's name or content
        holds: a line break or tab shows as ``\\u000a`` or ``\\u0009`` (a pull request can name
        a file ``a\\nPlan: 0 to send.yaml``, and validate and plan print this line as is)."""
        line = f"{self.path}:{self.line}:{self.column}: {self.field}: {self.message}"
        return for_terminal(line, single_line=True)

    def to_json(self) -> dict[str, str | int]:
        return asdict(self)


@dataclass
class LoadResult:
    """The valid campaigns (sorted by id) and every problem found (sorted by place)."""

    campaigns: list[Campaign] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Per clean declaration file (relative path): its key and what loading it produced.
    clean: dict[str, tuple[str, CleanFile]] = field(default_factory=dict)

    @property
    def sources(self) -> dict[str, SourceRecord]:
        """What apply records in ``State.sources``, per clean file; built on demand (only apply
        records it: a plan of 10,000 files need not hold 10,000 records, design.md 9)."""
        from reconciler.load.recorded import source_record

        return {rel: source_record(key, clean) for rel, (key, clean) in self.clean.items()}

    @property
    def recipients(self) -> int:
        return sum(campaign.direct_recipients for campaign in self.campaigns)

    def raise_for_findings(self) -> None:
        """For commands that cannot work on invalid declarations (plan, apply)."""
        if self.findings:
            raise LoadError(self.findings)


class LoadError(CampaignsError):
    """Declarations could not be loaded; ``findings`` says where, if anything was read."""

    def __init__(self, findings: list[Finding] | str) -> None:
        self.findings = [] if isinstance(findings, str) else list(findings)
        if isinstance(findings, str):
            message = findings
        else:
            lines = [str(finding) for finding in self.findings]
            count = len(lines)
            lines.append(f"{count} problem{'s' if count != 1 else ''} in the declarations")
            message = "\n".join(lines)
        super().__init__(message)
