"""Writers to one post on this machine take turns: one lock per post.

A live update is a read-modify-write of the post's content (:func:`cmsbridge.live.deliver`). Two writers on
one machine whose reads and writes interleave collide, and the loser reads again and repairs (a refused
conditional write; on WordPress REST, which has none, the overwritten content put back). Holding the post's
turn across the whole read, splice, write and verify, they wait for each other instead.

- One lock per post: ``flock`` on a file in the user's state folder (``<state dir>/cmsbridge/locks``),
  named by a hash of the site's identity and the post's id. The kernel releases it when its holder dies,
  so a killed process never blocks the post. Lock files are never removed (a removed file could be
  locked by one process while another creates and locks a new one).
- Re-entrant for its holder (the same thread of the same process): the outbox takes the post's turn for
  its whole queue, the delivery inside takes it again, and so does the WordPress REST write inside that,
  without waiting and without a second lock.
- Threads take turns too: each holder opens the file itself, and ``flock`` locks held through separate
  open file descriptions exclude each other, within one process as between processes.
- It orders writers of this machine (and of one user) only. Writers elsewhere still collide: the
  optimistic checks (conditional writes, revision counts, :func:`cmsbridge.live.restore`) stay.

The file also carries a note from the holder to the next one (:meth:`Turn.note`): the live loop leaves the
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


def lock_path(site: str, post: str) -> Path:
    """The lock file of ``post`` on ``site`` (no secret in the name: a hash)."""
    digest = hashlib.sha256(f"{identity(site)}\0{post}".encode()).hexdigest()[:32]
    return folder() / f"post-{digest}.lock"


@dataclass
class Turn:
    """A post's turn: ``held`` tells whether it was taken (a bounded wait may end without it)."""

    held: bool
    _fd: int | None = None

    def note(self) -> str:
        """What the last holder left (empty when nothing, or when the turn is not held)."""
        if not self.held or self._fd is None:
            return ""
        return os.pread(self._fd, NOTE_SIZE, 0).decode("utf-8", "replace")

    def leave_note(self, text: str) -> None:
        """Leave ``text`` for the next holder (cut to :data:`NOTE_SIZE` bytes)."""
        if self.held and self._fd is not None:
            data = text.encode("utf-8")[:NOTE_SIZE]
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, data, 0)


@dataclass
class _Holding:
    fd: int
    pid: int
    depth: int = 1


_local = threading.local()


def _holdings() -> dict[Path, _Holding]:
    held: dict[Path, _Holding] | None = getattr(_local, "held", None)
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
) -> Iterator[Turn]:
    """Hold the turn of ``post`` on ``site`` (a backend's ``site``) for the block.

    Already held by this thread: held again at once (re-entrant). Otherwise, with ``wait`` None and no
    ``give_up``, wait as long as it takes (the kernel hands the lock over as soon as it is free);
    otherwise try every ``poll`` seconds until it is free, ``wait`` seconds have passed or ``give_up()``
    is true, and yield a turn not held then. Raises :class:`ConfigError` when the lock file cannot be
    opened."""
    path = lock_path(site, post)
    holdings = _holdings()
    mine = holdings.get(path)
    if mine is not None and mine.pid == os.getpid():  # a forked child holds nothing of its parent's
        mine.depth += 1
        try:
            yield Turn(True, mine.fd)
        finally:
            mine.depth -= 1
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot open the post's lock {path}: {exc.strerror or exc}") from None
    try:
        if not _take(fd, wait, give_up, poll, sleep):
            yield Turn(False)
            return
        holdings[path] = _Holding(fd, os.getpid())
        try:
            yield Turn(True, fd)
        finally:
            del holdings[path]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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


__all__ = ["Turn", "folder", "identity", "lock_path", "post_turn"]
