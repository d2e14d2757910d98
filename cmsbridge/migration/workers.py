"""Workers of a migration: this process's threads, and any other process on any machine that runs the
same migration with the same store (:mod:`cmsbridge.store`), share one work list.

Each process lists the source itself. Every post listed is *offered* to the work list: recorded there
(with its version and place in the listing) and claimed under a lease unless a live lease of another
worker holds it, in which case this process leaves it to that worker. A claimed post is migrated, its
outcome recorded in the work list and the claim released. After its listing a process takes what is
left (:meth:`~cmsbridge.store.WorkList.claim_next`: posts still to do whose lease ended, a worker having
died, or that another process listed), reading each again from the source, and waits while other workers
hold leases on posts still to do, so that a worker that dies is replaced: the migration is over when no
post is left to do. Leases are renewed while the process lives (a thread of its own).

Posts are migrated in parallel by ``workers`` threads; pages after them, in this process's main thread,
each parent page before its children (:func:`cmsbridge.migration.run.pages_last`).

No post is created twice: a post is worked on by one worker at a time (its claim), a created post is
recorded in the id map at once, and a post created by a worker killed before it recorded it is adopted
by the next (the id map's record of the create begun: :mod:`cmsbridge.migration.run`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..backends.base import Fetched
from ..store import WorkList

Outcome = TypeVar("Outcome")

WAIT_STEP = 2.0
"""The longest a worker sleeps before looking again at posts other workers hold."""


@dataclass
class Workers(Generic[Outcome]):
    """One run's workers: ``one`` migrates a post, ``get`` reads a post again by id, ``status`` tells an
    outcome's action and its record (text), ``record`` takes each outcome (under a lock), ``written``
    whether an outcome counts toward ``limit``."""

    work: WorkList | None
    one: Callable[[Fetched], Outcome]
    get: Callable[[str], Fetched]
    status: Callable[[Outcome], tuple[str, str]]
    record: Callable[[Outcome], None]
    failed: Callable[[str, BaseException], Outcome]
    written: Callable[[Outcome], bool]
    threads: int = 1
    limit: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _error: list[BaseException] = field(default_factory=list)
    _held: set[str] = field(default_factory=set)
    _finished: int = 0
    """Posts this process finished: a worker waiting for what others hold wakes when it changes."""
    _changed: threading.Condition = field(default_factory=threading.Condition)

    # --- one post ------------------------------------------------------------------------------------------

    def _full(self) -> bool:
        return self.limit is not None and self._count >= self.limit

    def _do(self, fetched: Fetched) -> None:
        item = fetched.ref.id
        with self._lock:
            self._held.add(item)  # released by run() if the post is never finished (interrupted)
        outcome = self.one(fetched)
        if self.work is not None:
            status, text = self.status(outcome)
            self.work.finish(item, status, text)
        with self._lock:
            self._held.discard(item)
            if self.written(outcome):
                self._count += 1
            self.record(outcome)
        self._wake()

    def _wait_for_change(self, seen: int, timeout: float) -> None:
        """Wait until this process finishes a post after the ``seen``-th, the run stops, or ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self._finished != seen or self._stop.is_set(), timeout)

    def _wake(self) -> None:
        with self._changed:
            self._finished += 1
            self._changed.notify_all()

    def _offer(self, fetched: Fetched, position: int) -> None:
        if self.work is None or self.work.offer(fetched.ref.id, fetched.version.token, position):
            self._do(fetched)

    def _leftovers(self) -> None:
        """Take what is left to do, waiting while others hold it, until nothing is."""
        work = self.work
        if work is None:
            return
        while not self._stop.is_set() and not self._full():
            seen = self._finished
            item = work.claim_next()
            if item is None:
                waiting = work.waiting()
                if waiting.left == 0:
                    return
                # a post this process holds wakes us when it is done; others' leases are looked at again
                self._wait_for_change(seen, min(max(waiting.first_lease_ends or 0.2, 0.2), WAIT_STEP))
                continue
            try:
                fetched = self.get(item)
            except Exception as exc:  # gone from the source, or unreadable: this post's failure
                outcome = self.failed(item, exc)
                work.finish(item, *self.status(outcome))
                with self._lock:
                    self.record(outcome)
                continue
            self._do(fetched)

    # --- the run -------------------------------------------------------------------------------------------

    def run(self, listed: Iterator[Fetched]) -> None:
        """Migrate every post ``listed`` (posts, then pages) and what is left; Ctrl-C or a worker's
        interruption stops every worker, releases what this process holds and is raised again."""
        heartbeat = threading.Thread(target=self._renew, daemon=True, name="lease-renewal")
        if self.work is not None:
            heartbeat.start()
        try:
            if self.threads <= 1:
                self._alone(listed)
            else:
                self._together(listed)
        finally:
            self._stop.set()
            if self.work is not None:
                for item in list(self._held):
                    self.work.release(item)

    def _alone(self, listed: Iterator[Fetched]) -> None:
        for position, fetched in enumerate(listed, 1):
            if self._full():
                return
            self._offer(fetched, position)
        self._leftovers()

    def _together(self, listed: Iterator[Fetched]) -> None:
        posts: queue.Queue[tuple[Fetched, int] | None] = queue.Queue(maxsize=2 * self.threads)
        pool = [
            threading.Thread(target=self._worker, args=(posts,), daemon=True, name=f"worker-{n}")
            for n in range(self.threads)
        ]
        for thread in pool:
            thread.start()
        pages: list[tuple[Fetched, int]] = []
        try:
            for position, fetched in enumerate(listed, 1):
                if self._stop.is_set() or self._full():
                    break
                if fetched.post.post_type == "page" or pages:
                    pages.append((fetched, position))  # after the posts, in this order
                    continue
                self._put(posts, (fetched, position))
            for _ in pool:
                self._put(posts, None)
            self._join(pool)
            for fetched, position in pages:
                if self._stop.is_set() or self._full():
                    break
                self._offer(fetched, position)
            if not self._stop.is_set():
                self._leftovers()
        except BaseException:
            self._stop.set()
            raise
        finally:
            self._join(pool)
        if self._error:
            raise self._error[0]

    def _put(self, posts: queue.Queue[tuple[Fetched, int] | None], entry: tuple[Fetched, int] | None) -> None:
        while not self._stop.is_set():
            try:
                posts.put(entry, timeout=0.5)
                return
            except queue.Full:
                continue

    def _join(self, pool: list[threading.Thread]) -> None:
        for thread in pool:
            while thread.is_alive():
                thread.join(0.5)  # a short wait: Ctrl-C reaches the main thread

    def _worker(self, posts: queue.Queue[tuple[Fetched, int] | None]) -> None:
        try:
            while not self._stop.is_set():
                try:
                    entry = posts.get(timeout=0.5)
                except queue.Empty:
                    continue
                if entry is None:
                    break
                if not self._full():
                    self._offer(*entry)
            if not self._stop.is_set():
                self._leftovers()
        except BaseException as exc:  # raised again in the main thread
            with self._lock:
                self._error.append(exc)
            self._stop.set()
            self._wake()

    def _renew(self) -> None:
        work = self.work
        assert work is not None
        while not self._stop.wait(work.lease / 3):
            try:
                work.renew()
            except Exception:  # the store is away a moment: the next beat tries again
                continue


__all__ = ["Workers"]
