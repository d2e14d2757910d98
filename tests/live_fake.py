"""An in-memory backend implementing the live-update half of the backend protocol, with injected faults.

``mode="native"`` refuses a stale conditional write (``WriteConflictError(applied=False)``, like XML-RPC's
``if_not_modified_since`` and Ghost's ``updated_at``); ``mode="detected"`` stores every write and reports an
interleaved one afterwards (``applied=True`` with the overwritten content, like WordPress REST).

Faults are scheduled per request, in order, from ``faults`` (a list of names or None), or drawn from a seeded
random source at ``fault_rate``:

- ``reset``: the connection fails before the server sees the request;
- ``503`` / ``429``: the server refuses before doing anything (429 with ``Retry-After``);
- ``drop``: the server commits the write, then the response is lost (a timeout);
- ``502-after``: the server commits, then a proxy answers 502.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from cmsbridge.backends.base import (
    Capabilities,
    PostRef,
    Ref,
    Version,
    Versioned,
    WriteConflictError,
    Written,
    as_ref,
)
from cmsbridge.errors import (
    ConnectionFailedError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)

FAULTS = ("reset", "503", "429", "drop", "502-after")


@dataclass
class FakeClock:
    """A clock whose sleep advances time instantly; records every sleep."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class StoredPost:
    content: str
    title: str = "Live"
    revisions: int = 0
    history: list[str] = field(default_factory=list)


class FakeBackend:
    """One or more posts in memory; see the module docstring."""

    def __init__(
        self,
        content: str = "",
        *,
        fmt: str = "json",
        mode: str = "detected",
        faults: list[str | None] | None = None,
        fault_rate: float = 0.0,
        seed: int = 0,
        retry_after: float = 2.0,
    ) -> None:
        self.fmt = fmt
        self.mode = mode
        self.posts: dict[str, StoredPost] = {"1": StoredPost(content, history=[content])}
        self.faults = list(faults or [])
        self.fault_rate = fault_rate
        self.rng = random.Random(seed)
        self.retry_after = retry_after
        self.log: list[str] = []
        self.before_write: list[Callable[[], None]] = []
        """Run (and removed) right before the next writes commit: another writer interleaving."""
        self.faulted = 0

    # --- protocol -------------------------------------------------------------------------------------

    @property
    def site(self) -> str:
        return "fake://site"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            system="fake",
            transport="memory",
            content_format=self.fmt,
            conditional_write="native" if self.mode == "native" else "detected",
        )

    def read_versioned(self, ref: Ref) -> Versioned:
        ref = as_ref(ref)
        self.log.append("read")
        fault = self._fault()
        stored = self._post(ref)
        self._raise_before(fault)
        result = Versioned(ref, stored.content, self.fmt, self._version(stored))
        self._raise_after(fault)
        return result

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        ref = as_ref(ref)
        self.log.append("write")
        fault = self._fault()
        self._raise_before(fault)
        while self.before_write:
            self.before_write.pop(0)()
        stored = self._post(ref)
        current = self._version(stored)
        if self.mode == "native" and current.token != expected.token:
            raise WriteConflictError(
                "stale", applied=False, current=Versioned(ref, stored.content, self.fmt, current)
            )
        previous = stored.content
        self.commit(ref, content)
        written = Written(ref, stored.content, self._version(stored))
        self._raise_after(fault)
        if self.mode == "detected" and current.token != expected.token:
            raise WriteConflictError(
                "interleaved",
                applied=True,
                overwritten=previous,
                current=Versioned(ref, stored.content, self.fmt, written.version),
            )
        return written

    def read_overwritten(self, ref: Ref, version: Version) -> str | None:
        """The content stored just before the write that made ``version`` (a revision)."""
        self.log.append("revisions")
        history = self._post(as_ref(ref)).history
        index = (version.revisions or 0) - 1  # history[k] is the content at revision k
        return history[index] if 0 <= index < len(history) else None

    # --- helpers for tests ------------------------------------------------------------------------------

    def commit(self, ref: Ref, content: str) -> None:
        """Store ``content`` as another writer (or us) would: a new revision."""
        stored = self._post(as_ref(ref))
        stored.content = content
        stored.revisions += 1
        stored.history.append(content)

    def set_title(self, ref: Ref, title: str) -> None:
        stored = self._post(as_ref(ref))
        stored.title = title
        stored.revisions += 1
        stored.history.append(stored.content)

    def content(self, ref: Ref = "1") -> str:
        return self._post(as_ref(ref)).content

    def count(self, kind: str) -> int:
        return self.log.count(kind)

    def _post(self, ref: PostRef) -> StoredPost:
        try:
            return self.posts[ref.id]
        except KeyError:
            raise NotFoundError("no such post", post=ref.id, status=404) from None

    def _version(self, stored: StoredPost) -> Version:
        return Version(
            token=str(stored.revisions),
            modified=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=stored.revisions),
            revisions=stored.revisions,
        )

    def _fault(self) -> str | None:
        if self.faults:
            fault = self.faults.pop(0)
        elif self.fault_rate and self.rng.random() < self.fault_rate:
            fault = self.rng.choice(FAULTS)
        else:
            fault = None
        if fault is not None:
            self.faulted += 1
            self.log.append(f"fault:{fault}")
        return fault

    def _raise_before(self, fault: str | None) -> None:
        if fault == "reset":
            raise ConnectionFailedError("connection reset", site=self.site)
        if fault == "503":
            raise ServerError("unavailable", status=503, site=self.site)
        if fault == "429":
            raise RateLimitedError("slow down", status=429, retry_after=self.retry_after, site=self.site)

    def _raise_after(self, fault: str | None) -> None:
        if fault == "drop":
            raise RequestTimeoutError("no answer", site=self.site)
        if fault == "502-after":
            raise ServerError("bad gateway", status=502, site=self.site)

    def close(self) -> None:
        pass
