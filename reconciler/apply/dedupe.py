"""Whether an in-doubt submission may be re-sent: name dedupe verified on this endpoint (5.4).

One gate per apply, shared by the worker threads. It starts from the state's record; the first
thread that needs a re-send while it is unverified runs the canary (when a canary number is
configured) while the others wait for its answer. Every change is journalled as a ``dedupe``
record, so the state learns it when the journal is folded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from reconciler.apply.canary import CanaryResult
from reconciler.apply.ports import RecordSink
from reconciler.enums import NameKey
from reconciler.models.journal import DedupeProof
from reconciler.models.state import DedupeCheck


def request_name_key(pinned: str | None, dedupe: DedupeCheck) -> str:
    """The key the name is sent under: ``name_key`` of campaigns.toml, else the key doctor found
    Routee honours (recorded with a verified verdict), else ``name`` (the published schema)."""
    if pinned:
        return pinned
    if dedupe.verified and dedupe.name_key:
        return dedupe.name_key
    return NameKey.NAME.value


def verified_for(dedupe: DedupeCheck, name_key: str) -> bool:
    """True if dedupe was verified for names sent under ``name_key`` (an old record names none)."""
    return dedupe.verified and dedupe.name_key in (None, name_key)


class DedupeGate:
    def __init__(
        self,
        *,
        verified: bool,
        journal: RecordSink,
        clock: Callable[[], str],
        canary: Callable[[], CanaryResult] | None = None,
        detail: str | None = None,
        name_key: str | None = None,
    ) -> None:
        self._verified = verified
        self._name_key = name_key
        self._journal = journal
        self._clock = clock
        self._canary = canary
        self._canary_tried = False
        #: What the canary this apply ran found (``None``: it did not run one).
        self.canary_result: CanaryResult | None = None
        self._detail = detail
        self._lock = threading.Lock()

    @property
    def verified(self) -> bool:
        with self._lock:
            return self._verified

    @property
    def detail(self) -> str | None:
        with self._lock:
            return self._detail

    def allows_resend(self) -> bool:
        """True if dedupe is verified, running the canary first if it is not and one is set."""
        with self._lock:
            if not self._verified and self._canary is not None and not self._canary_tried:
                self._canary_tried = True
                result = self._canary()
                self.canary_result = result
                if result.conclusive:  # an inconclusive canary is tried again by a later apply
                    self._set(result.verified, "canary", result.detail)
            return self._verified

    def proven_by_resend(self, detail: str) -> None:
        """A 409 ``409009003`` answered a re-send: name uniqueness holds here."""
        with self._lock:
            if not self._verified:
                self._set(True, "resend-409", detail)

    def disproven(self, detail: str) -> None:
        """An answer showed the name is not what Routee dedupes on (e.g. not echoed)."""
        with self._lock:
            if self._verified:
                self._set(False, "echo", detail)

    def _set(self, verified: bool, method: str, detail: str) -> None:
        self._verified = verified
        self._detail = detail
        self._journal.append(
            DedupeProof(
                verified=verified,
                method=method,
                detail=detail,
                at=self._clock(),
                name_key=self._name_key,
            )
        )
