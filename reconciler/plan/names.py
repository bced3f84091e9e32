"""Submission names: the key that makes every POST a conditional create (design.md 5.1).

Routee assigns the trackingId and offers no idempotency key, but campaign names are unique per
account. So the name we send must be a pure function of committed state: the same state always
derives the same name, and a lost journal or a racing applier gets a 409 instead of a duplicate.
The spec is deliberately not part of the tag: reverting a change must not reuse the name of a
submission that was cancelled.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata

MAX_NAME = 30
MAX_LABEL = 21
TAG_LENGTH = 8
_TAG_BYTES = TAG_LENGTH * 5 // 8
NAME_PATTERN = re.compile(r"^[A-Za-z0-9 -]{2,30}$")

_OUTSIDE_ALPHABET = re.compile(r"[^A-Za-z0-9 -]+")
#: A run of separators holding a dash becomes one dash ("a - b" and "a--b" both give "a-b").
_DASH_RUNS = re.compile(r"[ -]*-[ -]*")
_SPACE_RUNS = re.compile(r" {2,}")
#: Words of Routee's alphabet, each separated by one space or one dash: nothing to reduce.
_ALREADY_ROUTEE = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")


def submission_name(label: str, lineage: str, campaign_id: str, seq: int) -> str:
    """``<label reduced to Routee's alphabet, ≤ 21 chars>-<8-char tag>``, at most 30 chars."""
    return f"{routee_label(label)}-{submission_tag(lineage, campaign_id, seq)}"


def routee_label(label: str) -> str:
    """``label`` in Routee's name alphabet ``[A-Za-z0-9 -]``, at most 21 characters, never empty.

    Accents are dropped rather than replaced (``Café`` → ``Cafe``) so labels stay readable;
    other characters become ``-``.
    """
    if len(label) <= MAX_LABEL and _ALREADY_ROUTEE.fullmatch(label):
        return label  # what the steps below leave unchanged (most labels)
    decomposed = unicodedata.normalize("NFKD", label)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    reduced = _OUTSIDE_ALPHABET.sub("-", ascii_only)
    reduced = _SPACE_RUNS.sub(" ", _DASH_RUNS.sub("-", reduced)).strip(" -")
    shortened = reduced[:MAX_LABEL].rstrip(" -")
    return shortened or "c"


def submission_tag(lineage: str, campaign_id: str, seq: int) -> str:
    """Eight lowercase base32 characters of ``sha256(lineage NUL id NUL seq)``."""
    digest = hashlib.sha256(f"{lineage}\0{campaign_id}\0{seq}".encode()).digest()
    # base32 writes each 5 bytes as 8 characters: the first 8 characters are the first 5 bytes'
    return base64.b32encode(digest[:_TAG_BYTES]).decode("ascii").lower()
