"""A cache of loaded declaration files, so an unchanged file is neither parsed nor re-validated.

Parsing YAML and validating every phone number dominate ``plan`` on large projects (design.md
section 9). A file that loaded without a single problem is stored as the campaigns it produced,
under ``.campaigns-cache/`` at the project root (git-ignored by a ``.gitignore`` inside it).

Correctness before speed: an entry is used only when *everything* that shaped it is unchanged.
Its name is the file's key (:mod:`reconciler.load.keys`: the file's path and bytes, the effective
defaults, languages, tool and library versions, the loader's code); the entry also records each
``toFile`` it read, checked again on every use. Entries are JSON, never pickle: a cache directory
is data, and must not be able to run code. A file with problems is never cached, so errors are
always found and located afresh. Any trouble with the cache (unreadable, corrupt, read-only
disk) is a miss, never an error; ``CAMPAIGNS_NO_CACHE=1`` turns it off (docs/scaling.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from reconciler.load.keys import CleanFile, Placed, ToFile
from reconciler.models.campaign import Campaign, SourceRef

CACHE_DIR = ".campaigns-cache"
ENTRIES = "parsed"
DISABLE_ENV = "CAMPAIGNS_NO_CACHE"


class ParseCache:
    """Entries under ``<root>/.campaigns-cache/parsed/``, one per loaded file, keyed by content."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / CACHE_DIR / ENTRIES
        self.used: set[str] = set()
        self.wrote = False

    @classmethod
    def open(cls, root: Path) -> ParseCache | None:
        """The cache for this run, or None when ``CAMPAIGNS_NO_CACHE`` turns it off."""
        if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
            return None
        return cls(root)

    def get(self, key: str, declaring_file: Path) -> CleanFile | None:
        """The file stored under ``key`` if every ``toFile`` is still the same, else None."""
        try:
            entry = json.loads((self.folder / f"{key}.json").read_bytes())
            placed = [_placed(item) for item in entry["campaigns"]]
            files = [ToFile(**item) for item in entry["toFiles"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(item.unchanged(declaring_file, self.root) for item in files):
            return None
        self.used.add(key)
        return CleanFile(placed, files)

    def put(self, key: str, clean: CleanFile) -> None:
        """Store a clean file's campaigns; a failure to write only costs the next run time."""
        self.used.add(key)
        entry = {
            "campaigns": [_entry(item) for item in clean.placed],
            "toFiles": [vars(item) for item in clean.to_files],
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
