"""A post's turn shared by every machine using one PostgreSQL store (:class:`SharedTurns`), the second
implementation of :class:`cmsbridge.backends.turns.Turns`.

The turn is PostgreSQL's advisory lock named by :func:`~cmsbridge.backends.turns.post_key` (the name this
machine's lock file has), held by the holder's connection for the whole block (a session lock, so no
transaction stays open across the requests to the CMS), with this machine's ``flock`` taken inside it:
writers on this machine that share no database (an SQLite outbox) still take turns with it. The server
releases the lock when the holder's connection ends, so a killed process never blocks the post.

The note the turn carries (the modified time of the last write) is kept in the store (``turn_notes``), so
the next holder on any machine reads it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from ..backends.turns import LOCAL, NOTE_SIZE, Turn, post_key
from ..errors import logger
from .engine import PostgresDatabase

log = logger("cmsbridge.store")

_HASH = "hashtextextended(?, 0)"
"""The advisory lock's 64-bit key, from the post's key (:meth:`PostgresDatabase.lock` hashes the same way)."""


class _SharedTurn(Turn):
    def __init__(self, db: PostgresDatabase, key: str, inner: Turn) -> None:
        super().__init__(True)
        self.db, self.key, self.inner = db, key, inner

    def note(self) -> str:
        found = self.db.row("SELECT note FROM turn_notes WHERE post_key = ?", (self.key,))
        return str(found[0]) if found else ""

    def leave_note(self, text: str) -> None:
        text = text.encode("utf-8")[:NOTE_SIZE].decode("utf-8", "ignore")
        self.db.run(
            "INSERT INTO turn_notes (post_key, note) VALUES (?, ?) "
            "ON CONFLICT (post_key) DO UPDATE SET note = excluded.note",
            (self.key, text),
        )
        self.inner.leave_note(text)


class SharedTurns:
    """Turns shared through ``db`` (its schema at the store's version): one advisory lock per post."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db

    def __repr__(self) -> str:
        return f"<SharedTurns {self.db.label}>"

    @contextlib.contextmanager
    def take(
        self,
        site: str,
        post: str,
        *,
        wait: float | None,
        give_up: Callable[[], bool] | None,
        poll: float,
        sleep: Callable[[float], None],
    ) -> Iterator[Turn]:
        key = post_key(site, post)
        started = time.monotonic()
        if not self._lock(key, wait, give_up, poll, sleep):
            yield Turn(False)
            return
        try:
            left = None if wait is None else max(0.0, wait - (time.monotonic() - started))
            with LOCAL.take(site, post, wait=left, give_up=give_up, poll=poll, sleep=sleep) as inner:
                yield _SharedTurn(self.db, key, inner) if inner.held else Turn(False)
        finally:
            self._unlock(key)

    def _lock(
        self,
        key: str,
        wait: float | None,
        give_up: Callable[[], bool] | None,
        poll: float,
        sleep: Callable[[float], None],
    ) -> bool:
        if wait is None and give_up is None:
            self.db.run(f"SELECT pg_advisory_lock({_HASH})", (key,))
            return True
        deadline = time.monotonic() + (wait if wait is not None else float("inf"))
        while True:
            found = self.db.row(f"SELECT pg_try_advisory_lock({_HASH})", (key,))
            if found is not None and found[0]:
                return True
            if time.monotonic() >= deadline or (give_up is not None and give_up()):
                return False
            sleep(max(poll, 0.02))  # a round trip to the database each time

    def _unlock(self, key: str) -> None:
        try:
            found = self.db.row(f"SELECT pg_advisory_unlock({_HASH})", (key,))
        except Exception as exc:  # the connection is gone: so is the lock
            log.warning("the post's shared lock could not be released (%s): the server drops it", exc)
            return
        if not (found and found[0]):
            log.warning(
                "the post's shared lock was no longer held (the connection to %s broke)", self.db.label
            )


__all__ = ["SharedTurns"]
