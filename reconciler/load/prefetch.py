"""The declaration files listed, read and keyed by a worker while the parent reads the state.

A plan of 10,000 unchanged applied files spends ~0.25 s validating a 21 MB state and ~0.25 s
listing, reading and keying the files (:mod:`reconciler.load.keys`); neither needs the other
(design.md 9). :meth:`Prefetch.start` forks a :class:`~reconciler.load.workers.Worker` that
surveys ``campaigns/`` (the listing, ``defaults.yaml`` and the keys' salt: what
:func:`reconciler.load.project.load_project` does first anyway) and reads and keys every
declaration file; the parent reads the state meanwhile, then hands the prefetch to
``load_project``, which takes the survey and each file's text and key from it instead of doing
them again. Everything after (taking a file from the state or the parse cache, parsing,
checking) is as before.

The worker's rules hold (never a partial result: a worker that fails is replaced by the same
work in the parent, which then raises what the survey raises; fork only where it is safe;
``CAMPAIGNS_JOBS=1`` serial), so the load's result is the same with or without a prefetch. It
is started only where it can pay: a state file of at least :data:`MIN_STATE_BYTES` (a state
with few campaigns is read in a few milliseconds, and an empty-state plan's workers read their
own files) and where the load would use two processes or more.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.config import Config
from reconciler.load.defaults import DEFAULTS_FILE, load_defaults, misnamed_defaults
from reconciler.load.findings import Finding
from reconciler.load.keys import SourceKeys
from reconciler.load.locate import Locator
from reconciler.load.paths import CAMPAIGNS, child_path, list_declarations, outside_link
from reconciler.load.source import MAX_YAML_BYTES, read_text, read_yaml
from reconciler.load.workers import MIN_FILES_PER_JOB, Worker, by_fields, planned_jobs

#: A state file this large takes long enough to validate (~10 ms and up) for reading the
#: declaration files beside it to pay for a fork (about 100 applied campaigns of 10 numbers).
MIN_STATE_BYTES = 256 * 1024

#: One declaration file as read: its text (None if it cannot be used), its key (None without
#: keys or text) and the finding that says why it cannot be used.
FileRead = tuple[str | None, str | None, Finding | None]


@dataclass
class Survey:
    """What a load learns before it reads a declaration: the files, defaults and keys."""

    #: Declaration files (path, name relative to the root), ``defaults.yaml`` left out.
    files: list[tuple[Path, str]]
    defaults: dict[str, Any] = field(default_factory=dict)
    defaults_locator: Locator | None = None
    #: The defaults file's findings and those of a misnamed one.
    findings: list[Finding] = field(default_factory=list)
    keys: SourceKeys | None = None


def survey(config: Config) -> Survey:
    """List ``campaigns/``, load ``defaults.yaml`` and make the keys for this load."""
    listing = list_declarations(config)
    listed = listing.files
    defaults_rel = f"{CAMPAIGNS}/{DEFAULTS_FILE}"
    found = Survey(files=[])
    for rel, target in listing.outside:
        found.findings.append(Finding(rel, 1, 1, "file", outside_link(target)))
    for path, rel in listed:
        if rel == defaults_rel:
            defaults = load_defaults(read_yaml(path, rel))
            found.findings.extend(defaults.findings)
            found.defaults, found.defaults_locator = defaults.values, defaults.locator
    found.keys = SourceKeys.make(found.defaults, config.languages)
    for path, rel in listed:
        if misnamed_defaults(rel):
            message = f"the defaults file must be named {DEFAULTS_FILE}: rename it (not read)"
            found.findings.append(Finding(rel, 1, 1, "file", message))
        elif rel != defaults_rel:
            found.files.append((path, rel))
    return found


def read_file(path: Path, rel: str, keys: SourceKeys | None) -> FileRead:
    """Read one declaration file: its text and key, or why it cannot be used."""
    raw, text, problem = read_text(path, rel, MAX_YAML_BYTES)
    if text is None:
        return None, None, problem
    return text, (keys.key(rel, raw) if keys is not None else None), None


def read_files(files: list[tuple[Path, str]], keys: SourceKeys | None) -> list[FileRead]:
    """:func:`read_file` of each file, in order (the worker's task)."""
    return [read_file(path, rel, keys) for path, rel in files]


@dataclass
class _Sent:
    """A survey and its reads as the worker sends them: each file as its folder's number, its
    own name and its name in the project (rebuilding 10,000 pickled paths would cost the parent
    ~30 ms; a folder's path is made once), the keys as their salt."""

    folders: list[str]
    files: list[tuple[int, str, str]]
    defaults: dict[str, Any]
    defaults_locator: Locator | None
    findings: list[Finding]
    salt: str | None
    reads: list[FileRead]

    @classmethod
    def of(cls, config: Config) -> _Sent:
        """Survey ``campaigns/`` and read every declaration file (the worker's task)."""
        found = survey(config)
        numbers: dict[Path, int] = {}
        files = []
        for path, rel in found.files:
            files.append((numbers.setdefault(path.parent, len(numbers)), path.name, rel))
        salt = found.keys.salt if found.keys is not None else None
        reads = read_files(found.files, found.keys)
        folders = [str(folder) for folder in numbers]
        return cls(
            folders, files, found.defaults, found.defaults_locator, found.findings, salt, reads
        )

    def received(self) -> tuple[Survey, dict[str, FileRead]]:
        """The survey as the parent would have made it, and each file's read by name."""
        bases = [Path(folder) for folder in self.folders]
        files = [(child_path(bases[number], name), rel) for number, name, rel in self.files]
        keys = SourceKeys(self.salt) if self.salt is not None else None
        found = Survey(files, self.defaults, self.defaults_locator, self.findings, keys)
        return found, {rel: read for (_, rel), read in zip(files, self.reads, strict=True)}


class Prefetch:
    """A worker surveying ``campaigns/`` and reading its declaration files."""

    def __init__(self, worker: Worker[_Sent]) -> None:
        self._worker: Worker[_Sent] | None = worker

    @classmethod
    def start(cls, config: Config, state_file: Path) -> Prefetch | None:
        """Start the worker where it pays (see the module's note); None otherwise."""
        try:
            if state_file.stat().st_size < MIN_STATE_BYTES:
                return None
        except OSError:  # no state file (yet): the workspace's own checks say so
            return None
        if planned_jobs(2 * MIN_FILES_PER_JOB) < 2:  # serial, one core, or another thread
            return None
        return cls(Worker.start(functools.partial(_Sent.of, config), by_fields([_Sent])))

    def take(self) -> tuple[Survey, dict[str, FileRead]] | None:
        """The survey and each declaration file's read, by its name relative to the root; None
        once taken or stopped. A worker that failed is replaced by the same work here (which
        raises here what the survey raises: an unreadable ``campaigns/``, say)."""
        worker, self._worker = self._worker, None
        return None if worker is None else worker.result().received()

    def stop(self) -> None:
        """Stop the worker if its reads were not taken (the command failed before the load)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
