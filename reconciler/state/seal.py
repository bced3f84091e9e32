"""Sealing the state and the journal: only apply (holding the key) writes what apply trusts.

Anyone who can open a pull request can edit ``state/`` (design.md section 10). The apply
environment holds ``CAMPAIGNS_STATE_KEY`` beside the Routee credentials; with it set, every state
write carries ``seal`` = HMAC-SHA256 over the state's canonical JSON (without the seal), and every
journal record a ``mac`` = HMAC-SHA256 over the previous record's MAC and the record's canonical
JSON (so a record cannot be changed, dropped, reordered or moved to another journal). Every
command that reads the state with the key set verifies it first, and refuses a state or record
that does not verify (:class:`SealBroken`), naming the file and how to find the change.

Without the key (a laptop, the sandbox, the pull-request job) nothing is sealed or checked: a
state written then has no seal, and the next command with the key refuses it until a person runs
``campaigns seal`` (after looking at what it holds). The key itself is never printed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Any

from reconciler.canonical import canonical_json
from reconciler.state.errors import StateError

KEY_ENV = "CAMPAIGNS_STATE_KEY"
MIN_KEY_BYTES = 32
SEAL_FIELD = "seal"
MAC_FIELD = "mac"
_PREFIX = "hmac-sha256:"


class SealBroken(StateError):
    """A state's seal or a journal record's MAC is missing or wrong (changed outside apply)."""


class BadKey(StateError):
    """``CAMPAIGNS_STATE_KEY`` is set but unusable (too short)."""


def state_key(environ: dict[str, str] | None = None) -> bytes | None:
    """The key from ``CAMPAIGNS_STATE_KEY``, or None when it is not set; too short is refused."""
    value = (os.environ if environ is None else environ).get(KEY_ENV, "")
    if not value:
        return None
    key = value.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise BadKey(
            f"{KEY_ENV} is {len(key)} bytes long; a state key must be at least {MIN_KEY_BYTES} "
            "bytes (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    return key


def _mac(key: bytes, data: bytes) -> str:
    return _PREFIX + hmac.new(key, data, hashlib.sha256).hexdigest()


def state_seal(key: bytes, data: dict[str, Any]) -> str:
    """The seal of a state's JSON object (its ``seal`` field left out)."""
    return _mac(key, canonical_json({k: v for k, v in data.items() if k != SEAL_FIELD}))


def verify_state(key: bytes, data: dict[str, Any], path: Path) -> None:
    """Refuse ``data`` (a state's JSON object) unless its seal verifies."""
    seal = data.get(SEAL_FIELD)
    if not isinstance(seal, str) or not seal:
        raise SealBroken(
            f"{path}: the state is not sealed, but {KEY_ENV} is set: it was written without the "
            f"key (by hand, by a pull request, or before sealing was adopted). {_find(path)}; if "
            "you are adopting sealing, check what it holds and run `campaigns seal` once"
        )
    if not hmac.compare_digest(seal, state_seal(key, data)):
        raise SealBroken(
            f"{path}: the state's seal does not verify: the file was changed outside apply. "
            f"{_find(path)}"
        )


def record_mac(key: bytes, previous: str, record: dict[str, Any]) -> str:
    """The MAC of a journal record, chained to the previous record's MAC ("" for the first)."""
    body = {k: v for k, v in record.items() if k != MAC_FIELD}
    return _mac(key, previous.encode("ascii") + b"\n" + canonical_json(body))


def verify_record(key: bytes, previous: str, record: dict[str, Any], where: str) -> str:
    """Refuse ``record`` unless its MAC verifies after ``previous``; returns its MAC."""
    mac = record.get(MAC_FIELD)
    if not isinstance(mac, str) or not hmac.compare_digest(mac, record_mac(key, previous, record)):
        journal = where.rsplit(":", 1)[0]
        raise SealBroken(
            f"{where}: this journal record's MAC is {'missing' if mac is None else 'wrong'}: the "
            f"journal was changed outside apply (a record edited, added, removed or reordered). "
            f"{_find(Path(journal))}"
        )
    return mac


def _find(path: Path) -> str:
    return (
        f"Find the change with `git log -p -- {path}` and revert it (`git revert <commit>`, or "
        f"`git checkout <good commit> -- {path}`)"
    )
