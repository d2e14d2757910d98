"""One request rate per target host, shared by every worker of a migration, and the pause a 429 or a
``Retry-After`` asks for, felt by every worker (:class:`cmsbridge.http.Pace`, installed on the target's
transport).

:class:`SharedPace` keeps both in the store (a row per host: the next free slot and the end of a pause,
each updated by one atomic statement on the database's clock), so every process on every machine using
the same PostgreSQL store shares them. :class:`LocalPace` keeps them in the process (an SQLite store is
one machine's; its workers are this process's threads).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from .engine import Database


def _host(url: str) -> str:
    return (urlsplit(url).netloc or url).lower()


class SharedPace:
    """At most ``per_second`` requests a second to each host (None: no limit, pauses only), in ``db``."""

    def __init__(
        self, db: Database, per_second: float | None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.db, self.sleep = db, sleep
        self.interval = 1.0 / per_second if per_second else 0.0
        self._known: set[str] = set()

    def __repr__(self) -> str:
        return f"<SharedPace every {self.interval:.3f} s in {self.db.label}>"

    def _row(self, host: str) -> None:
        if host not in self._known:
            self.db.run(
                "INSERT INTO pace (host, next_slot, paused_until) VALUES (?, 0, 0) "
                "ON CONFLICT (host) DO NOTHING",
                (host,),
            )
            self._known.add(host)

    def wait(self, url: str) -> None:
        """Take the next free slot for ``url``'s host (after any pause) and sleep until it comes."""
        host = _host(url)
        self._row(host)
        found = self.db.row(
            "UPDATE pace SET next_slot = GREATEST(next_slot, NOW, paused_until) + ? WHERE host = ? "
            "RETURNING next_slot - ?, NOW",
            (self.interval, host, self.interval),
        )
        if found is not None:
            ahead = float(found[0]) - float(found[1])
            if ahead > 0:
                self.sleep(ahead)

    def slow_down(self, url: str, seconds: float) -> None:
        """No request to ``url``'s host from any worker for ``seconds``."""
        host = _host(url)
        self._row(host)
        self.db.run(
            "UPDATE pace SET paused_until = GREATEST(paused_until, NOW + ?) WHERE host = ?", (seconds, host)
        )


class LocalPace:
    """:class:`SharedPace` within this process (its threads)."""

    def __init__(
        self,
        per_second: float | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sleep, self.clock = sleep, clock
        self.interval = 1.0 / per_second if per_second else 0.0
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._paused: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = _host(url)
        with self._lock:
            now = self.clock()
            start = max(self._next.get(host, 0.0), now, self._paused.get(host, 0.0))
            self._next[host] = start + self.interval
        if start > now:
            self.sleep(start - now)

    def slow_down(self, url: str, seconds: float) -> None:
        host = _host(url)
        with self._lock:
            self._paused[host] = max(self._paused.get(host, 0.0), self.clock() + seconds)


__all__ = ["LocalPace", "SharedPace"]
