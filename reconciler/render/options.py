"""What a renderer may be asked to vary."""

from __future__ import annotations

from dataclasses import dataclass

#: GitHub rejects comments over 65,536 characters; stay well below.
MARKDOWN_LIMIT = 60_000


@dataclass(frozen=True)
class RenderOptions:
    #: ANSI colours (text only); the CLI sets it on a TTY without ``--no-color``.
    color: bool = False
    #: Upper bound of a Markdown comment's length.
    max_chars: int = MARKDOWN_LIMIT
    #: Mask phone numbers in the text plan (``--mask``, or ``CI=true``); comments always are.
    mask: bool = False
