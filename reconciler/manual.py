"""The manual: the pages of ``docs/`` by topic, as ``campaigns help TOPIC`` shows them.

Messages and ``--help`` point at a topic (```campaigns help recovery```), never at a path in a clone or a ``make``
target, so an installed user can follow every pointer: the pages ship in the wheel
(:mod:`reconciler.bundled`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from reconciler.bundled import bundled_dir
from reconciler.errors import CampaignsError

_TITLE = re.compile(r"#\s+(.+)")


class UnknownTopic(CampaignsError):
    """``campaigns help`` was asked for a page the manual does not have."""


@dataclass(frozen=True)
class Topic:
    """One page: its name (the file's stem) and the title on its first line."""

    name: str
    title: str


def topics() -> list[Topic]:
    """Every page of the manual, by name."""
    found = []
    for entry in bundled_dir("docs").iterdir():
        if entry.name.endswith(".md"):
            first = entry.read_text(encoding="utf-8").split("\n", 1)[0]
            title = _TITLE.fullmatch(first.strip())
            found.append(Topic(entry.name.removesuffix(".md"), title[1] if title else ""))
    return sorted(found, key=lambda topic: topic.name)


def page(name: str) -> str:
    """The text of the page ``name``; :class:`UnknownTopic` naming the topics there are."""
    names = [topic.name for topic in topics()]
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UnknownTopic(f"no help topic {name!r}{hint}; topics: {', '.join(names)}")
    return (bundled_dir("docs") / f"{name}.md").read_text(encoding="utf-8")
