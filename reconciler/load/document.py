"""One YAML document -> one :class:`Campaign`, or the issues that stop it.

Order of work: merge ``defaults.yaml`` under the document, validate the merged mapping with
:class:`Declaration` (field rules) and :func:`document_issues` (cross-field rules), read the
``toFile`` CSV, then check the 1000-entry limits and duplicates on the merged recipients.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from reconciler.canonical import digest
from reconciler.load.findings import Finding
from reconciler.load.keys import ToFile
from reconciler.load.recipients import Recipients, read_recipients
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.models.declaration import (
    MAX_RECIPIENTS,
    POLICY_KEYS,
    TOOL_KEYS,
    Declaration,
    Issue,
    document_issues,
    normalise_number,
    unknown_key_message,
)

#: Keys of a declaration left out of its ``declHash``.
_UNWRITTEN = frozenset(("id", "revision", "cancel", "toFile", *POLICY_KEYS))
#: Types of YAML values that are never a ``Mapping`` (exactly these types, not subclasses).
_NOT_MAPPINGS = frozenset({str, list, int, float, bool})
#: Keys that replace each other: a default for one is not merged under a declaration of the other.
ALTERNATIVES = {"message": "fileURL", "fileURL": "message"}


@dataclass
class Checked:
    """What checking one document produced."""

    campaign: Campaign | None = None
    issues: list[Issue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: The ``toFile`` read, if any: what the parse cache must check before reusing the result.
    to_file: ToFile | None = None


def merge_defaults(defaults: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings, the declaration winning; ``null`` in the declaration unsets a key."""
    if not defaults:  # no defaults.yaml: the declaration without its nulls
        return {key: _without_nulls(value) for key, value in own.items() if value is not None}
    merged: dict[str, Any] = {
        key: value
        for key, value in defaults.items()
        if ALTERNATIVES.get(key) not in own or key in own
    }
    for key, value in own.items():
        base = merged.get(key)
        if isinstance(base, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_defaults(base, value)
        else:
            merged[key] = _without_nulls(value)
    return {key: value for key, value in merged.items() if value is not None}


def _without_nulls(value: Any) -> Any:
    """Nested mappings lose their null keys too (lists are left alone: nulls there are errors)."""
    if type(value) in _NOT_MAPPINGS:  # most values: no ABC check needed to tell
        return value
    if isinstance(value, Mapping):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    return value


def translate(error: ErrorDetails) -> Issue:
    """A pydantic error as an :class:`Issue`, with messages written for YAML authors."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return Issue(loc, unknown_key_message(loc[:-1], str(loc[-1])), "key")
    if kind == "missing":
        return Issue(loc, "required key is missing", "mapping")
    message = error["msg"]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        message = "Input should be a mapping of keys to values"
    value = error.get("input")
    if kind == "string_type" and isinstance(value, int) and loc[0] in ("from", "to"):
        message += '; quote numbers in YAML (write "+306900000000", not +306900000000)'
    elif kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        key = f"{loc[-1]}: " if loc and isinstance(loc[-1], str) else ""
        message += f'; YAML reads the unquoted {value} as a number: quote it (write {key}"{value}")'
    if kind == "bool_type":
        message += "; write true or false"
    return Issue(loc, message[0].lower() + message[1:])


def check_document(
    own: Any,
    *,
    defaults: Mapping[str, Any],
    path: Path,
    source: SourceRef,
    root: Path,
    languages: frozenset[str],
) -> Checked:
    """Validate one document; a :class:`Campaign` only when it has no problem at all."""
    if not isinstance(own, Mapping):
        kind = "a list" if isinstance(own, Sequence) and not isinstance(own, str) else "a scalar"
        return Checked(issues=[Issue((), f"must be a mapping of fields, found {kind}", "mapping")])
    odd_keys = [key for key in own if not isinstance(key, str)]
    own = {key: value for key, value in own.items() if isinstance(key, str)}
    merged = merge_defaults(defaults, own)
    checked = Checked(issues=document_issues(merged))
    checked.issues.extend(Issue((key,), "keys must be strings", "key") for key in odd_keys)
    declaration: Declaration | None = None
    try:
        declaration = Declaration.model_validate(merged, context={"languages": languages})
    except ValidationError as exc:
        checked.issues.extend(translate(error) for error in exc.errors())
    recipients = Recipients()
    if isinstance(merged.get("toFile"), str):
        recipients = read_recipients(root, path, merged["toFile"])
        if recipients.rel:
            checked.to_file = ToFile(merged["toFile"], recipients.rel, recipients.digest)
        checked.issues.extend(recipients.issues)
        checked.findings.extend(recipients.findings)
    declared = _declared_numbers(merged, declaration)
    _check_recipients(merged, declared, recipients, checked)
    if declaration is not None and not checked.issues and not checked.findings:
        checked.campaign = _campaign(
            declaration,
            own=own,
            merged=merged,
            declared=declared,
            recipients=recipients,
            source=source,
        )
    return checked


def _declared_numbers(merged: Mapping[str, Any], declaration: Declaration | None) -> list[str]:
    """Normalised ``to``: from the model when valid, else best effort (for duplicate checks)."""
    if declaration is not None:
        return list(declaration.to or [])
    numbers: list[str] = []
    raw = merged.get("to")
    for value in raw if isinstance(raw, list) else []:
        try:
            numbers.append(normalise_number(value) if isinstance(value, str) else "")
        except ValueError:
            numbers.append("")
    return numbers


def _check_recipients(
    merged: Mapping[str, Any], declared: list[str], recipients: Recipients, checked: Checked
) -> None:
    for key in ("to", "contacts", "groups"):
        values = merged.get(key)
        if isinstance(values, list) and len(values) > MAX_RECIPIENTS:
            message = f"more than {MAX_RECIPIENTS} entries (Routee's limit); split the campaign"
            checked.issues.append(Issue((key, MAX_RECIPIENTS), message))
        if key != "to" and isinstance(values, list):
            _duplicates(key, values, checked)
    room = MAX_RECIPIENTS - len(declared)
    if recipients.numbers and len(recipients.numbers) > max(room, 0) and room >= 0:
        line = recipients.lines[room]
        message = f"more than {MAX_RECIPIENTS} numbers in to and toFile together (Routee's limit)"
        checked.findings.append(Finding(recipients.rel, line, 1, "toFile", message))
    _number_duplicates(declared, recipients, checked)


def _duplicates(key: str, values: list[Any], checked: Checked) -> None:
    first: dict[Any, int] = {}
    for index, value in enumerate(values):
        if not isinstance(value, str):
            continue
        if value in first:
            checked.issues.append(
                Issue((key, index), f"{value!r} is listed twice (also {key}[{first[value]}])")
            )
        else:
            first[value] = index


def _number_duplicates(declared: list[str], recipients: Recipients, checked: Checked) -> None:
    if not recipients.numbers and len(set(declared)) == len(declared):
        return  # no number twice (and at most one unreadable ""): nothing to report
    seen: dict[str, str] = {}
    for index, number in enumerate(declared):
        if not number:
            continue
        if number in seen:
            checked.issues.append(
                Issue(("to", index), f"{number} is listed twice (also {seen[number]})")
            )
        else:
            seen[number] = f"to[{index}]"
    for number, line in zip(recipients.numbers, recipients.lines, strict=True):
        if number in seen:
            message = f"{number} is listed twice (also {seen[number]})"
            checked.findings.append(Finding(recipients.rel, line, 1, "toFile", message))
        else:
            seen[number] = f"line {line}"


def _campaign(
    declaration: Declaration,
    *,
    own: Mapping[str, Any],
    merged: Mapping[str, Any],
    declared: list[str],
    recipients: Recipients,
    source: SourceRef,
) -> Campaign:
    request = {key: value for key, value in merged.items() if key not in TOOL_KEYS}
    request.pop("campaignName", None)
    numbers = declared + recipients.numbers
    request.pop("to", None)
    if numbers:
        request["to"] = numbers
    for key in ("contacts", "groups"):
        if not request.get(key, True):
            del request[key]
    written = {key: value for key, value in own.items() if key not in _UNWRITTEN}
    if "to" in written:
        written["to"] = declared
    decl = {"declaration": written, "toFile": recipients.digest or None}
    return Campaign(
        id=declaration.id,
        revision=declaration.revision,
        cancel=declaration.cancel,
        label=declaration.campaign_name or declaration.id,
        request=request,
        spec_hash=digest(request),
        decl_hash=digest(decl),
        source=source,
        estimated_seconds=declaration.estimated_seconds,
        opt_out_digits=declaration.opt_out_digits,
    )
