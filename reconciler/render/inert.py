"""Text from files, names or a server made inert for where it is printed (design.md 10).

:func:`plain` for a terminal (control characters shown as escapes), :func:`inert_markdown` for
a pull-request comment (no markup, no mention, no HTML). Used by the policy and calendar output.
"""

from __future__ import annotations

import unicodedata


def plain(text: str) -> str:
    """``text`` with control characters shown as escapes, for a terminal."""
    return "".join(ch if unicodedata.category(ch)[0] != "C" else ascii(ch)[1:-1] for ch in text)


def inert_markdown(text: str) -> str:
    """``text`` inert in a comment: no markup, mention or HTML (a list name, a state value)."""
    escaped = "".join("\\" + ch if ch in "\\`*_[]|#" else ch for ch in plain(text))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("@", "&#64;")):
        escaped = escaped.replace(char, entity)
    return escaped
