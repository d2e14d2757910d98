"""A durable local outbox for live updates (SQLite), so a cron job never loses an update.

``cmsbridge append`` records the update here *before* delivering it, then delivers the queue of that post
first, in order. An update that cannot be delivered within the retry budget stays queued; the next
``append`` or ``flush`` delivers it. Guarantees, whatever moment a process is killed at:

- nothing is lost: an entry is committed (WAL, ``synchronous=FULL``) before any request is sent and is
  marked delivered only after the server's answer showed the update stored;
- nothing is duplicated: delivering re-reads the post first and stops when the update's id is present
  (:mod:`cmsbridge.live`), so delivering an entry again after a kill is a no-op;
- concurrent processes do not deliver the same post at once: delivery holds a per-post lock (``flock`` on a
  file beside the database; the kernel releases it when the holder dies, so a killed process never blocks
  the queue).

Sites are stored as given but with any secret redacted (:func:`cmsbridge.errors.redact_url`): delivering an
entry whose site carried a secret needs the full site again (``--site``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import (
    CMSBridgeError,
    ConflictError,
    InvalidContentError,
    NotFoundError,
    OutboxError,
    TransientError,
    UsageError,
    redact_url,
)

if TYPE_CHECKING:
    from . import live
    from .backends.base import Backend, RetryPolicy
    from .live import Order, Prepared, Result

Operation = Literal["append", "replace", "retract"]
State = Literal["pending", "done", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    post TEXT NOT NULL,
    op TEXT NOT NULL,
    update_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    exit_code INTEGER
);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (state, site, post, seq);
"""

PERMANENT = (NotFoundError, InvalidContentError, UsageError)
"""Failures of the entry itself: it is marked failed and the queue moves on."""


def default_path() -> Path:
    """``outbox.sqlite3`` in the user's state directory (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("cmsbridge")) / "outbox.sqlite3"


@dataclass(frozen=True)
class Entry:
    """One recorded operation."""

    seq: int
    site: str
    post: str
    op: Operation
    update_id: str
    payload: str
    order: Order | None
    state: State
    outcome: str | None
    created: float
    attempts: int
    last_error: str | None
    exit_code: int | None

    def prepared(self) -> Prepared:
        from .live import Prepared

        return Prepared.from_json(self.payload)


@dataclass(frozen=True)
class Delivery:
    """What flushing did with one entry: ``result`` when delivered, ``error`` otherwise."""

    entry: Entry
    result: Result | None = None
    error: CMSBridgeError | None = None

    @property
    def state(self) -> State:
        if self.result is not None:
            return "done"
        return "failed" if isinstance(self.error, PERMANENT) else "pending"


class Outbox:
    """The outbox database at ``path`` (created on first use, mode 0600)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        poll: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
        recheck: float = 600.0,
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.recheck = recheck
        self.clock = clock
        self.poll = poll
        self.sleep = sleep
        self._db: sqlite3.Connection | None = None

    # --- storage ---------------------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                os.close(fd)
                db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("PRAGMA busy_timeout=60000")
                db.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise OutboxError(f"cannot open the outbox {self.path}: {exc}") from None
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise OutboxError(f"outbox {self.path}: {exc}") from None

    # --- recording and listing ---------------------------------------------------------------------------

    def record(
        self,
        site: str,
        post: str,
        op: Operation,
        update_id: str,
        payload: str = "",
        *,
        order: Order | None = None,
    ) -> Entry:
        """Record an operation (committed durably before this returns). The same operation already
        pending is not recorded twice: its entry is returned."""
        site = redact_url(site)
        options = json.dumps({"order": order} if order else {})
        now = self.clock()
        with self._transaction() as db:
            row = db.execute(
                "SELECT * FROM entries WHERE state = 'pending' AND site = ? AND post = ? AND op = ? "
                "AND update_id = ? AND payload = ? ORDER BY seq LIMIT 1",
                (site, post, op, update_id, payload),
            ).fetchone()
            if row is None:
                cursor = db.execute(
                    "INSERT INTO entries (site, post, op, update_id, payload, options, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (site, post, op, update_id, payload, options, now, now),
                )
                row = db.execute("SELECT * FROM entries WHERE seq = ?", (cursor.lastrowid,)).fetchone()
        return _entry(row)

    def get(self, seq: int) -> Entry:
        row = self._query("SELECT * FROM entries WHERE seq = ?", (seq,))
        if not row:
            raise OutboxError(f"no outbox entry {seq}")
        return row[0]

    def entries(
        self,
        *,
        states: tuple[State, ...] = ("pending", "failed"),
        site: str | None = None,
        post: str | None = None,
    ) -> list[Entry]:
        """Entries in these states, oldest first (the order they are delivered in)."""
        sql = f"SELECT * FROM entries WHERE state IN ({', '.join('?' * len(states))})"
        args: list[object] = list(states)
        if site is not None:
            sql += " AND site = ?"
            args.append(redact_url(site))
        if post is not None:
            sql += " AND post = ?"
            args.append(post)
        return self._query(sql + " ORDER BY seq", tuple(args))

    def pending(self, *, site: str | None = None, post: str | None = None) -> list[Entry]:
        return self.entries(states=("pending",), site=site, post=post)

    def _query(self, sql: str, args: tuple[object, ...]) -> list[Entry]:
        try:
            return [_entry(row) for row in self.db.execute(sql, args).fetchall()]
        except sqlite3.Error as exc:
            raise OutboxError(f"outbox {self.path}: {exc}") from None

    def _mark(
        self, entry: Entry, state: State, *, outcome: str | None = None, error: CMSBridgeError | None = None
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE entries SET state = ?, outcome = ?, updated = ?, attempts = attempts + 1, "
                "last_error = ?, exit_code = ? WHERE seq = ?",
                (
                    state,
                    outcome,
                    self.clock(),
                    str(error) if error else None,
                    error.exit_code if error else None,
                    entry.seq,
                ),
            )

    def discard(self, seq: int) -> None:
        """Drop an entry (a failed one the user gave up on)."""
        with self._transaction() as db:
            db.execute("DELETE FROM entries WHERE seq = ?", (seq,))

    # --- the per-post lock ---------------------------------------------------------------------------------

    def _lock_path(self, site: str, post: str) -> Path:
        digest = hashlib.sha256(f"{redact_url(site)}\0{post}".encode()).hexdigest()[:24]
        return self.path.with_name(self.path.name + ".locks") / f"{digest}.lock"

    @contextlib.contextmanager
    def locked(
        self, site: str, post: str, *, wait: float, give_up: Callable[[], bool] = lambda: False
    ) -> Iterator[bool]:
        """Hold the post's delivery lock; yields False when it could not be taken within ``wait`` seconds
        (or ``give_up()`` became true while waiting)."""
        import fcntl

        path = self._lock_path(site, post)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise OutboxError(f"cannot open the outbox lock {path}: {exc}") from None
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline or give_up():
                        yield False
                        return
                    self.sleep(self.poll)
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # --- delivery ------------------------------------------------------------------------------------

    def flush_post(
        self,
        backend: Backend,
        site: str,
        post: str,
        *,
        retry: RetryPolicy | None = None,
        wait: float = 60.0,
        until: int | None = None,
    ) -> list[Delivery]:
        """Deliver the post's pending entries in order, under its lock. Stops at the first entry that stays
        queued (a transient failure or too many conflicts). With ``until``, waiting for the lock ends as
        soon as that entry is no longer pending (another process delivered it)."""

        def delivered_elsewhere() -> bool:
            return until is not None and self.get(until).state != "pending"

        deliveries: list[Delivery] = []
        with self.locked(site, post, wait=wait, give_up=delivered_elsewhere) as held:
            if not held:
                return deliveries
            while True:
                queue = self.pending(site=site, post=post)
                if not queue:
                    return deliveries
                entry = queue[0]
                delivery = self._deliver(backend, entry, retry)
                deliveries.append(delivery)
                if delivery.state == "pending":
                    if delivery.error is not None and not isinstance(
                        delivery.error, TransientError | ConflictError
                    ):
                        raise delivery.error
                    return deliveries

    def _deliver(self, backend: Backend, entry: Entry, retry: RetryPolicy | None) -> Delivery:
        from . import live

        try:
            main: live.Operation
            if entry.op == "append":
                main = live.Append(entry.prepared(), entry.order)
            elif entry.op == "replace":
                main = live.Replace(entry.prepared())
            else:
                main = live.Retract(entry.update_id)
            also = self._recent(entry.site, entry.post, exclude=entry.update_id)
            result = live.deliver(backend, entry.post, live.AllOf(main, also), retry=retry, order=entry.order)
        except PERMANENT as exc:
            self._mark(entry, "failed", error=exc)
            return Delivery(entry, error=exc)
        except CMSBridgeError as exc:
            self._mark(entry, "pending", error=exc)
            return Delivery(entry, error=exc)
        except ValueError as exc:  # a payload that no longer validates
            error = UsageError(f"outbox entry {entry.seq} cannot be read: {exc}")
            self._mark(entry, "failed", error=error)
            return Delivery(entry, error=error)
        self._mark(entry, "done", outcome=str(result.outcome))
        return Delivery(entry, result=result)

    def _recent(self, site: str, post: str, *, exclude: str | None = None) -> list[live.Operation]:
        """Appends delivered to the post in the last ``recheck`` seconds, to keep present: a write delayed
        in the network (sent before a timeout, applied after) may have put back older content since."""
        from . import live

        since = self.clock() - self.recheck
        rows = self._query(
            "SELECT * FROM entries WHERE state = 'done' AND site = ? AND post = ? AND updated >= ? "
            "ORDER BY seq DESC LIMIT 50",
            (redact_url(site), post, since),
        )
        retracted = {e.update_id for e in rows if e.op == "retract"}
        ops: list[live.Operation] = []
        for e in rows:
            if e.op == "append" and e.update_id not in retracted and e.update_id != exclude:
                try:
                    ops.append(live.Append(e.prepared(), e.order))
                except ValueError:
                    continue
        return ops

    def _recent_posts(self) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT DISTINCT site, post FROM entries WHERE state = 'done' AND op = 'append' AND updated >= ?",
            (self.clock() - self.recheck,),
        ).fetchall()
        return [(row["site"], row["post"]) for row in rows]

    def verify(self, backend: Backend, site: str, post: str, *, retry: RetryPolicy | None = None) -> int:
        """Check that the post still holds the updates recently delivered to it, and put back any that a
        stale write removed. Returns how many were put back."""
        from . import live

        recent = self._recent(site, post)
        if not recent:
            return 0
        with self.locked(site, post, wait=60.0) as held:
            if not held:
                return 0
            current = backend.read_versioned(post)
            doc = live.document(current.content, current.format)
            missing = [op for op in recent if not op.satisfied(doc)]
            if missing:
                live.deliver(backend, post, live.AllOf(missing[0], missing[1:]), retry=retry)
            return len(missing)

    def flush(
        self,
        connect: Callable[[str], Backend],
        *,
        sites: dict[str, str] | None = None,
        retry: RetryPolicy | None = None,
        wait: float = 60.0,
        post: str | None = None,
        until: int | None = None,
        verify: bool = False,
    ) -> list[Delivery]:
        """Deliver every pending entry, post by post, each post's queue in order.

        ``sites`` maps a stored (redacted) site to the full site to connect with; a stored site that is not
        in it is connected as stored when it carried no secret, and left queued otherwise. ``post`` limits
        the flush to one post; posts whose lock another process holds are left to it (except ``post``,
        whose lock is waited for up to ``wait`` seconds). With ``verify``, posts that received updates
        in the last ``recheck`` seconds are read once more and any update missing is put back.
        """
        sites = {redact_url(k): v for k, v in (sites or {}).items()}
        groups: dict[tuple[str, str], None] = {}
        for entry in self.pending():
            if post is None or entry.post == post:
                groups.setdefault((entry.site, entry.post), None)
        deliveries: list[Delivery] = []
        backends: dict[str, Backend] = {}
        try:
            for stored_site, post_id in groups:
                full = sites.get(stored_site) or (stored_site if "***" not in stored_site else None)
                if full is None:
                    continue
                if stored_site not in backends:
                    backends[stored_site] = connect(full)
                deliveries += self.flush_post(
                    backends[stored_site],
                    stored_site,
                    post_id,
                    retry=retry,
                    wait=wait if post_id == post else 0.0,
                    until=until,
                )
            if verify:
                for stored_site, post_id in self._recent_posts():
                    full = sites.get(stored_site) or (stored_site if "***" not in stored_site else None)
                    if full is None or (post is not None and post_id != post):
                        continue
                    if stored_site not in backends:
                        backends[stored_site] = connect(full)
                    self.verify(backends[stored_site], stored_site, post_id, retry=retry)
        finally:
            for backend in backends.values():
                with contextlib.suppress(Exception):
                    backend.close()
        return deliveries


def _entry(row: sqlite3.Row) -> Entry:
    options = json.loads(row["options"] or "{}")
    return Entry(
        seq=row["seq"],
        site=row["site"],
        post=row["post"],
        op=row["op"],
        update_id=row["update_id"],
        payload=row["payload"],
        order=options.get("order"),
        state=row["state"],
        outcome=row["outcome"],
        created=row["created"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        exit_code=row["exit_code"],
    )
