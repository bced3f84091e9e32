"""One parsed declaration file -> what it declares and what is wrong with it, as a value.

:func:`check_file` reads nothing but the file's ``toFile`` CSVs and changes nothing outside its
result, so the loader may run it in a worker process (:mod:`reconciler.load.workers`) and merge
the :class:`FileOutcome` in the parent, in file order, exactly as if it had run there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.load.document import check_document
from reconciler.load.findings import Finding
from reconciler.load.keys import CleanFile, Placed, ToFile
from reconciler.load.locate import Locator, field_name, locate
from reconciler.load.source import MAX_EXPANDED_VALUES, Document, SourceFile, expanded_size
from reconciler.models.campaign import SourceRef
from reconciler.models.declaration import Issue


@dataclass(frozen=True)
class Context:
    """What every file of one load is checked against (the parent's, inherited by a worker)."""

    defaults: dict[str, Any]
    defaults_locator: Locator | None
    root: Path
    languages: frozenset[str]


@dataclass(slots=True)
class FileOutcome:
    """What loading one file produced: its findings, campaigns, declared ids and ``toFile``s."""

    findings: list[Finding] = field(default_factory=list)
    placed: list[Placed] = field(default_factory=list)
    #: Each document's ``id`` (when a string): (id, document index, document line).
    ids: list[tuple[str, int, int]] = field(default_factory=list)
    to_files: list[ToFile] = field(default_factory=list)
    clean: bool = False

    @property
    def clean_file(self) -> CleanFile | None:
        """What the parse cache and the state may record: only a file without a problem."""
        return CleanFile(self.placed, self.to_files) if self.clean else None


def document_problem(document: Document) -> Issue | None:
    """Why a document is refused before it is checked (aliases, nesting), or None."""
    try:
        size = expanded_size(document.data)
    except RecursionError:
        return Issue((), "nested too deeply", "mapping")
    if size is None:
        return Issue((), "a YAML alias refers to itself", "mapping")
    if size > MAX_EXPANDED_VALUES:
        message = (
            f"more than {MAX_EXPANDED_VALUES} values once YAML aliases are expanded "
            "(an alias bomb?); refused"
        )
        return Issue((), message, "mapping")
    return None


def check_file(source: SourceFile, context: Context) -> FileOutcome:
    """Check every document of ``source``; every problem becomes a located finding."""
    outcome = FileOutcome(findings=list(source.findings), clean=not source.findings)
    # The locator keeps the text only: the parsed documents are garbage once the file is done.
    locator = Locator(SourceFile(path=source.path, rel=source.rel, text=source.text))
    for document in source.documents:
        if document.data is not None and not _check_document(
            outcome, source, document, locator, context
        ):
            outcome.clean = False
    return outcome


def _check_document(
    outcome: FileOutcome,
    source: SourceFile,
    document: Document,
    locator: Locator,
    context: Context,
) -> bool:
    """Add one document's findings, campaign and id to ``outcome``; whether it is valid."""
    problem = document_problem(document)
    if problem is not None:
        message = problem.message
        outcome.findings.append(Finding(source.rel, document.line, 1, field_name(()), message))
        return False
    checked = check_document(
        document.data,
        defaults=context.defaults,
        path=source.path,
        source=SourceRef(source.rel, document.line, document.column),
        root=context.root,
        languages=context.languages,
    )
    outcome.findings.extend(checked.findings)
    for issue in checked.issues:
        outcome.findings.append(
            locate(issue, locator, document.index, document.line, context.defaults_locator)
        )
    data = document.data
    value = data.get("id") if isinstance(data, Mapping) else None
    if isinstance(value, str):
        outcome.ids.append((value, document.index, document.line))
    if checked.to_file:
        outcome.to_files.append(checked.to_file)
    if checked.campaign is None:
        return False
    outcome.placed.append(Placed(checked.campaign, document.index))
    return True
