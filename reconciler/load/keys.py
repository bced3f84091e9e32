"""The key of a declaration file: a digest of everything that decides what loading it produces.

Two shortcuts skip parsing a file whose key is unchanged: the parse cache (in the user's cache directory,
:mod:`reconciler.load.cache`) and the state's record of what the last apply loaded
(``State.sources``, :mod:`reconciler.load.recorded`). Both use this one implementation, so an
input that one of them would notice, the other notices too (design.md section 9: an edit must
never become a silent no-op).

The key digests the file's path and exact bytes, the effective ``defaults.yaml`` values, the
configured extra languages, the versions of the tool and of the libraries that judge a
declaration (phonenumbers, pydantic, ruamel.yaml), and the loader's own source code. A
``toFile`` is named inside the file, so it cannot be part of a key computed before parsing:
each shortcut records the :class:`ToFile`\\ s a file read and checks them again on every use.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.canonical import canonical_json, digest_bytes
from reconciler.load.paths import project_path
from reconciler.models.campaign import Campaign

#: Bump when what a key stands for changes (a cache entry or a state record holds the result).
FORMAT = 1
_CODE = ("load", "models/declaration.py", "models/phone.py", "models/campaign.py", "canonical.py")


@dataclass(frozen=True)
class ToFile:
    """A ``toFile`` a file's campaigns depend on: the value written, where it resolved, digest."""

    value: str
    rel: str
    digest: str

    def unchanged(self, declaring_file: Path, root: Path) -> bool:
        """Whether ``value`` still resolves to ``rel`` and its bytes still have ``digest``."""
        try:
            path = (declaring_file.parent / self.value).resolve()
            rel = project_path(root, path)
            return rel == self.rel and digest_bytes(path.read_bytes()) == self.digest
        except (OSError, RuntimeError, ValueError):  # RuntimeError: a symbolic link loop
            return False


@dataclass(frozen=True, slots=True)
class Placed:
    """A loaded campaign and the index of the ``---`` document it came from."""

    campaign: Campaign
    index: int


@dataclass(frozen=True)
class CleanFile:
    """What a file without a single problem produced: its campaigns and the toFiles they read."""

    placed: list[Placed]
    to_files: list[ToFile]


class SourceKeys:
    """Computes file keys for one load (the part shared by every file is digested once)."""

    def __init__(self, salt: str) -> None:
        self.salt = salt
        #: The hash state after the salt: each key copies it (one encode and update per load).
        self._salted = hashlib.sha256(salt.encode())

    @classmethod
    def make(cls, defaults: Mapping[str, Any], languages: Iterable[str]) -> SourceKeys | None:
        """Keys for this load, or None when its inputs cannot be keyed (then nothing is skipped)."""
        try:
            return cls(_salt(defaults, languages))
        except (OSError, TypeError, ValueError):
            return None

    def key(self, rel: str, raw: bytes) -> str:
        """The key of the file at ``rel`` (relative to the project root) with bytes ``raw``."""
        hasher = self._salted.copy()
        hasher.update(rel.encode() + b"\0")
        hasher.update(raw)
        return hasher.hexdigest()


def _salt(defaults: Mapping[str, Any], languages: Iterable[str]) -> str:
    """Everything besides a file's own bytes that decides what loading it produces."""
    from reconciler import __version__

    package = Path(__file__).resolve().parents[1]
    code = hashlib.sha256()
    for part in _CODE:
        target = package / part
        for path in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            code.update(path.name.encode() + b"\0" + path.read_bytes())
    parts = {
        "format": FORMAT,
        "tool": __version__,
        "code": code.hexdigest(),
        "libraries": [_version(name) for name in ("phonenumbers", "pydantic", "ruamel.yaml")],
        "defaults": dict(defaults),
        "languages": sorted(languages),
    }
    return hashlib.sha256(canonical_json(parts)).hexdigest()


@functools.cache
def _version(library: str) -> str:
    """An installed library's version, read from its metadata: importing phonenumbers and
    ruamel.yaml only to ask would cost a plan of unchanged files ~40 ms (design.md 9)."""
    try:
        return importlib.metadata.version(library)
    except importlib.metadata.PackageNotFoundError:  # not installed as a distribution
        return str(importlib.import_module(library).__version__)
