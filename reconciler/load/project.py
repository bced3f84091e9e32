"""The whole tree: ``campaigns/**/*.yaml`` and ``*.yml`` (any case), ``defaults.yaml``, unique ids.

Files are read in sorted order, each with the fast C loader; only a file with something to
report is re-read in round-trip mode to find positions. Empty files and empty documents are
skipped without a word (docs/declarations.md).

A file whose key (:mod:`reconciler.load.keys`) matches what the last apply recorded in the state
(:mod:`reconciler.load.recorded`) or a parse cache entry (:mod:`reconciler.load.cache`) is not
parsed: its campaigns are taken from there. Duplicate ids across files are still found, and a
file with anything to report is always parsed, so findings never depend on either shortcut.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reconciler.collector import collector_paused
from reconciler.config import Config
from reconciler.load.cache import ParseCache
from reconciler.load.document import translate
from reconciler.load.file_check import Context, FileOutcome, check_file, document_problem
from reconciler.load.findings import Finding, LoadError, LoadResult
from reconciler.load.keys import CleanFile, Placed, SourceKeys, ToFile
from reconciler.load.locate import Locator, locate
from reconciler.load.paths import CAMPAIGNS, declaration_files
from reconciler.load.recorded import recorded_file
from reconciler.load.source import (
    MAX_YAML_BYTES,
    Document,
    SourceFile,
    parse_yaml,
    read_text,
    read_yaml,
)
from reconciler.load.workers import Worker, by_fields, planned_jobs, worth_forking
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.declaration import TOOL_KEYS, Defaults, Issue
from reconciler.models.state import State

DEFAULTS_FILE = "defaults.yaml"
#: What a worker sends back, pickled as tuples of fields (:func:`by_fields`).
_COMPACT = by_fields([FileOutcome, Placed, Campaign, SourceRef, Finding, ToFile])
#: The parent's run of files, against a worker's: reading a file and merging what a worker found
#: in it cost the parent about a tenth of what parsing and checking it costs (docs/scaling.md).
PARENT_SHARE = 0.85


@dataclass
class _ProjectLoad:
    """Everything one ``load_project`` call gathers."""

    config: Config
    defaults: dict[str, Any] = field(default_factory=dict)
    defaults_locator: Locator | None = None
    campaigns: list[Campaign] = field(default_factory=list)
    findings: set[Finding] = field(default_factory=set)
    #: id -> each declaration of it: (its file, document index, document line).
    ids: dict[str, list[tuple[Locator, int, int]]] = field(default_factory=dict)
    #: Per clean file: its key and what loading it produced (``LoadResult.sources`` from it).
    clean: dict[str, tuple[str, CleanFile]] = field(default_factory=dict)
    #: Whether to keep ``clean`` (apply records it; a plan does not need it).
    sources: bool = True


@dataclass(frozen=True)
class _KnownSources:
    """Where a file's campaigns may come from without parsing it."""

    keys: SourceKeys
    state: State | None
    cache: ParseCache | None


def load_project(config: Config, state: State | None = None, *, sources: bool = True) -> LoadResult:
    """Every declaration under ``config.campaigns_dir``: valid campaigns plus all findings.

    With ``state``, files unchanged since the apply that recorded them there are not parsed
    (``plan`` and ``apply`` pass it; ``validate`` does not, and so checks every file afresh).
    The result is the same with or without it. ``sources=False`` leaves out what apply
    records per file (``LoadResult.sources``: a plan does not need it). Everything it builds
    lives on, so it runs with the garbage collector paused (:mod:`reconciler.collector`).
    """
    with collector_paused():
        return _load(config, state, sources)


def _load(config: Config, state: State | None, sources: bool) -> LoadResult:
    run = _ProjectLoad(config=config, sources=sources)
    files = declaration_files(config)
    defaults_rel = f"{CAMPAIGNS}/{DEFAULTS_FILE}"
    for path, rel in files:
        if rel == defaults_rel:
            _load_defaults(run, read_yaml(path, rel))
    keys = SourceKeys.make(run.defaults, config.languages)
    cache = ParseCache.open(config.root) if keys is not None else None
    shortcuts = None if keys is None else _KnownSources(keys, state, cache)
    declarations: list[tuple[Path, str]] = []
    for path, rel in files:
        if _misnamed_defaults(rel):
            message = f"the defaults file must be named {DEFAULTS_FILE}: rename it (not read)"
            run.findings.add(Finding(rel, 1, 1, "file", message))
        elif rel != defaults_rel:
            declarations.append((path, rel))
    _load_declarations(run, declarations, shortcuts)
    if cache is not None:
        cache.prune()
    duplicated = _check_unique_ids(run)
    campaigns = sorted((c for c in run.campaigns if c.id not in duplicated), key=lambda c: c.id)
    return LoadResult(campaigns=campaigns, findings=sorted(run.findings), clean=run.clean)


def default_sender(config: Config) -> str | None:
    """The ``from`` of ``campaigns/defaults.yaml`` (None without one); its findings stop here."""
    path = config.campaigns_dir / DEFAULTS_FILE
    if not path.is_file():
        return None
    run = _ProjectLoad(config=config)
    _load_defaults(run, read_yaml(path, f"{CAMPAIGNS}/{DEFAULTS_FILE}"))
    if run.findings:
        lines = "\n".join(str(f) for f in sorted(run.findings))
        raise LoadError(f"invalid defaults (run `campaigns validate`):\n{lines}")
    sender = run.defaults.get("from")
    return sender if isinstance(sender, str) else None


def _misnamed_defaults(rel: str) -> bool:
    """``campaigns/Defaults.YAML``: meant as defaults, so neither a declaration nor ignored."""
    folder, _, name = rel.rpartition("/")
    return folder == CAMPAIGNS and name.lower() == DEFAULTS_FILE != name


def _load_defaults(run: _ProjectLoad, source: SourceFile) -> None:
    run.findings.update(source.findings)
    documents = [d for d in source.documents if d.data is not None]
    if not documents:
        return
    locator = Locator(source)
    document = documents[0]
    issues = _defaults_issues(document)
    if len(documents) > 1:
        issues.append(Issue((), "defaults.yaml must hold a single document", "mapping"))
    for issue in issues:
        run.findings.add(locate(issue, locator, document.index, document.line, None))
    if isinstance(document.data, Mapping) and not any(issue.loc == () for issue in issues):
        # Keep the good keys, so one bad default does not turn into an error per declaration.
        bad = {issue.loc[0] for issue in issues} | set(TOOL_KEYS)
        run.defaults = {key: value for key, value in document.data.items() if key not in bad}
        run.defaults_locator = locator


def _defaults_issues(document: Document) -> list[Issue]:
    problem = document_problem(document)
    if problem is not None:
        return [problem]
    data = document.data
    if not isinstance(data, Mapping):
        return [Issue((), "must be a mapping of request fields", "mapping")]
    issues = [
        Issue((key,), "not allowed in defaults.yaml (it belongs to each declaration)", "key")
        for key in TOOL_KEYS
        if key in data
    ]
    allowed = {
        key: value for key, value in data.items() if key not in TOOL_KEYS and value is not None
    }
    try:
        Defaults.model_validate(allowed)
    except ValidationError as exc:
        # A nested key a declaration may supply (message.text) is not required of defaults.
        errors = [e for e in exc.errors() if e["type"] != "missing" or len(e["loc"]) < 2]
        issues.extend(translate(error) for error in errors)
    return issues


@dataclass(slots=True)
class _Read:
    """A declaration file as the parent read it, waiting for its turn to be merged."""

    source: SourceFile  # path, name and text: what a duplicate id is located in
    key: str | None = None
    #: Decided without parsing: taken from the state or the parse cache, or unreadable.
    clean: CleanFile | None = None
    outcome: FileOutcome | None = None

    @property
    def parse(self) -> bool:
        return self.clean is None and self.outcome is None


def _load_declarations(
    run: _ProjectLoad, files: list[tuple[Path, str]], shortcuts: _KnownSources | None
) -> None:
    """Read every file here, parse and check those that need it in up to
    :func:`planned_jobs` processes (each its run of files), and merge in file order."""
    context = Context(run.defaults, run.defaults_locator, run.config.root, run.config.languages)
    parts = _split(files, planned_jobs(len(files)))
    pending: list[tuple[list[_Read], Worker[list[FileOutcome]] | list[FileOutcome]]] = []
    try:
        for number, part in enumerate(parts):
            reads = [_read(run, path, rel, shortcuts) for path, rel in part]
            task = functools.partial(_parse_all, [r.source for r in reads if r.parse], context)
            here = number == len(parts) - 1 or not worth_forking(len(task.args[0]))
            pending.append((reads, task() if here else Worker.start(task, _COMPACT)))
        for reads, parsed in pending:
            outcomes = iter(parsed if isinstance(parsed, list) else parsed.result())
            for read in reads:
                _merge(run, read, next(outcomes) if read.parse else read.outcome, shortcuts)
    finally:
        for _, parsed in pending:
            if isinstance(parsed, Worker):
                parsed.stop()


def _split(files: list[tuple[Path, str]], jobs: int) -> list[list[tuple[Path, str]]]:
    """``files`` in ``jobs`` consecutive runs; the last, the parent's, is smaller by
    :data:`PARENT_SHARE` (the parent also reads every file and unpickles the results)."""
    weights = [1.0] * (jobs - 1) + [PARENT_SHARE]
    total = sum(weights)
    bounds = [0]
    for weight in weights[:-1]:
        bounds.append(bounds[-1] + round(len(files) * weight / total))
    bounds.append(len(files))
    return [files[start:end] for start, end in itertools.pairwise(bounds)]


def _parse_all(sources: list[SourceFile], context: Context) -> list[FileOutcome]:
    """Parse and check each file (in a worker, or here): nothing outside the result changes."""
    return [check_file(parse_yaml(SourceFile(s.path, s.rel), s.text), context) for s in sources]


def _read(run: _ProjectLoad, path: Path, rel: str, shortcuts: _KnownSources | None) -> _Read:
    """Read one file; take it from the state or the parse cache when it is unchanged."""
    source = SourceFile(path=path, rel=rel)
    raw, text, problem = read_text(path, rel, MAX_YAML_BYTES)
    if text is None:
        return _Read(source, outcome=FileOutcome(findings=[problem]))  # type: ignore[list-item]
    source.text = text
    if shortcuts is None:
        return _Read(source)
    key = shortcuts.keys.key(rel, raw)
    return _Read(source, key, _unparsed(run, shortcuts, path, rel, key))


def _merge(
    run: _ProjectLoad, read: _Read, outcome: FileOutcome | None, shortcuts: _KnownSources | None
) -> None:
    """Add one file's campaigns, ids and findings to the load, as the serial load did."""
    if outcome is None:
        clean = read.clean
        assert clean is not None
        _take(run, read.source, clean)
    else:
        run.findings.update(outcome.findings)
        locator = Locator(read.source)
        for item in outcome.placed:
            run.campaigns.append(item.campaign)
        for value, index, line in outcome.ids:
            run.ids.setdefault(value, []).append((locator, index, line))
        clean = outcome.clean_file
        if clean is not None and shortcuts is not None and shortcuts.cache is not None:
            shortcuts.cache.put(read.key, clean)  # type: ignore[arg-type]
    if clean is not None and run.sources and read.key is not None:
        run.clean[read.source.rel] = (read.key, clean)


def _unparsed(
    run: _ProjectLoad, shortcuts: _KnownSources, path: Path, rel: str, key: str
) -> CleanFile | None:
    """The file's campaigns from the state, else from the parse cache, else None."""
    if shortcuts.state is not None:
        root = run.config.root
        recorded = recorded_file(shortcuts.state, rel=rel, key=key, declaring_file=path, root=root)
        if recorded is not None:
            return recorded
    return None if shortcuts.cache is None else shortcuts.cache.get(key, path)


def _take(run: _ProjectLoad, source: SourceFile, clean: CleanFile) -> None:
    """Add a file's campaigns loaded without parsing it; their ids still count for duplicates."""
    locator = Locator(source)
    for item in clean.placed:
        run.campaigns.append(item.campaign)
        places = run.ids.setdefault(item.campaign.id, [])
        places.append((locator, item.index, item.campaign.source.line))


def _check_unique_ids(run: _ProjectLoad) -> set[str]:
    duplicated = {key for key, places in run.ids.items() if len(places) > 1}
    for key in sorted(duplicated):
        found = [
            locate(Issue(("id",), ""), locator, index, line, None)
            for locator, index, line in run.ids[key]
        ]
        for finding in found:
            others = ", ".join(f"{o.path}:{o.line}:{o.column}" for o in found if o != finding)
            run.findings.add(
                Finding(
                    finding.path,
                    finding.line,
                    finding.column,
                    "id",
                    f"duplicate id {key!r} (also at {others})",
                )
            )
    return duplicated
