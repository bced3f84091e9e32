"""The whole tree: ``campaigns/**/*.yaml`` and ``*.yml`` (any case), ``defaults.yaml``, unique ids.

Files are read in sorted order, each with the fast C loader; only a file with something to
report is re-read in round-trip mode to find positions. Empty files and empty documents are
skipped without a word (docs/declarations.md).

A file whose key (:mod:`reconciler.load.keys`) matches what the last apply recorded in the state
(:mod:`reconciler.load.recorded`) or a parse cache entry (:mod:`reconciler.load.cache`) is not
parsed: its campaigns are taken from there. Duplicate ids across files are still found, and a
file with anything to report is always parsed, so findings never depend on either shortcut.

Files to parse are spread over worker processes (:mod:`reconciler.load.workers`), each a run of
consecutive files; what each file produced (:mod:`reconciler.load.file_check`) is merged here
in file order, so the result is the serial load's, in the same order (docs/scaling.md).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.collector import collector_paused
from reconciler.config import Config
from reconciler.load.cache import ParseCache
from reconciler.load.defaults import default_sender
from reconciler.load.file_check import Context, FileOutcome, check_file
from reconciler.load.findings import Finding, LoadResult
from reconciler.load.keys import CleanFile, Placed, SourceKeys, ToFile
from reconciler.load.locate import Locator, locate
from reconciler.load.prefetch import FileRead, Prefetch, read_file, survey
from reconciler.load.recorded import recorded_file
from reconciler.load.source import SourceFile, parse_yaml
from reconciler.load.workers import Worker, by_fields, planned_jobs, worth_forking
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.declaration import Issue
from reconciler.models.state import State

__all__ = ["default_sender", "load_project"]  # default_sender: apply imports it from here

#: What a worker sends back, pickled as tuples of fields (:func:`by_fields`).
_COMPACT = by_fields([FileOutcome, Placed, Campaign, SourceRef, Finding, ToFile])
#: The length of the parent's run of files against a worker's (docs/scaling.md), where each
#: process reads its own files: a worker pays for pickling what it found, sending it and
#: copy-on-write page faults, ~20-25 % more per file than the parent (10,000 files: 0.34 ms
#: against 0.28 ms a file, wall time, a moment the machine was free)...
PARENT_SHARE = 1.2
#: ... and where the parent reads every file (to take unchanged ones from the state or the cache)
#: and workers only parse: reading costs the parent ~12 % of what parsing a file costs.
PARENT_SHARE_READING_ALL = 0.85


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
    #: Each declaration file as a prefetch's worker read it, by name (None: read them here).
    prefetched: dict[str, FileRead] | None = None


@dataclass(frozen=True)
class _KnownSources:
    """Where a file's campaigns may come from without parsing it."""

    keys: SourceKeys
    state: State | None
    cache: ParseCache | None


def load_project(
    config: Config,
    state: State | None = None,
    *,
    sources: bool = True,
    prefetch: Prefetch | None = None,
) -> LoadResult:
    """Every declaration under ``config.campaigns_dir``: valid campaigns plus all findings.

    With ``state``, files unchanged since the apply that recorded them there are not parsed
    (``plan`` and ``apply`` pass it; ``validate`` does not, and so checks every file afresh).
    The result is the same with or without it. ``sources=False`` leaves out what apply
    records per file (``LoadResult.sources``: a plan does not need it). ``prefetch``: the
    files surveyed and read by a worker while the state was read (:mod:`reconciler.load.
    prefetch`), the same result. Everything it builds lives on, so it runs with the garbage
    collector paused (:mod:`reconciler.collector`).
    """
    with collector_paused():
        return _load(config, state, sources, prefetch)


def _load(
    config: Config, state: State | None, sources: bool, prefetch: Prefetch | None
) -> LoadResult:
    run = _ProjectLoad(config=config, sources=sources)
    taken = prefetch.take() if prefetch is not None else None
    if taken is None:
        found = survey(config)
    else:
        found, run.prefetched = taken
    run.findings.update(found.findings)
    run.defaults, run.defaults_locator = found.defaults, found.defaults_locator
    keys = found.keys
    cache = ParseCache.open(config.root) if keys is not None else None
    shortcuts = None if keys is None else _KnownSources(keys, state, cache)
    _load_declarations(run, found.files, shortcuts)
    if cache is not None:
        cache.prune()
    duplicated = _check_unique_ids(run)
    campaigns = sorted((c for c in run.campaigns if c.id not in duplicated), key=lambda c: c.id)
    return LoadResult(campaigns=campaigns, findings=sorted(run.findings), clean=run.clean)


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
    """Read, parse and check every file in up to :func:`planned_jobs` processes (each its run
    of files, the last one here), then merge what each file produced in file order."""
    context = Context(run.defaults, run.defaults_locator, run.config.root, run.config.languages)
    share = PARENT_SHARE_READING_ALL if _may_skip(shortcuts) else PARENT_SHARE
    parts = _split(files, planned_jobs(len(files)), share)
    started: list[Worker[Any]] = []
    try:
        loading = [
            _start(run, part, shortcuts, context, started if n < len(parts) - 1 else None)
            for n, part in enumerate(parts)
        ]
        for loaded in loading:
            for read, outcome in loaded():
                _merge(run, read, outcome, shortcuts)
    finally:
        for worker in started:
            worker.stop()


#: What one run of files produced, file by file: as read, and what parsing it found (None when
#: it was taken from the state or the parse cache).
_Loaded = list[tuple[_Read, FileOutcome | None]]


def _start(
    run: _ProjectLoad,
    part: list[tuple[Path, str]],
    shortcuts: _KnownSources | None,
    context: Context,
    workers: list[Worker[Any]] | None,
) -> Callable[[], _Loaded]:
    """Start loading ``part``; what it produced when called. ``workers`` (None: load it here)
    collects the worker started for it, if any.

    Where no file can be taken from the state or the cache (nothing applied, no cache: a fresh
    clone's first plan), the worker reads its files too; otherwise the parent reads them all, and
    a worker parses those not taken from a shortcut.
    """
    keys = shortcuts.keys if shortcuts is not None else None
    fresh = run.prefetched is None and not _may_skip(shortcuts)
    if workers is not None and fresh and worth_forking(len(part)):
        whole = Worker.start(functools.partial(_read_and_check, part, keys, context), _COMPACT)
        workers.append(whole)
        return lambda: _as_read(part, whole.result())
    reads = [_read(run, path, rel, shortcuts) for path, rel in part]
    todo = [read.source for read in reads if read.parse]
    task = functools.partial(_parse_all, todo, context)
    if workers is None or not worth_forking(len(todo)):
        outcomes = task()
        return lambda: _zipped(reads, outcomes)
    parsing = Worker.start(task, _COMPACT)
    workers.append(parsing)
    return lambda: _zipped(reads, parsing.result())


def _may_skip(shortcuts: _KnownSources | None) -> bool:
    """Whether some file might be taken from the state or the parse cache without parsing."""
    if shortcuts is None:
        return False
    return shortcuts.cache is not None or bool(shortcuts.state and shortcuts.state.sources)


def _zipped(reads: list[_Read], outcomes: list[FileOutcome]) -> _Loaded:
    parsed = iter(outcomes)
    return [(read, next(parsed) if read.parse else read.outcome) for read in reads]


def _read_and_check(
    part: list[tuple[Path, str]], keys: SourceKeys | None, context: Context
) -> list[tuple[str | None, str | None, FileOutcome]]:
    """Read, parse and check each file (a worker's task): its text, key and outcome."""
    found: list[tuple[str | None, str | None, FileOutcome]] = []
    for path, rel in part:
        text, key, problem = read_file(path, rel, keys)
        if text is None:
            found.append((None, None, FileOutcome(findings=[problem])))  # type: ignore[list-item]
            continue
        found.append((text, key, check_file(parse_yaml(SourceFile(path, rel), text), context)))
    return found


def _as_read(
    part: list[tuple[Path, str]], found: list[tuple[str | None, str | None, FileOutcome]]
) -> _Loaded:
    """A worker's :func:`_read_and_check` as if the parent had read the files."""
    return [
        (_Read(SourceFile(path, rel, text or ""), key), outcome)
        for (path, rel), (text, key, outcome) in zip(part, found, strict=True)
    ]


def _split(files: list[tuple[Path, str]], jobs: int, share: float) -> list[list[tuple[Path, str]]]:
    """``files`` in ``jobs`` consecutive runs; the last, the parent's, ``share`` times as long
    as the others."""
    weights = [1.0] * (jobs - 1) + [share]
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
    """Read one file (or take what a prefetch read); take it from the state or the parse cache
    when it is unchanged."""
    keys = shortcuts.keys if shortcuts is not None else None
    prefetched = run.prefetched
    text, key, problem = read_file(path, rel, keys) if prefetched is None else prefetched[rel]
    source = SourceFile(path=path, rel=rel)
    if text is None:
        return _Read(source, outcome=FileOutcome(findings=[problem]))  # type: ignore[list-item]
    source.text = text
    if shortcuts is None:
        return _Read(source)
    assert key is not None
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
