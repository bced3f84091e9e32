"""The shortcuts of a plan of unchanged applied files give the answers of the general code
(design.md 9): reading a file with ``os.read``, decoding it without the ``utf-8-sig`` codec
unless it starts with a byte order mark, keying it from a hash state copied after the salt, and
one shared JSON encoder for the canonical JSON."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.canonical import canonical_json
from reconciler.load.keys import SourceKeys
from reconciler.load.source import _read_to_end, read_text

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(JSON)
def test_canonical_json_is_json_dumps_with_its_options(value: Any) -> None:
    expected = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
    assert canonical_json(value) == expected


def test_canonical_json_still_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


@given(st.text(max_size=30), st.binary(max_size=200))
def test_a_key_is_the_digest_of_salt_path_and_bytes(rel: str, raw: bytes) -> None:
    keys = SourceKeys("salt é")
    expected = hashlib.sha256("salt é".encode() + rel.encode() + b"\0" + raw).hexdigest()
    assert keys.key(rel, raw) == expected
    assert keys.key(rel, raw) == expected  # the salted state is copied, never consumed


def _old_decode(raw: bytes, rel: str) -> tuple[str | None, tuple[int, int] | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, (exc.start, raw[exc.start])


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"id: a\n",
        b"\xef\xbb\xbfid: a\n",
        b"\xef\xbb\xbf\xef\xbb\xbfid: a\n",  # only the first mark is dropped
        "id: é\n".encode(),
        b"id: a\n\xff\n",
        b"\xef\xbb\xbfid: a\n\xff\n",  # utf-8-sig counts the offset after the mark
        b"\xef\xbb",
    ],
)
def test_reading_decodes_as_utf_8_sig_did(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(raw)
    read, text, problem = read_text(path, "campaigns/f.yaml", 1000)
    assert read == raw
    expected_text, error = _old_decode(raw, "campaigns/f.yaml")
    assert text == expected_text
    if error is None:
        assert problem is None
    else:
        assert problem is not None
        assert f"byte 0x{error[1]:02x} at offset {error[0]} " in problem.message


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 5000])
def test_reading_stops_at_the_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"x" * size)
    read, text, problem = read_text(path, "campaigns/f.yaml", 100)
    if size <= 100:
        assert (read, text, problem) == (b"x" * size, "x" * size, None)
    else:
        assert problem is not None
        assert f"file is {size} bytes, over the limit of 100 bytes" in problem.message


@pytest.mark.parametrize(("told", "size"), [(0, 10), (5, 10), (10, 10), (20, 10), (5, 150)])
def test_reading_goes_to_the_end_whatever_the_size_fstat_told(
    tmp_path: Path, told: int, size: int
) -> None:
    """A file that grew or shrank between fstat and read is read to its end, or refused past
    the limit, as a read to the end of file would."""
    path = tmp_path / "f.yaml"
    path.write_bytes(bytes(range(256))[:size] if size <= 256 else b"x" * size)
    fd = os.open(path, os.O_RDONLY)
    try:
        read = _read_to_end(fd, told, 100)
    finally:
        os.close(fd)
    assert read == (path.read_bytes() if size <= 100 else None)
