"""The sandbox account's stable identity, kept in its data directory.

The ``sandbox`` workspace binds its state to this account id rather than to a port, so the id must
exist before any server runs and never change afterwards: the CLI calls :func:`account_id` offline.
Two processes creating it at once (two ``--sandbox`` commands on a fresh directory) agree on one
id: the file is published with a hard link, which fails if it already exists, so the loser reads
the winner's id instead of overwriting it.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from reconciler.safefile import KIB, FileRefused, read_bounded
from reconciler.sandbox.errors import IdentityError
from reconciler.sandbox.files import publish_once

IDENTITY_FILE = "identity.json"

__all__ = ["IDENTITY_FILE", "IdentityError", "account_id", "existing_account_id"]


def account_id(data_dir: Path) -> str:
    """Return the account id of the sandbox whose data lives in ``data_dir``, creating it once."""
    path = data_dir / IDENTITY_FILE
    if os.path.lexists(path):
        return _read(path)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        identity = {
            "accountId": str(uuid.uuid4()),
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        publish_once(path, json.dumps(identity, indent=2, sort_keys=True) + "\n")
    except (OSError, FileRefused) as exc:
        raise IdentityError(f"{path}: cannot create the sandbox identity ({exc})") from exc
    return _read(path)


def existing_account_id(data_dir: Path) -> str | None:
    """The account id if ``data_dir`` has one; None otherwise. Creates nothing (read-only use)."""
    path = data_dir / IDENTITY_FILE
    if not path.exists():
        return None
    return _read(path)


def _read(path: Path) -> str:
    try:
        data = json.loads(read_bounded(path, 64 * KIB).decode("utf-8"))
        value = data["accountId"]
    except FileRefused as exc:
        raise IdentityError(str(exc)) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IdentityError(f"{path}: not a sandbox identity file ({exc})") from exc
    if not isinstance(value, str) or not value:
        raise IdentityError(f"{path}: accountId must be a non-empty string")
    return value
