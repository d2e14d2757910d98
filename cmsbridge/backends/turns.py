"""Writers to one post take turns: one lock per post, held across a delivery's whole read, splice, write
and verify.

A live update is a read-modify-write of the post's content (:func:`cmsbridge.live.deliver`). Two writers
whose reads and writes interleave collide, and the loser reads again and repairs (a refused conditional
write; on WordPress REST, which has none, the overwritten content put back). Holding the post's turn
across the whole read, splice, write and verify, they wait for each other instead.

One facility, :func:`post_turn`, with two implementations of :class:`Turns` behind it; whoever holds the
turn first (the outbox, for a post's whole queue) chooses which, and everything inside it (the delivery,
the WordPress REST write) takes the same turn again:

- :class:`LocalTurns` (the default): this machine's writers, of one user. ``flock`` on a file in the
  user's state folder (``<state dir>/cmsbridge/locks``) named by :func:`post_key`. The kernel releases it
  when its holder dies, so a killed process never blocks the post. Lock files are never removed (a
  removed file could be locked by one process while another creates and locks a new one). Threads take
  turns too: each holder opens the file itself, and ``flock`` locks held through separate open file
  descriptions exclude each other, within one process as between processes.
- a shared implementation (:class:`cmsbridge.store.turns.SharedTurns`: a PostgreSQL advisory lock named
  by the same :func:`post_key`, taken outside this machine's ``flock``): writers on every machine that
  shares the outbox's database.

Re-entrant for its holder (the same thread of the same process, whichever implementation took it): the
outbox takes the post's turn for its whole queue, the delivery inside takes it again, and so does the
WordPress REST write inside that, without waiting and without a second lock. Writers that share no turn
(another machine, without a shared outbox) still collide: the optimistic checks (conditional writes,
revision counts, :func:`cmsbridge.live.restore`) stay.

The turn also carries a note from the holder to the next one (:meth:`Turn.note`): the live loop leaves the
modified time of its last write there, so that the next writer on a CMS whose version is a modified time of
one-second resolution waits out that second before its read rather than reading twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import ConfigError

NOTE_SIZE = 256
"""The most a note holds (bytes)."""


def folder() -> Path:
    """Where this user's post locks live (created on first use, mode 0700)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("cmsbridge")) / "locks"


def identity(site: str) -> str:
    """The site's identity for its locks: a backend's printable ``site``, a folder (``files:PATH``) by its
    real path, so that two processes naming it from different working folders share its locks."""
    if site.startswith("files:"):
        return "files:" + os.path.realpath(os.path.expanduser(site.removeprefix("files:")))
    return site


def post_key(site: str, post: str) -> str:
    """The name of ``post``'s lock on ``site``, the same for every implementation (no secret in it: a
    hash of the site's identity and the post's id)."""
    return hashlib.sha256(f"{identity(site)}\0{post}".encode()).hexdigest()[:32]


def lock_path(site: str, post: str) -> Path:
    """This machine's lock file of ``post`` on ``site``."""
    return folder() / f"post-{post_key(site, post)}.lock"


class Turn:
    """A post's turn: ``held`` tells whether it was taken (a bounded wait may end without it)."""

    def __init__(self, held: bool) -> None:
        self.held = held

    def note(self) -> str:
        """What the last holder left (empty when nothing, or when the turn is not held)."""
        return ""

    def leave_note(self, text: str) -> None:
        """Leave ``text`` for the next holder (cut to :data:`NOTE_SIZE` bytes)."""


class Turns(Protocol):
    """One implementation of the per-post lock."""

    def take(
        self,
        site: str,
        post: str,
        *,
        wait: float | None,
        give_up: Callable[[], bool] | None,
        poll: float,
        sleep: Callable[[float], None],
    ) -> contextlib.AbstractContextManager[Turn]:
        """Take the turn of ``post`` on ``site`` for the block (not re-entrant: :func:`post_turn` is);
        yield a turn not held when ``wait`` seconds passed or ``give_up()`` became true first (``wait``
        None and no ``give_up``: wait as long as it takes)."""
        ...


class _FileTurn(Turn):
    def __init__(self, fd: int) -> None:
        super().__init__(True)
        self._fd = fd

    def note(self) -> str:
        return os.pread(self._fd, NOTE_SIZE, 0).decode("utf-8", "replace")

    def leave_note(self, text: str) -> None:
        data = text.encode("utf-8")[:NOTE_SIZE]
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)


class LocalTurns:
    """This machine's turns: ``flock`` on the post's file in the user's state folder."""

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
        path = lock_path(site, post)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise ConfigError(f"cannot open the post's lock {path}: {exc.strerror or exc}") from None
        try:
            if not _take(fd, wait, give_up, poll, sleep):
                yield Turn(False)
                return
            try:
                yield _FileTurn(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


LOCAL = LocalTurns()
"""This machine's turns (the default)."""


@dataclass
class _Holding:
    turn: Turn
    pid: int
    depth: int = 1


_local = threading.local()


def _holdings() -> dict[str, _Holding]:
    held: dict[str, _Holding] | None = getattr(_local, "held", None)
    if held is None:
        held = _local.held = {}
    return held


@contextlib.contextmanager
def post_turn(
    site: str,
    post: str,
    *,
    wait: float | None = None,
    give_up: Callable[[], bool] | None = None,
    poll: float = 0.01,
    sleep: Callable[[float], None] = time.sleep,
    turns: Turns | None = None,
) -> Iterator[Turn]:
    """Hold the turn of ``post`` on ``site`` (a backend's ``site``) for the block, taken by ``turns``
    (default: :data:`LOCAL`).

    Already held by this thread (by any implementation): held again at once (re-entrant). Otherwise, with
    ``wait`` None and no ``give_up``, wait as long as it takes; otherwise until it is free, ``wait``
    seconds have passed or ``give_up()`` is true (checked every ``poll`` seconds), and yield a turn not
    held then. Raises :class:`ConfigError` when the lock cannot be reached."""
    key = post_key(site, post)
    holdings = _holdings()
    mine = holdings.get(key)
    if mine is not None and mine.pid == os.getpid():  # a forked child holds nothing of its parent's
        mine.depth += 1
        try:
            yield mine.turn
        finally:
            mine.depth -= 1
        return
    with (turns or LOCAL).take(site, post, wait=wait, give_up=give_up, poll=poll, sleep=sleep) as turn:
        if not turn.held:
            yield turn
            return
        holdings[key] = _Holding(turn, os.getpid())
        try:
            yield turn
        finally:
            del holdings[key]


def _take(
    fd: int,
    wait: float | None,
    give_up: Callable[[], bool] | None,
    poll: float,
    sleep: Callable[[float], None],
) -> bool:
    if wait is None and give_up is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True
    deadline = time.monotonic() + (wait if wait is not None else float("inf"))
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline or (give_up is not None and give_up()):
                return False
        sleep(poll)


__all__ = ["LOCAL", "LocalTurns", "Turn", "Turns", "folder", "identity", "lock_path", "post_key", "post_turn"]
