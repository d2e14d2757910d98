"""What a migration run did to each post, in memory that does not grow with the archive.

A run over 300,000 posts has 300,000 outcomes; the report lists every one (``--json``) but prints only
the failures and losses. :class:`Outcomes` keeps the first :data:`KEPT` in memory and writes the rest,
as they come, to a temporary file (one JSON line each, the file unlinked from the start, so nothing is
left on disk whatever happens to the process); it keeps their offsets (an array of ints) and the counts
by action, so the counts cost nothing and a post is read back only when it is asked for.
"""

from __future__ import annotations

import json
import tempfile
import threading
import weakref
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import IO, Literal, overload

Action = Literal["created", "updated", "skipped", "failed"]

KEPT = 1000
"""Outcomes kept in memory; those after them are written to a temporary file."""


@dataclass(frozen=True)
class PostOutcome:
    """What migrating one source post did."""

    source_id: str
    title: str
    action: Action
    target_id: str | None = None
    losses: list[str] = field(default_factory=list)
    error: str | None = None
    adopted: bool = False
    """The post was found on the target by slug (a create whose mapping was never recorded)."""


class Outcomes(Sequence[PostOutcome]):
    """A run's outcomes in order: a sequence (``len``, index, iteration) that can be appended to and
    replaced in, with the counts by action kept as it changes (see the module docstring)."""

    def __init__(self, outcomes: Iterable[PostOutcome] = (), *, kept: int | None = None) -> None:
        self.kept = KEPT if kept is None else kept
        self._head: list[PostOutcome] = []
        self._offsets = array("q")  # where each outcome after the first ``kept`` starts in the file
        self._file: IO[bytes] | None = None
        self._counts: Counter[str] = Counter()
        self._lock = threading.RLock()
        for outcome in outcomes:
            self.append(outcome)

    # --- changing ------------------------------------------------------------------------------------------

    def append(self, outcome: PostOutcome) -> None:
        with self._lock:
            if len(self._head) < self.kept:
                self._head.append(outcome)
            else:
                self._offsets.append(self._write(outcome))
            self._counts[outcome.action] += 1

    def __setitem__(self, index: int, outcome: PostOutcome) -> None:
        with self._lock:
            index = self._position(index)
            before = self[index]
            if index < len(self._head):
                self._head[index] = outcome
            else:
                self._offsets[index - len(self._head)] = self._write(outcome)  # the old line is left
            self._counts[before.action] -= 1
            self._counts[outcome.action] += 1

    def _write(self, outcome: PostOutcome) -> int:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with this object)
            weakref.finalize(self, self._file.close)
        self._file.seek(0, 2)
        offset = self._file.tell()
        self._file.write(json.dumps(asdict(outcome), ensure_ascii=False).encode() + b"\n")
        return offset

    def close(self) -> None:
        """Drop the temporary file: the outcomes after the first ``kept`` are gone (counts included)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._offsets = array("q")
            self._counts = Counter(outcome.action for outcome in self._head)

    # --- reading -------------------------------------------------------------------------------------------

    def tally(self, action: str) -> int:
        """How many outcomes have ``action``."""
        with self._lock:
            return self._counts[action]

    def __len__(self) -> int:
        return len(self._head) + len(self._offsets)

    def _position(self, index: int) -> int:
        size = len(self)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError("outcome index out of range")
        return position

    @overload
    def __getitem__(self, index: int) -> PostOutcome: ...

    @overload
    def __getitem__(self, index: slice) -> list[PostOutcome]: ...

    def __getitem__(self, index: int | slice) -> PostOutcome | list[PostOutcome]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        with self._lock:
            position = self._position(index)
            if position < len(self._head):
                return self._head[position]
            assert self._file is not None
            self._file.seek(self._offsets[position - len(self._head)])
            return PostOutcome(**json.loads(self._file.readline()))

    def __iter__(self) -> Iterator[PostOutcome]:
        for position in range(len(self)):
            yield self[position]

    def __repr__(self) -> str:
        return f"Outcomes({len(self)} posts, {len(self._offsets)} of them in a temporary file)"


__all__ = ["KEPT", "Action", "Outcomes", "PostOutcome"]
