"""The one way a pydantic ``ValidationError`` becomes words: ``loc.path: message``.

Every layer that validates a file with a model (state, journal, saved plan) translates the
foreign error at its boundary with these, so the messages read the same everywhere.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from reconciler.escape import for_terminal


def error_text(error: ErrorDetails) -> str:
    """``a.b.0: message`` (or the message alone for an error about the whole document), on one
    line whatever the file's keys hold (a line break shows as ``\\u000a``)."""
    where = ".".join(str(part) for part in error["loc"])
    return for_terminal(f"{where}: {error['msg']}" if where else error["msg"], single_line=True)


def first_error(exc: ValidationError) -> str:
    """The first problem of ``exc``, as :func:`error_text`."""
    return error_text(exc.errors()[0])


def some_errors(exc: ValidationError, limit: int = 5) -> str:
    """Up to ``limit`` problems of ``exc`` joined by ``; ``, and how many more there are."""
    errors = exc.errors()
    shown = "; ".join(error_text(error) for error in errors[:limit])
    more = len(errors) - limit
    return shown + (f" (and {more} more)" if more > 0 else "")
