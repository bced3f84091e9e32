"""Where a problem is: re-read a file in round-trip mode and walk the error's path.

Scalars carry no position of their own in ruamel, so the walk asks the *parent* container:
``lc.key(k)`` for a key, ``lc.value(k)`` for a mapping value, ``lc.item(i)`` for a list item.
A missing key points at the mapping that lacks it. A value that came from ``defaults.yaml``
(absent from the declaration) points into ``defaults.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.load.findings import Finding
from reconciler.load.source import SourceFile
from reconciler.models.declaration import Issue

Loc = tuple[str | int, ...]


def field_name(loc: Loc) -> str:
    """``("message", "language")`` -> ``message.language``; ``("to", 3)`` -> ``to[3]``."""
    if not loc:
        return "document"
    name = str(loc[0])  # a document is a mapping: its first part is always a key
    for part in loc[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


@dataclass
class _Walk:
    position: tuple[int, int] | None  # 0-based, from ruamel
    found: bool


def _child(node: Any, key: str | int) -> tuple[bool, Any]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq  # only to locate a problem

    if isinstance(node, CommentedMap) and key in node:
        return True, node[key]
    if isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
        return True, node[key]
    return False, None


def _own_position(node: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    return (lc.line, lc.col) if lc is not None and lc.line is not None else None


def _leaf_position(parent: Any, key: str | int, at: str) -> tuple[int, int]:
    from ruamel.yaml.comments import CommentedSeq

    if isinstance(parent, CommentedSeq):
        return tuple(parent.lc.item(key))
    position = parent.lc.key(key) if at == "key" else parent.lc.value(key)
    return tuple(position)


def walk(root: Any, loc: Loc, at: str) -> _Walk:
    """Position of ``loc`` in ``root``; ``found`` is False when the path stops early."""
    node = root
    best = _own_position(root)
    path = loc[:-1] if at == "mapping" else loc
    for depth, key in enumerate(path):
        exists, child = _child(node, key)
        if not exists:
            return _Walk(best, False)
        if depth == len(path) - 1:
            return _Walk(_leaf_position(node, key, at), True)
        best = _own_position(child) or _leaf_position(node, key, "value")
        node = child
    return _Walk(_own_position(node) or best, True)


class Locator:
    """Positions inside one file, parsed in round-trip mode on first use only."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self._documents: list[Any] | None = None

    def documents(self) -> list[Any]:
        if self._documents is None:
            from ruamel.yaml import YAML
            from ruamel.yaml.error import YAMLError

            try:
                self._documents = list(YAML(typ="rt").load_all(self.source.text))
            except (YAMLError, RecursionError):  # pragma: no cover - the fast path failed first
                self._documents = []
        return self._documents

    def walk(self, index: int, loc: Loc, at: str) -> _Walk:
        documents = self.documents()
        if index >= len(documents):
            return _Walk(None, False)
        return walk(documents[index], loc, at)


def locate(
    issue: Issue, declaration: Locator, index: int, start: int, defaults: Locator | None
) -> Finding:
    """Turn an :class:`Issue` of document ``index`` into a :class:`Finding` with a place."""
    result = declaration.walk(index, issue.loc, issue.at)
    rel = declaration.source.rel
    if not result.found and issue.at != "mapping" and defaults is not None:
        fallback = defaults.walk(0, issue.loc, issue.at)
        if fallback.found and fallback.position is not None:
            result, rel = fallback, defaults.source.rel
    line, column = (start, 1)
    if result.position is not None:
        line, column = result.position[0] + 1, result.position[1] + 1
    return Finding(rel, line, column, field_name(issue.loc), issue.message)
