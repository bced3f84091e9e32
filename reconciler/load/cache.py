"""A cache of loaded declaration files, so an unchanged file is neither parsed nor re-validated.

Parsing YAML and validating every phone number dominate ``plan`` on large projects (design.md
section 9). A file that loaded without a single problem is stored as the campaigns it produced.

**Outside the project.** Anyone who can open a pull request can commit any file, so nothing in the
checkout may decide what is sent but the declarations, their ``toFile``s and ``campaigns.toml``
(design.md section 10): the cache lives in the user's cache directory,
``$CAMPAIGNS_CACHE_DIR`` or else ``$XDG_CACHE_HOME/routee-campaigns`` (``~/.cache/...``), under
``parsed/<project>/`` where ``<project>`` is a digest of the project's resolved path. A cache
directory that resolves inside the project is not used at all; a ``.campaigns-cache/`` committed
in the project is never read. Directories and entries are created without following symbolic
links (a link anywhere below the cache directory turns the cache off for the run), entries are
read with :mod:`reconciler.safefile` (no link, a regular file, bounded).

Correctness before speed: an entry is used only when *everything* that shaped it is unchanged.
Its name is the file's key (:mod:`reconciler.load.keys`: the file's path and bytes, the effective
defaults, languages, tool and library versions, the loader's code); the entry also records each
``toFile`` it read, checked again on every use. Entries are JSON, never pickle: a cache directory
is data, and must not be able to run code. A file with problems is never cached, so errors are
always found and located afresh. Any trouble with the cache (unreadable, corrupt, read-only
disk, a link) is a miss, never an error; ``CAMPAIGNS_NO_CACHE=1`` turns it off (docs/scaling.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from reconciler.load.keys import CleanFile, Placed, ToFile
from reconciler.models.campaign import Campaign, SourceRef
from reconciler.safefile import MIB, FileRefused, read_bounded

ENTRIES = "parsed"
APP_DIR = "routee-campaigns"
DISABLE_ENV = "CAMPAIGNS_NO_CACHE"
CACHE_ENV = "CAMPAIGNS_CACHE_DIR"
#: A clean declaration holds at most 1000 numbers plus a 5 MiB toFile: entries stay well below.
MAX_ENTRY_BYTES = 64 * MIB


def cache_home() -> Path:
    """``$CAMPAIGNS_CACHE_DIR``, else ``$XDG_CACHE_HOME/routee-campaigns`` (``~/.cache``)."""
    explicit = os.environ.get(CACHE_ENV, "")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / APP_DIR


def project_folder(home: Path, root: Path) -> Path:
    """The cache folder of the project at ``root``: one per project, pruned on its own."""
    slot = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    return home / ENTRIES / slot


class ParseCache:
    """Entries under ``<cache home>/parsed/<project>/``, one per loaded file, keyed by content."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        self.folder = project_folder(home, root)
        self.used: set[str] = set()
        self.wrote = False
        self._usable: bool | None = None

    @classmethod
    def open(cls, root: Path) -> ParseCache | None:
        """The cache for this run, or None when it is turned off or would live in the project."""
        if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
            return None
        try:
            home = cache_home()
            inside = home.resolve().is_relative_to(root.resolve())
        except (OSError, RuntimeError):
            return None
        return None if inside else cls(root, home)

    def get(self, key: str, declaring_file: Path) -> CleanFile | None:
        """The file stored under ``key`` if every ``toFile`` is still the same, else None."""
        if not self._folder_ok(create=False):
            return None
        try:
            entry = json.loads(read_bounded(self.folder / f"{key}.json", MAX_ENTRY_BYTES))
            placed = [_placed(item) for item in entry["campaigns"]]
            files = [ToFile(**item) for item in entry["toFiles"]]
        except (OSError, ValueError, KeyError, TypeError, FileRefused):
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
            if not self._folder_ok(create=True):
                return
            data = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            self._write(f"{key}.json", data.encode())
            self.wrote = True

    def prune(self) -> None:
        """Remove entries this run did not use (after it wrote new ones: edits leave old ones)."""
        if not self.wrote or not self._folder_ok(create=False):
            return
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.json"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)

    def _folder_ok(self, *, create: bool) -> bool:
        """The folder exists (made if asked, mode 0700) with no link below the cache home."""
        if self._usable:
            return True
        if create:
            with contextlib.suppress(OSError):
                _make_directories(self.home, self.folder)
        self._usable = _real_directories(self.home, self.folder)
        return self._usable

    def _write(self, name: str, data: bytes) -> None:
        fd, name_tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
        tmp = Path(name_tmp)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            tmp.replace(self.folder / name)  # a rename replaces a link, never writes through it
        finally:
            tmp.unlink(missing_ok=True)


def _below(home: Path, folder: Path) -> list[Path]:
    """The directories from just below ``home`` down to ``folder``."""
    parts = folder.relative_to(home).parts
    return [home.joinpath(*parts[: n + 1]) for n in range(len(parts))]


def _make_directories(home: Path, folder: Path) -> None:
    """Create ``folder`` one level at a time; an existing link stops it (never created through)."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    for directory in _below(home, folder):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(directory).st_mode):
                return


def _real_directories(home: Path, folder: Path) -> bool:
    """``home`` is a directory (the user's choice, a link is fine) and every directory below it
    down to ``folder`` is a real directory, not a link."""
    try:
        return home.is_dir() and all(
            stat.S_ISDIR(os.lstat(d).st_mode) for d in _below(home, folder)
        )
    except OSError:
        return False


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
        "estimatedSeconds": c.estimated_seconds,
        "optOutDigits": c.opt_out_digits,
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
        estimated_seconds=item.get("estimatedSeconds"),
        opt_out_digits=item.get("optOutDigits"),
    )
    return Placed(campaign, item["index"])
