"""The state file: where it lives, how it is read, and how it is written atomically.

The file is pretty JSON with sorted keys and a trailing newline so that ``git diff state/`` reads
well and rewriting an unchanged state is byte-identical. Writes go to a temporary file in the same
directory which is fsynced and renamed over the old one, then the directory is fsynced: a crash
leaves either the old or the new file, never a mix. A file that cannot be read is reported and
left alone; nothing here ever rewrites a state it could not parse.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import uuid
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reconciler.config import SANDBOX_WORKSPACE, Config
from reconciler.models.state import FORMAT_VERSION, State
from reconciler.models.validation import some_errors
from reconciler.safefile import MIB, FileRefused, check_directory, open_directory, read_bounded
from reconciler.state.errors import StateCorrupt, StateError, StateFutureVersion, StateMissing
from reconciler.state.seal import SEAL_FIELD, state_key, state_seal, verify_state

#: A state past this size is refused unread (1,000 x 1,000 numbers applied is 32 MB; GitHub
#: refuses files over 100 MB).
MAX_STATE_BYTES = 256 * MIB


def state_path(config: Config, workspace: str) -> Path:
    """``state/<workspace>.json`` under the project root."""
    return config.state_dir / f"{workspace}.json"


def journal_path(config: Config, workspace: str) -> Path:
    """``state/<workspace>.journal``: the apply journal, present only while (or after) an apply."""
    return config.state_dir / f"{workspace}.journal"


def lock_path(config: Config, workspace: str) -> Path:
    """``state/<workspace>.lock``: present only while a command holds the workspace lock."""
    return config.state_dir / f"{workspace}.lock"


def new_state(workspace: str, endpoint: str, auth_endpoint: str | None = None) -> State:
    """A fresh state: a new lineage (which seeds every submission name), serial 0, bound to
    ``endpoint`` and ``auth_endpoint`` (the API endpoint's own value when not given)."""
    return State(
        lineage=str(uuid.uuid4()),
        serial=0,
        workspace=workspace,
        endpoint=endpoint,
        auth_endpoint=auth_endpoint or endpoint,
    )


def restore_hint(path: Path) -> str:
    """What to do with a damaged state file: git only when git tracks it (never an ignored one)."""
    from reconciler.gitrepo import tracked_by_git  # only for a damaged state: runs git

    if tracked_by_git(path):
        return (
            f"restore it from git (git checkout -- {path.name}, in {path.parent}) rather than "
            "deleting it"
        )
    if path.stem == SANDBOX_WORKSPACE:
        return (
            "the sandbox state is not in git (it is git-ignored): delete it together with the "
            "project's .sandbox/ directory to start the sandbox over"
        )
    return (
        "git does not track it, so git cannot restore it: restore it from a backup rather than "
        "deleting it (its lineage seeds every submission name)"
    )


def load_state(path: Path, *, verify: bool = True) -> State:
    """Read and validate a state file; :class:`StateMissing` if there is none.

    With ``CAMPAIGNS_STATE_KEY`` set its seal must verify (``verify=False``: only
    ``campaigns seal``, which shows the state to a person before sealing it).
    """
    try:
        raw = read_bounded(path, MAX_STATE_BYTES)
    except FileNotFoundError:
        raise StateMissing(_missing_message(path)) from None
    except FileRefused as exc:
        raise StateCorrupt(str(exc)) from None
    except OSError as exc:
        raise StateError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_state(raw, path, verify=verify)


def parse_state(raw: bytes, path: Path, *, verify: bool = True) -> State:
    """Validate the bytes of a state file; errors name ``path`` (and line:col for bad JSON)."""
    key = state_key() if verify else None
    if key is None:
        state = _from_json(raw)
        if state is not None:
            return state
    if not raw.strip():
        raise StateCorrupt(
            f"{path}: the file is empty (a truncated write?); the file was left as is: "
            f"{restore_hint(path)}"
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StateCorrupt(
            f"{path}: not UTF-8 (byte {exc.start}); the file was left as is: {restore_hint(path)}"
        ) from exc
    except json.JSONDecodeError as exc:
        raise StateCorrupt(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); the file was left as "
            f"is: {restore_hint(path)}"
        ) from exc
    if not isinstance(data, dict):
        raise StateCorrupt(f"{path}: a state file must hold a JSON object")
    _check_version(data, path)
    if key is not None:
        verify_state(key, data, path)
    try:
        return State.model_validate(data)
    except ValidationError as exc:
        raise StateCorrupt(f"{path}: {some_errors(exc)}; the file was left as is") from exc


def _from_json(raw: bytes) -> State | None:
    """The state validated straight from its bytes, or None when anything is amiss.

    pydantic's own JSON parser builds no dict of the whole file first: a third less time and
    memory for 10,000 campaigns (design.md 9). Anything it refuses, and a newer format, is
    read again by the checks of :func:`parse_state`, which say what is wrong; a sealed state
    (``CAMPAIGNS_STATE_KEY``) is always read that way, since its seal is checked on the data.
    """
    try:
        state = State.model_validate_json(raw)
    except ValueError:  # pydantic's ValidationError, for bad JSON too
        return None
    return state if state.format_version <= FORMAT_VERSION else None


def _check_version(data: dict[str, Any], path: Path) -> None:
    version = data.get("formatVersion")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise StateFutureVersion(
            f"{path}: formatVersion {version} was written by a newer version of campaigns "
            f"(this one reads up to {FORMAT_VERSION}); upgrade the tool"
        )


def _missing_message(path: Path) -> str:
    workspace = path.stem
    return (
        f"{path}: no state for workspace '{workspace}'. Create it once with "
        f"`campaigns init --workspace {workspace}` and commit it"
    )


def render_state(state: State, key: bytes | None = None) -> bytes:
    """The exact bytes of a state file: indent 2, sorted keys, camelCase, trailing newline;
    sealed with ``key`` when one is given (and without a seal otherwise)."""
    data = state.model_dump(mode="json", by_alias=True)
    data.pop(SEAL_FIELD, None)
    if key is not None:
        data[SEAL_FIELD] = state_seal(key, data)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_state(path: Path, state: State) -> None:
    """Replace ``path`` with ``state`` atomically (temp file, fsync, rename, fsync directory)."""
    remove_leftover_temps(path)
    tmp = _write_temp(path, render_state(state, state_key()))
    try:
        tmp.replace(path)
    except OSError as exc:
        raise StateError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        _discard(tmp)
    fsync_dir(path.parent)


def create_state(path: Path, state: State) -> None:
    """Write a new state file, refusing if one exists (even one created a moment ago).

    ``os.link`` of the finished temp file is atomic and fails if the name is taken, so two
    ``init`` runs can never both believe they created the workspace.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftover_temps(path)
    tmp = _write_temp(path, render_state(state, state_key()))
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise StateError(f"{path}: already exists; refusing to overwrite a state") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot create: {exc.strerror or exc}") from exc
    finally:
        _discard(tmp)
    fsync_dir(path.parent)


def remove_leftover_temps(path: Path) -> list[Path]:
    """Remove the temp files of writes of ``path`` that a kill interrupted; return them.

    A temp file's name carries its writer's pid (``.W.json.<pid>.<random>.tmp``), so only files
    whose writer is gone are removed: a write in progress in another process is never touched.
    """
    removed = []
    with contextlib.suppress(OSError):
        for tmp in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
            pid = _writer_pid(tmp, path)
            if pid is not None and not _alive(pid) and tmp.is_file() and not tmp.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
                    removed.append(tmp)
    return removed


def _writer_pid(tmp: Path, path: Path) -> int | None:
    middle = tmp.name[len(path.name) + 2 : -len(".tmp")]
    pid, _, _ = middle.partition(".")
    return int(pid) if pid.isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # a write of this process may be in progress in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_temp(path: Path, data: bytes) -> Path:
    try:
        check_directory(path.parent)
    except FileRefused as exc:
        raise StateError(str(exc)) from None
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise StateError(
            f"{path}: cannot write (no file can be created in {path.parent}): {exc.strerror or exc}"
        ) from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        _discard(tmp)
        raise StateError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return tmp


def _discard(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()


def fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; some file systems refuse to fsync a directory."""
    try:
        fd = open_directory(directory)
    except FileRefused as exc:
        raise StateError(str(exc)) from None
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
