"""The one escaping layer: whatever came from a file, a name or a server, made safe where it goes.

Ids, file names, labels, tracking ids, notes and server messages are data a stranger may have
written (a pull request can change any file; a server can answer anything). Before they reach:

- **a terminal or a CI log**: C0 and C1 control characters, DEL and the bidirectional overrides
  become visible ``\\uXXXX`` escapes (:func:`for_terminal`), so no escape sequence moves the
  cursor, rewrites a line or hides text. ``\\uXXXX`` is also a valid JSON escape of the same
  character, so JSON output stays valid and means the same. :class:`TerminalStream` applies the
  same rule to a whole output stream, letting through only the few colour codes the text plan
  paints with (never "hidden", black or cursor movement).
- **a pull-request comment** (GitHub-flavoured Markdown): text is HTML-escaped and link syntax,
  table pipes and ``@mentions`` are neutralised (:func:`md_text`); code spans and fenced blocks
  use a backtick run longer than any inside (:func:`md_code`, :func:`md_code_block`); the
  hidden marker appears only once, at the top (:func:`md_document`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TextIO

#: The hidden first line of every comment the tool writes; the workflows find their comment by it.
MARKER = "<!-- routee-campaigns-plan -->"

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_LINE = re.compile(f"[\n\t{_CONTROLS}]")
#: An SGR sequence (``ESC [ n ; n m``) or any other single control character.
_STREAM = re.compile(f"\x1b\\[([0-9;]*)m|[{_CONTROLS}]")
#: The SGR codes the text plan paints with: reset, bold, red, green, yellow, magenta, cyan.
_PAINT = frozenset({"0", "1", "22", "31", "32", "33", "35", "36", "39"})


def _visible(match: re.Match[str]) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in match.group(0))


def for_terminal(text: str, *, single_line: bool = False) -> str:
    """``text`` with every control character shown as ``\\uXXXX`` (newlines kept unless
    ``single_line``; tabs kept unless ``single_line``)."""
    if text.isascii() and text.isprintable():
        # Printable ASCII (space to ``~``) holds none of the characters escaped: the answer
        # without a regex pass, for most lines of a plan (a 10,000-send plan prints ~140,000).
        return text
    return (_UNSAFE_LINE if single_line else _UNSAFE).sub(_visible, text)


#: Deletes the ASCII characters :data:`_STREAM` acts on (C0 controls but tab and newline, and
#: DEL): taken from :data:`_UNSAFE`, so the shortcut and the pattern cannot disagree.
_ASCII_CONTROLS = str.maketrans("", "", "".join(filter(_UNSAFE.fullmatch, map(chr, range(128)))))


def _inert(text: str) -> bool:
    """Whether ``text`` is ASCII without a character :data:`_STREAM` acts on: a whole chunk of
    plan text is checked ~15 times faster than by the regular expression (design.md 9)."""
    return text.isascii() and len(text.translate(_ASCII_CONTROLS)) == len(text)


def _stream_safe(match: re.Match[str]) -> str:
    params = match.group(1)
    if params is not None and all(p in _PAINT for p in (params or "0").split(";")):
        return match.group(0)
    return for_terminal(match.group(0))


class TerminalStream(io.TextIOBase):
    """A text stream that escapes control characters on their way to ``target``.

    Only the colour codes of :data:`_PAINT` pass whole; any other escape sequence is shown as
    text. Installed by the CLI around every command, for stdout and stderr.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(text if _inert(text) else _STREAM.sub(_stream_safe, text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def buffer(self) -> object:
        return getattr(self.target, "buffer", None)

    def writable(self) -> bool:
        return True


def unfiltered(stream: TextIO) -> TextIO:
    """The stream under a :class:`TerminalStream`, for a writer that escapes its data itself
    and needs its own control codes (the apply progress bar's erase-line)."""
    return stream.target if isinstance(stream, TerminalStream) else stream


# --- Markdown (GitHub pull-request comments) --------------------------------------------------

_MD_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "|": "\\|",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "\n": " ",
    "\r": " ",
}
_MD_SPECIAL = re.compile(r"[&<>\"|\[\]\\\n\r]")
#: ``@user`` / ``@org/team``: a zero-width space after the ``@`` keeps the text, drops the ping.
_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")
#: Bare URLs GitHub would turn into links.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(://)|\b(www)\.")
_ZWSP = "&#8203;"


def md_text(text: str) -> str:
    """``text`` for a Markdown paragraph, list item or table cell: shown as written, inert.

    HTML is escaped, newlines become spaces, ``|`` cannot end a table cell, ``[...]`` cannot
    make a link, bare URLs are not linked, ``@name`` notifies nobody, control characters are
    shown as ``\\uXXXX``. Backticks are kept: the tool's own notes quote commands with them.
    """
    text = for_terminal(text)
    text = _MD_SPECIAL.sub(lambda m: _MD_ENTITIES[m.group(0)], text)
    text = _AUTOLINK.sub(lambda m: f"{_ZWSP}://" if m.group(1) else f"{m.group(2)}{_ZWSP}.", text)
    return _MENTION.sub(f"@{_ZWSP}", text)


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)


def md_code(text: str) -> str:
    """``text`` as an inline code span for a table cell or a line: nothing inside is markup.

    The delimiter is one backtick longer than any run inside; ``|`` is escaped (GitHub splits
    table cells before it reads code spans); newlines and control characters are shown.
    """
    text = for_terminal(text, single_line=True).replace("|", "\\|")
    fence = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_code_block(text: str, *, language: str = "") -> list[str]:
    """``text`` as a fenced code block (as lines): the fence is longer than any backtick run
    inside, so nothing in ``text`` can close it; control characters are shown."""
    body = _no_marker(for_terminal(text.rstrip("\n")))
    fence = "`" * max(3, _longest_run(body, "`") + 1)
    return [f"{fence}{language}", *body.split("\n"), fence]


def _no_marker(text: str) -> str:
    """A second copy of the marker would make the workflow find (and edit) the wrong comment."""
    return text.replace("<!--", "<\u200b!--")


def md_document(lines: Iterable[str]) -> str:
    """A whole comment: the marker once on the first line, then ``lines`` (marker-free)."""
    body = "\n".join(lines)
    return f"{MARKER}\n{body.replace(MARKER, _no_marker(MARKER))}\n"
