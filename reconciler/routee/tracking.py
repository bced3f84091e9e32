"""Tracking answers: Spring-style pages followed to the end, and the search-by-name body.

Tracking finds *messages*, not campaigns (routee-voice-api.md section 6.3): a campaign that has
not started yet has none, so an empty list is a normal answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.routee.errors import UnexpectedResponse

#: A bound on pages followed, so a server that never says ``last`` cannot loop us forever.
MAX_PAGES = 10_000


def campaign_name_filter(name: str) -> list[dict[str, str]]:
    """The ``POST /voice/tracking`` body matching messages of the campaign named ``name``.

    Built here only (Q14: an array of filters is assumed, as in the SMS API).
    """
    return [{"fieldName": "campaign", "searchOperator": "is", "searchTerm": name}]


def collect_pages(fetch: Callable[[int], Any], size: int, operation: str) -> list[dict[str, Any]]:
    """Every item of every page; ``fetch(n)`` returns page ``n`` (0-based) as parsed JSON."""
    items: list[dict[str, Any]] = []
    for number in range(MAX_PAGES):
        page = fetch(number)
        if isinstance(page, list):  # an unpaged answer: take it whole
            return items + _records(page, operation)
        content = _content(page, operation)
        items.extend(content)
        if _is_last(page, number, len(content), size):
            return items
    raise UnexpectedResponse(f"{operation}: more than {MAX_PAGES} pages; giving up")


def _content(page: Any, operation: str) -> list[dict[str, Any]]:
    if not isinstance(page, dict) or not isinstance(page.get("content"), list):
        raise UnexpectedResponse(f"{operation}: the answer is not a page of records")
    return _records(page["content"], operation)


def _records(items: list[Any], operation: str) -> list[dict[str, Any]]:
    if not all(isinstance(item, dict) for item in items):
        raise UnexpectedResponse(f"{operation}: a tracking record is not an object")
    return items


def _is_last(page: dict[str, Any], number: int, count: int, size: int) -> bool:
    """Trust ``last``, then ``totalPages``; lacking both, a short or empty page ends it."""
    if isinstance(page.get("last"), bool):
        return bool(page["last"]) or count == 0
    total = page.get("totalPages")
    if isinstance(total, int) and not isinstance(total, bool):
        return number + 1 >= total or count == 0
    return count < size
