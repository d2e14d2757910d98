"""A durable outbox for live updates, so a cron job never loses an update: an SQLite file on this machine
(the default) or a PostgreSQL database shared by the appenders of every machine (``postgresql://...``), in
the store's one schema (:mod:`cmsbridge.store`).

``cmsbridge append`` records the update here *before* delivering it, then delivers the queue of that post
first, in order. An update that cannot be delivered within the retry budget stays queued; the next
``append`` or ``flush`` delivers it. Guarantees, whatever moment a process is killed at:

- nothing is lost: an entry is committed (SQLite: WAL, ``synchronous=FULL``) before any request is sent
  and is marked delivered only after the server's answer showed the update stored;
- nothing is duplicated: delivering re-reads the post first and stops when the update's id is present
  (:mod:`cmsbridge.live`), so delivering an entry again after a kill is a no-op;
- concurrent processes do not deliver the same post at once: delivery holds the post's turn for the whole
  queue (:mod:`cmsbridge.backends.turns`), the same lock each delivery takes again. The outbox chooses the
  turn's implementation: with an SQLite outbox, this machine's (``flock``: the kernel releases it when the
  holder dies, so a killed process never blocks the queue); with a PostgreSQL outbox, the database's
  advisory lock for the post, around this machine's (:class:`cmsbridge.store.turns.SharedTurns`: the
  server releases it when the holder's connection ends), so appenders on every machine sharing the
  outbox take turns;
- each post's entries are delivered in order, on any machine: ``seq`` comes from the database, and on
  PostgreSQL entries of one post are recorded one at a time (an advisory lock per post in the recording
  transaction), so their order of ``seq`` is the order they were committed in.

Sites are stored so that a flush from any working directory (cron's) finds the same site
(:func:`stored_site`): a ``files:`` folder as an absolute path, a profile name as the URL it names (its name
is kept beside it, and used again when it still names that site), any secret redacted. Delivering an entry
whose site needs a secret takes it from the site given to the flush (``--site``) or from the profile; a
site that cannot be reached from here (no secret, a folder that does not exist here, an entry of an older
version that stored a relative folder) leaves its entries queued and says why: it never fails them.

Only an entry whose own data cannot be read fails for good, with the updates the server refuses
(:data:`PERMANENT`); every other failure, transient or unexplained, leaves the entry queued. A flush given
a :class:`~cmsbridge.retry.Deadline` starts no delivery once it has passed (the rest stays queued).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from .. import live
from ..backends.sites import load_profile, parse_site
from ..backends.turns import LOCAL, Turns, post_key, post_turn
from ..errors import (
    CMSBridgeError,
    ConfigError,
    ConflictError,
    ConnectionFailedError,
    InvalidContentError,
    NotFoundError,
    OutboxError,
    TransientError,
    UnexpectedResponseError,
    UsageError,
    redact_url,
    scrub,
)
from ..retry import is_transient
from ..store import Database, PostgresDatabase, is_url, open_store
from ..store.engine import Row
from ..store.turns import SharedTurns
from . import Order, Prepared, Result
from .story import STORY_OPERATIONS, ClosedStory, story_change

if TYPE_CHECKING:
    from ..backends.base import Backend, RetryPolicy
    from ..retry import Deadline

Operation = Literal["append", "replace", "retract", "open", "close", "pin", "unpin"]
State = Literal["pending", "done", "failed"]

_COLUMNS = (
    "seq",
    "site",
    "post",
    "op",
    "update_id",
    "payload",
    "options",
    "state",
    "outcome",
    "created",
    "attempts",
    "last_error",
    "exit_code",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM entries"
"""The entries table's columns an :class:`Entry` is read from (the table: :mod:`cmsbridge.store.schema`)."""

PERMANENT = (NotFoundError, InvalidContentError)
"""Failures of the update itself (no such post or update, content the server refuses): the entry is marked
failed and the queue moves on. An entry whose stored data cannot be read fails too; nothing else does."""


def stored_site(site: str) -> str:
    """The site as the outbox stores it: a ``files:`` folder (or ``wxr:`` file) as an absolute path, a
    profile name as the URL the profile names here, any secret redacted. Idempotent."""
    if ":" not in site:
        url = load_profile(site).get("url")
        site = url if isinstance(url, str) else site
    kind, _, rest = site.partition(":")
    if kind not in ("files", "wxr") or not rest:
        return redact_url(site)
    if kind == "wxr":
        path, query = rest, ""
    elif rest.startswith("//"):
        parts = urlsplit(site)
        path, query = parts.path, parts.query
    else:
        path, _, query = rest.partition("?")
    return f"{kind}:{os.path.abspath(path)}" + (f"?{query}" if query else "")


def _relative_folder(site: str) -> bool:
    """A ``files:`` or ``wxr:`` site of a relative path (stored by an older version)."""
    kind, _, rest = site.partition(":")
    return kind in ("files", "wxr") and not rest.startswith("/")


def _missing_folder(site: str) -> str | None:
    """For a ``files:`` site whose folder does not exist here, why it cannot be used."""
    if not site.startswith("files:"):
        return None
    folder = parse_site(site).url[len("files:") :]
    return None if os.path.isdir(folder) else f"the folder {os.path.abspath(folder)} does not exist here"


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
    profile: str | None = None
    """The profile name the site was given as (the site is stored as the URL it named)."""
    allow_loss: bool = True
    """Whether the update may be applied although the site's format cannot hold all of it (decided when
    the update was requested; False fails the entry instead, :class:`cmsbridge.live.UpdateLossError`)."""
    reopen: bool = False
    """Whether an append to a closed story reopens it (False fails the entry instead,
    :class:`cmsbridge.live.StoryClosedError`)."""

    def prepared(self) -> Prepared:
        return Prepared.from_json(self.payload)


@dataclass(frozen=True)
class Delivery:
    """What flushing did with one entry: the state it left it in, ``result`` when delivered, ``error``
    otherwise (for a site that cannot be reached from here: the first entry of each post left queued)."""

    entry: Entry
    state: State
    result: Result | None = None
    error: CMSBridgeError | None = None


class Outbox:
    """The outbox in ``where``: an SQLite file's path (created on first use, mode 0600; default:
    :func:`default_path`) or a ``postgresql://`` URL (the password from the environment, as for the
    store: :mod:`cmsbridge.store.engine`)."""

    def __init__(
        self,
        where: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        poll: float = 0.01,
        sleep: Callable[[float], None] = time.sleep,
        recheck: float = 600.0,
    ) -> None:
        if where is not None and is_url(where):
            self._where: str | Path = str(where)
            self.path: Path | None = None
            """The SQLite file (None for a PostgreSQL outbox)."""
        else:
            self.path = self._where = Path(where) if where is not None else default_path()
        self.recheck = recheck
        self.clock = clock
        self.poll = poll
        self.sleep = sleep
        self._db: Database | None = None

    def __repr__(self) -> str:
        return f"<Outbox {self.label}>"

    # --- storage ---------------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The outbox as it may be shown: the file's path, or the URL without its password."""
        return str(self.path) if self.path is not None else redact_url(str(self._where))

    @property
    def db(self) -> Database:
        """The store holding the outbox (opened, and its schema brought up to date, on first use)."""
        if self._db is None:
            self._db = open_store(self._where)
        return self._db

    @property
    def turns(self) -> Turns:
        """The posts' turns this outbox's deliveries take: shared by every machine using a PostgreSQL
        outbox, this machine's otherwise."""
        return SharedTurns(self.db) if isinstance(self.db, PostgresDatabase) else LOCAL

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        allow_loss: bool = True,
        reopen: bool = False,
    ) -> Entry:
        """Record an operation (committed durably before this returns). The same operation already
        pending is not recorded twice: its entry is returned. ``site`` is stored as :func:`stored_site`
        says (a profile's name and ``allow_loss`` are kept in the entry's options)."""
        given, site = site, stored_site(site)
        hints: dict[str, str | bool] = {"order": order} if order else {}
        if ":" not in given:
            hints["profile"] = given
        if not allow_loss:
            hints["allow_loss"] = False
        if reopen:
            hints["reopen"] = True
        options = json.dumps(hints)
        now = self.clock()
        db = self.db
        with db.transaction():
            if isinstance(db, PostgresDatabase):  # one post's entries recorded one at a time: seq in order
                db.lock(f"outbox {post_key(site, post)}")
            row = db.row(
                f"{_SELECT} WHERE state = 'pending' AND site = ? AND post = ? AND op = ? "
                "AND update_id = ? AND payload = ? ORDER BY seq LIMIT 1",
                (site, post, op, update_id, payload),
            )
            if row is None:
                row = db.row(
                    "INSERT INTO entries (site, post, op, update_id, payload, options, created, updated) "
                    f"VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {', '.join(_COLUMNS)}",
                    (site, post, op, update_id, payload, options, now, now),
                )
        if row is None:
            raise OutboxError(f"outbox {self.label}: the entry was not recorded")
        return _entry(row)

    def get(self, seq: int) -> Entry:
        row = self._query(f"{_SELECT} WHERE seq = ?", (seq,))
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
        """Entries in these states, oldest first (the order they are delivered in). ``site`` matches the
        site as given or as :func:`stored_site` stores it."""
        sql = f"{_SELECT} WHERE state IN ({', '.join('?' * len(states))})"
        args: list[object] = list(states)
        if site is not None:
            sql += " AND site IN (?, ?)"
            args += [redact_url(site), stored_site(site)]
        if post is not None:
            sql += " AND post = ?"
            args.append(post)
        return self._query(sql + " ORDER BY seq", tuple(args))

    def pending(self, *, site: str | None = None, post: str | None = None) -> list[Entry]:
        return self.entries(states=("pending",), site=site, post=post)

    def _query(self, sql: str, args: tuple[object, ...]) -> list[Entry]:
        return [_entry(row) for row in self.db.rows(sql, args)]

    def _mark(
        self,
        entry: Entry,
        state: State,
        *,
        outcome: str | None = None,
        error: CMSBridgeError | None = None,
        detail: str | None = None,
    ) -> None:
        """Store the entry's new state; the error (or ``detail``, a failure that is no CMSBridgeError) is
        stored scrubbed of secrets."""
        text = str(error) if error is not None else detail
        self.db.run(
            "UPDATE entries SET state = ?, outcome = ?, updated = ?, attempts = attempts + 1, "
            "last_error = ?, exit_code = ? WHERE seq = ?",
            (
                state,
                outcome,
                self.clock(),
                scrub(text) if text is not None else None,
                error.exit_code if error is not None else None,
                entry.seq,
            ),
        )

    def discard(self, seq: int) -> None:
        """Drop an entry (a failed one the user gave up on)."""
        self.db.run("DELETE FROM entries WHERE seq = ?", (seq,))

    # --- the per-post lock ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(
        self, site: str, post: str, *, wait: float, give_up: Callable[[], bool] = lambda: False
    ) -> Iterator[bool]:
        """Hold the post's turn (``site`` as its backend names it: :func:`cmsbridge.backends.turns.post_turn`
        taken by :attr:`turns`, the one lock the delivery inside takes again); yields False when it could
        not be taken within ``wait`` seconds (or ``give_up()`` became true while waiting)."""
        turns = self.turns
        with post_turn(
            site, post, wait=wait, give_up=give_up, poll=self.poll, sleep=self.sleep, turns=turns
        ) as turn:
            yield turn.held

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
        deadline: Deadline | None = None,
    ) -> list[Delivery]:
        """Deliver the post's pending entries (of ``site`` as stored) in order, under its lock. Stops at the
        first entry that stays queued (a transient failure or too many conflicts), and before any entry
        once ``deadline`` has passed. With ``until``, waiting for the lock ends as soon as that entry is no
        longer pending (another process delivered it)."""

        def delivered_elsewhere() -> bool:
            return until is not None and self.get(until).state != "pending"

        if deadline is not None:
            wait = min(wait, deadline.remaining())
        deliveries: list[Delivery] = []
        with self.locked(backend.site, post, wait=wait, give_up=delivered_elsewhere) as held:
            if not held:
                return deliveries
            while deadline is None or not deadline.expired():
                queue = self._query(
                    f"{_SELECT} WHERE state = 'pending' AND site = ? AND post = ? ORDER BY seq",
                    (site, post),
                )
                if not queue:
                    return deliveries
                delivery = self._deliver(backend, queue[0], retry)
                deliveries.append(delivery)
                if delivery.state == "pending":
                    if delivery.error is not None and not isinstance(
                        delivery.error, TransientError | ConflictError
                    ):
                        raise delivery.error
                    return deliveries
        return deliveries

    def _deliver(self, backend: Backend, entry: Entry, retry: RetryPolicy | None) -> Delivery:
        try:
            main: live.Operation
            if entry.op == "append":
                closed: ClosedStory = "reopen" if entry.reopen else "refuse"
                main = live.Append(entry.prepared(), entry.order, entry.allow_loss, closed)
            elif entry.op in STORY_OPERATIONS:
                main = story_change(entry.op, entry.payload)
            elif entry.op == "replace":
                main = live.Replace(entry.prepared(), entry.allow_loss)
            elif entry.op == "pin":
                main = live.Pin(entry.update_id, entry.order)
            elif entry.op == "unpin":
                main = live.Unpin(entry.update_id, entry.order)
            else:
                main = live.Retract(entry.update_id)
        except ValueError as exc:  # the entry's own data no longer validates: it never will
            return self._outcome(
                entry, "failed", UsageError(f"outbox entry {entry.seq} cannot be read: {exc}")
            )
        try:
            also = self._recent(entry.site, entry.post, exclude=entry.update_id)
            result = live.deliver(backend, entry.post, live.AllOf(main, also), retry=retry, order=entry.order)
        except (*PERMANENT, live.UpdateLossError, live.StoryError) as exc:
            return self._outcome(entry, "failed", exc)
        except UsageError as exc:  # raised while reading the server's answer, not the entry: stays queued
            unreadable = UnexpectedResponseError(
                f"the post as stored on the server could not be parsed: {exc.message}"
            )
            return self._outcome(entry, "pending", unreadable)
        except CMSBridgeError as exc:
            return self._outcome(entry, "pending", exc)
        except Exception as exc:
            if is_transient(exc):  # a raw transport failure that no backend translated
                failure = ConnectionFailedError(f"{type(exc).__name__}: {exc}", post=entry.post)
                return self._outcome(entry, "pending", failure)
            # a failure nothing classified (a bug?): the entry stays queued, the failure is raised
            self._mark(entry, "pending", detail=f"{type(exc).__name__}: {exc}")
            raise
        self._mark(entry, "done", outcome=str(result.outcome))
        return Delivery(entry, "done", result=result)

    def _outcome(self, entry: Entry, state: State, error: CMSBridgeError) -> Delivery:
        self._mark(entry, state, error=error)
        return Delivery(entry, state, error=error)

    def _recent(self, site: str, post: str, *, exclude: str | None = None) -> list[live.Operation]:
        """Appends delivered to the post (``site`` as stored) in the last ``recheck`` seconds, to keep
        present: a write delayed in the network (sent before a timeout, applied after) may have put back
        older content since."""
        since = self.clock() - self.recheck
        rows = self._query(
            f"{_SELECT} WHERE state = 'done' AND site = ? AND post = ? AND updated >= ? "
            "ORDER BY seq DESC LIMIT 50",
            (site, post, since),
        )
        retracted = {e.update_id for e in rows if e.op == "retract"}
        ops: list[live.Operation] = []
        for e in rows:
            if e.op == "append" and e.update_id not in retracted and e.update_id != exclude:
                try:
                    ops.append(live.Append(e.prepared(), e.order, closed="ignore"))
                except ValueError:
                    continue
        return ops

    def _recent_posts(self) -> list[tuple[str, str]]:
        rows = self.db.rows(
            "SELECT DISTINCT site, post FROM entries WHERE state = 'done' AND op = 'append' AND updated >= ?",
            (self.clock() - self.recheck,),
        )
        return [(str(site), str(post)) for site, post in rows]

    def verify(
        self, backend: Backend, site: str, post: str, *, retry: RetryPolicy | None = None, wait: float = 60.0
    ) -> int:
        """Check that the post still holds the updates recently delivered to it, and put back any that a
        stale write removed. Returns how many were put back."""
        recent = self._recent(site, post)
        if not recent:
            return 0
        with self.locked(backend.site, post, wait=wait) as held:
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
        deadline: Deadline | None = None,
    ) -> list[Delivery]:
        """Deliver every pending entry, post by post, each post's queue in order.

        ``sites`` holds the full sites to connect with (a secret included), matched to the stored sites by
        :func:`stored_site`; a stored site not among them is connected through the profile it was given as
        (when that profile still names it) or as stored (when it needs no secret). A site that cannot be
        connected from here leaves its entries queued: the first entry of each of its posts is returned
        with the reason. ``post`` limits the flush to one post; posts whose lock another process holds are
        left to it (except ``post``, whose lock is waited for up to ``wait`` seconds). No delivery starts
        once ``deadline`` has passed. With ``verify``, posts that received updates in the last ``recheck``
        seconds are read once more and any update missing is put back.
        """
        given: dict[str, str] = {}
        for site, full in (sites or {}).items():
            given[redact_url(site)] = full  # as typed: matches an entry stored by an older version
            given[stored_site(site)] = full
        groups: dict[tuple[str, str], Entry] = {}
        for entry in self.pending():
            if post is None or entry.post == post:
                groups.setdefault((entry.site, entry.post), entry)
        deliveries: list[Delivery] = []
        backends: dict[str, Backend | CMSBridgeError] = {}

        def backend_of(entry: Entry) -> Backend | CMSBridgeError:
            if entry.site not in backends:
                backends[entry.site] = self._connect(connect, entry, given)
            return backends[entry.site]

        try:
            for (stored, post_id), first in groups.items():
                if deadline is not None and deadline.expired():
                    break
                backend = backend_of(first)
                if isinstance(backend, CMSBridgeError):
                    deliveries.append(Delivery(first, "pending", error=backend))
                    continue
                deliveries += self.flush_post(
                    backend,
                    stored,
                    post_id,
                    retry=retry,
                    wait=wait if post_id == post else 0.0,
                    until=until,
                    deadline=deadline,
                )
            for stored, post_id in self._recent_posts() if verify else []:
                if (post is not None and post_id != post) or (deadline is not None and deadline.expired()):
                    continue
                done = self._query(f"{_SELECT} WHERE site = ? AND post = ? LIMIT 1", (stored, post_id))
                backend = backend_of(done[0])
                if not isinstance(backend, CMSBridgeError):
                    lock_wait = 60.0 if deadline is None else deadline.remaining()
                    self.verify(backend, stored, post_id, retry=retry, wait=lock_wait)
        finally:
            for backend in backends.values():
                if not isinstance(backend, CMSBridgeError):
                    with contextlib.suppress(Exception):
                        backend.close()
        return deliveries

    def _connect(
        self, connect: Callable[[str], Backend], entry: Entry, given: dict[str, str]
    ) -> Backend | CMSBridgeError:
        """The backend for the entry's stored site, or why it cannot be reached from here."""
        site = entry.site
        candidates = [given[site]] if site in given else []
        profile = entry.profile
        if profile is not None:
            with contextlib.suppress(CMSBridgeError):
                if stored_site(profile) == site:
                    candidates.append(profile)
        if "***" not in site and not _relative_folder(site):
            candidates.append(site)
        reason = (
            "recorded as a relative folder by an older version"
            if _relative_folder(site)
            else "it needs its secret"
        )
        for full in candidates:
            try:
                missing = _missing_folder(full if _relative_folder(site) else site)
                if missing is None:
                    return connect(full)
                reason = missing
            except CMSBridgeError as exc:
                reason = exc.message
        return ConfigError(
            f"updates to {site} stay queued: it cannot be reached from here ({reason}); "
            "flush where it can be, or give it with --site"
        )


def _entry(found: Row) -> Entry:
    row = dict(zip(_COLUMNS, found, strict=True))
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
        profile=options.get("profile"),
        allow_loss=options.get("allow_loss", True) is not False,
        reopen=options.get("reopen") is True,
    )
