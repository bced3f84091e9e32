"""A cache of loaded declaration files, so an unchanged file is neither parsed nor re-validated.

Parsing YAML and validating every phone number dominate ``plan`` on large projects (design.md
section 9). A file that loaded without a single problem is stored as the campaigns it produced,
under ``.campaigns-cache/`` at the project root (git-ignored by a ``.gitignore`` inside it).

Correctness before speed: an entry is used only when *everything* that shaped it is unchanged.
Its key is a digest of the file's path and exact bytes, the effective ``defaults.yaml`` values,
the configured extra languages, the versions of the tool and of the libraries that judge a
declaration (phonenumbers, pydantic, ruamel.yaml), and the loader's own source code; the entry
also records each ``toFile`` it read (as written, where it resolved, the digest of its bytes),
and all three are checked again on every use. Entries are JSON, never pickle: a cache directory
is data, and must not be able to run code. A file with problems is never cached, so errors are
always found and located afresh. Any trouble with the cache (unreadable, corrupt, read-only
disk) is a miss, never an error; ``CAMPAIGNS_NO_CACHE=1`` turns it off (docs/scaling.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.canonical import canonical_json, digest_bytes
from reconciler.models.campaign import Campaign, SourceRef

CACHE_DIR = ".campaigns-cache"
ENTRIES = "parsed"
#: Bump when the entry layout changes.
FORMAT = 1
DISABLE_ENV = "CAMPAIGNS_NO_CACHE"
_CODE = ("load", "models/declaration.py", "models/phone.py", "models/campaign.py", "canonical.py")


@dataclass(frozen=True)
class ToFile:
    """A ``toFile`` an entry depends on: the value written, where it resolved, its bytes' digest."""

    value: str
    rel: str
    digest: str


@dataclass(frozen=True)
class Placed:
    """A cached campaign and the index of the ``---`` document it came from."""

    campaign: Campaign
    index: int


class ParseCache:
    """Entries under ``<root>/.campaigns-cache/parsed/``, one per loaded file, keyed by content."""

    def __init__(self, root: Path, salt: str) -> None:
        self.root = root
        self.folder = root / CACHE_DIR / ENTRIES
        self.salt = salt
        self.used: set[str] = set()
        self.wrote = False

    @classmethod
    def open(
        cls, root: Path, defaults: Mapping[str, Any], languages: Iterable[str]
    ) -> ParseCache | None:
        """The cache for this run, or None when it is turned off or the inputs cannot be keyed."""
        if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
            return None
        try:
            salt = _salt(defaults, languages)
        except (OSError, TypeError, ValueError):
            return None
        return cls(root, salt)

    def key(self, rel: str, raw: bytes) -> str:
        hasher = hashlib.sha256(self.salt.encode())
        hasher.update(rel.encode() + b"\0")
        hasher.update(raw)
        return hasher.hexdigest()

    def get(self, key: str, declaring_file: Path) -> list[Placed] | None:
        """The campaigns stored under ``key`` if every ``toFile`` is still the same, else None."""
        try:
            entry = json.loads((self.folder / f"{key}.json").read_bytes())
            placed = [_placed(item) for item in entry["campaigns"]]
            files = [ToFile(**item) for item in entry["toFiles"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(self._unchanged(item, declaring_file) for item in files):
            return None
        self.used.add(key)
        return placed

    def put(self, key: str, placed: list[Placed], files: list[ToFile]) -> None:
        """Store a clean file's campaigns; a failure to write only costs the next run time."""
        self.used.add(key)
        entry = {
            "campaigns": [_entry(item) for item in placed],
            "toFiles": [vars(item) for item in files],
        }
        with contextlib.suppress(OSError, ValueError):
            data = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            self._write(f"{key}.json", data.encode())
            self.wrote = True

    def prune(self) -> None:
        """Remove entries this run did not use (after it wrote new ones: edits leave old ones)."""
        if not self.wrote:
            return
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.json"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)

    def _unchanged(self, item: ToFile, declaring_file: Path) -> bool:
        try:
            path = (declaring_file.parent / item.value).resolve()
            rel = path.relative_to(self.root.resolve()).as_posix()
            return rel == item.rel and digest_bytes(path.read_bytes()) == item.digest
        except (OSError, ValueError):
            return False

    def _write(self, name: str, data: bytes) -> None:
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.root / CACHE_DIR / ".gitignore").write_text("# campaigns' parse cache\n*\n")
        fd, name_tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
        tmp = Path(name_tmp)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            tmp.replace(self.folder / name)
        finally:
            tmp.unlink(missing_ok=True)


def _salt(defaults: Mapping[str, Any], languages: Iterable[str]) -> str:
    """Everything besides a file's own bytes that decides what loading it produces."""
    import phonenumbers
    import pydantic
    import ruamel.yaml

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
        "libraries": [phonenumbers.__version__, pydantic.VERSION, ruamel.yaml.__version__],
        "defaults": dict(defaults),
        "languages": sorted(languages),
    }
    return hashlib.sha256(canonical_json(parts)).hexdigest()


def _entry(item: Placed) -> dict[str, Any]:
    c = item.campaign
    return {
        "index": item.index,
        "id": c.id,
        "revision": c.revision,
        "cancel": c.cancel,
        "label": c.label,
        "request": c.request,
        "specHash": c.spec_hash,
        "declHash": c.decl_hash,
        "source": [c.source.path, c.source.line, c.source.column],
    }


def _placed(item: dict[str, Any]) -> Placed:
    path, line, column = item["source"]
    campaign = Campaign(
        id=item["id"],
        revision=item["revision"],
        cancel=item["cancel"],
        label=item["label"],
        request=item["request"],
        spec_hash=item["specHash"],
        decl_hash=item["declHash"],
        source=SourceRef(path, line, column),
    )
    return Placed(campaign, item["index"])
