"""Reading one YAML file safely and fast: size limit, UTF-8, C loader, alias bombs.

The fast path is ruamel's C loader in safe mode (:mod:`reconciler.load.yaml_loader`), about 15x
faster than round-trip mode; it keeps no positions, so :mod:`reconciler.load.locate` re-reads a
file in round-trip mode only when it has something to report. Timestamps stay strings (``scheduledDate`` is sent as
written). Every failure here is a :class:`Finding`, never an exception.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.load.findings import Finding

if TYPE_CHECKING:
    from ruamel.yaml.error import MarkedYAMLError

MAX_YAML_BYTES = 2 * 1024 * 1024
#: Values a document may hold once aliases are expanded; a real declaration has ~3,000 at most.
MAX_EXPANDED_VALUES = 100_000
#: Files that may nest deeper than this (see :func:`nesting_bound`) are refused.
MAX_DEPTH = 1000
_FLOW = re.compile(r"[\[\]{}]")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_COMPACT_RUN = 50
_COMPACT = re.compile(rf"(?:[-?][ \t]+){{{_COMPACT_RUN},}}")
_DOCUMENT_MARKERS = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)
_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)" with value')
#: What :class:`_Sizer` walks into (a tuple: ``isinstance`` with ``dict | list`` is slower).
_CONTAINERS = (dict, list)


@dataclass
class Document:
    """One ``---`` document: its data (C loader) and where it starts (1-based)."""

    index: int
    data: Any
    line: int
    column: int = 1


@dataclass
class SourceFile:
    """A file read from disk: text (when readable) plus its documents or its problems."""

    path: Path
    rel: str
    text: str = ""
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def finding(self, line: int, column: int, name: str, message: str) -> Finding:
        return Finding(self.rel, line, column, name, message)


def read_text(path: Path, rel: str, limit: int) -> tuple[bytes, str | None, Finding | None]:
    """Bytes and UTF-8 text of ``path``; a :class:`Finding` instead when it cannot be used.

    A regular file within the limit is read through one descriptor (open, fstat, read: a plan
    reads 10,000 files); anything else takes :func:`_read_checked`, which says what is wrong.
    """
    raw = _read_regular(path, limit)
    if raw is None:
        return _read_checked(path, rel, limit)
    return _decoded(raw, rel)


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        return _read_to_end(fd, status.st_size, limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_to_end(fd: int, size: int, limit: int) -> bytes | None:
    """Everything up to the end of ``fd`` (``size`` bytes when it does not change meanwhile), or
    None past ``limit``: ``os.read`` straight into bytes, without a file object per file."""
    data = os.read(fd, size + 1)
    if not data:
        return data
    chunks = [data]
    total = len(data)
    while total <= limit:
        chunk = os.read(fd, limit + 1 - total)
        if not chunk:
            return b"".join(chunks) if len(chunks) > 1 else data
        chunks.append(chunk)
        total += len(chunk)
    return None


def _read_checked(path: Path, rel: str, limit: int) -> tuple[bytes, str | None, Finding | None]:
    if path.is_symlink() and path.is_dir():
        message = (
            f"a symbolic link to a directory ({path.readlink()}) is not followed: the files "
            "behind it are not read; link the files themselves, or move them into campaigns/"
        )
        return b"", None, Finding(rel, 1, 1, "file", message)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a link to a device or a pipe: never read
            message = "not a regular file (a symbolic link to a device or a pipe?); not read"
            return b"", None, Finding(rel, 1, 1, "file", message)
        size = status.st_size
        if size > limit:
            message = f"file is {size} bytes, over the limit of {limit} bytes"
            return b"", None, Finding(rel, 1, 1, "file", message)
        raw = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or str(exc)
        if path.is_symlink() and not path.exists():
            why = f"broken symbolic link (its target {path.readlink()} does not exist)"
        return b"", None, Finding(rel, 1, 1, "file", f"cannot read: {why}")
    return _decoded(raw, rel)


def _decoded(raw: bytes, rel: str) -> tuple[bytes, str | None, Finding | None]:
    try:
        # utf-8-sig is a Python-level codec (~1 µs a file); it differs from utf-8 only by
        # dropping a leading byte order mark, so only a file that starts with one needs it.
        text = raw.decode("utf-8-sig") if raw.startswith(codecs.BOM_UTF8) else raw.decode()
        return raw, text, None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} (line {line})"
        return raw, None, Finding(rel, line, column, "file", message)


def read_yaml(path: Path, rel: str) -> SourceFile:
    """Read and parse one YAML file; every problem is recorded on the result."""
    source = SourceFile(path=path, rel=rel)
    _, text, problem = read_text(path, rel, MAX_YAML_BYTES)
    if text is None:
        source.findings.append(problem)  # type: ignore[arg-type]
        return source
    return parse_yaml(source, text)


def parse_yaml(source: SourceFile, text: str) -> SourceFile:
    """Parse ``text`` (the file's contents) into ``source``'s documents or findings."""
    load_documents, marked_error, yaml_error = _yaml()
    rel = source.rel
    source.text = text
    if collection_openers(text) > MAX_DEPTH and nesting_bound(text) > MAX_DEPTH:
        message = f"nests more than {MAX_DEPTH} levels deep; refused"
        source.findings.append(source.finding(1, 1, "yaml", message))
        return source
    try:
        loaded = load_documents(text)
    except marked_error as exc:
        source.findings.append(_syntax_finding(rel, exc, text))
        return source
    except (yaml_error, RecursionError) as exc:
        message = "nesting too deep" if isinstance(exc, RecursionError) else str(exc)
        source.findings.append(source.finding(1, 1, "yaml", message))
        return source
    starts = document_starts(text)
    for index, data in enumerate(loaded):
        line = starts[index] if len(starts) == len(loaded) else 1
        source.documents.append(Document(index=index, data=data, line=line))
    return source


@functools.cache
def _yaml() -> tuple[Callable[[str], list[Any]], type[MarkedYAMLError], type[Exception]]:
    """The loader and ruamel's errors, imported on the first file parsed (a plan of unchanged
    files parses none) and then at the cost of a call, not of two imports (~2 µs) per file."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from reconciler.load.yaml_loader import load_documents

    return load_documents, MarkedYAMLError, YAMLError


def collection_openers(text: str) -> int:
    """How many characters of ``text`` could open a collection: another bound on its nesting.

    Every mapping or sequence opens with a character of its own: a bracket, a block entry's
    ``-``, or the ``?`` or ``:`` of its first key. So a text with at most :data:`MAX_DEPTH` of
    them (a declaration of ten numbers has ~40) cannot nest deeper, counted in C (five
    ``str.count``) before :func:`nesting_bound`'s scan.
    """
    return sum(map(text.count, "[{-?:"))


def nesting_bound(text: str) -> int:
    """An upper bound on how deeply ``text`` can nest, computed without parsing.

    The C loader recurses in C: tens of thousands of ``[`` crash the process (not an
    exception), so a file that might nest deeper than :data:`MAX_DEPTH` is refused unparsed.
    Brackets inside strings only make the bound larger; a real declaration nests about 4 deep.
    """
    flow = depth = 0
    for match in _FLOW.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        flow = max(flow, depth)
    indent = max(map(len, _INDENT.findall(text)), default=0)
    # 50 compact entries need 50 indicators: most files are ruled out by a count, in C.
    few = text.count("-") + text.count("?") < _COMPACT_RUN
    compact = MAX_DEPTH if not few and _COMPACT.search(text) else 0
    return flow + indent + compact


def _syntax_finding(rel: str, exc: MarkedYAMLError, text: str = "") -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = str(exc.problem or exc.context or "invalid YAML")
    duplicate = _DUPLICATE_KEY.search(problem)
    if duplicate:
        return Finding(rel, line, column, duplicate.group(1), "duplicate key")
    if exc.context and exc.problem:
        problem = f"{problem} ({exc.context})"
    if "tab" in problem or _char_at(text, line, column) == "\t":
        problem += "; indent YAML with spaces, never tabs"
    return Finding(rel, line, column, "yaml", problem)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    return row[column - 1] if 0 < column <= len(row) else ""


def document_starts(text: str) -> list[int]:
    """1-based line of each document: an explicit ``---`` or the first content line.

    A ``---`` at column 0 always starts a document (YAML forbids it inside scalars), so a line
    scan finds them without a second parse: the first content line (a ``---`` is one), then
    every ``---`` after it.
    """
    position, number = 0, 1
    while position <= len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end]
        if line.strip() and not line.lstrip().startswith(("#", "%")):
            break
        position, number = end + 1, number + 1
    else:
        return []
    starts = [number]
    number, position = number + 1, end + 1
    for match in _DOCUMENT_MARKERS.finditer(text, position):
        number += text.count("\n", position, match.start())
        position = match.start()
        starts.append(number)
    return starts


def expanded_size(value: Any, limit: int = MAX_EXPANDED_VALUES) -> int | None:
    """Values in ``value`` with aliases expanded, or None for a recursive alias.

    Shared nodes are counted once per use but computed once (memo by identity), so a
    "billion laughs" document is measured in microseconds, never expanded.
    """
    return _Sizer(limit).size(value)


class _Sizer:
    """:func:`expanded_size`'s walk (a method, not a closure: a recursive closure is a cycle the
    garbage collector must find, one per document)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.memo: dict[int, int] = {}
        self.active: set[int] = set()

    def size(self, node: Any) -> int | None:
        if not isinstance(node, _CONTAINERS):
            return 1
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:
            return None
        self.active.add(key)
        total = 1
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, _CONTAINERS):
                child_size = self.size(child)
                if child_size is None:
                    return None
                total += child_size
            else:
                total += 1  # a scalar, counted without a call
            if total > self.limit:
                break
        self.active.discard(key)
        self.memo[key] = total
        return total
