"""The migration state: which target post each source post became, where each copied image went, which
migrated posts still link to source posts not migrated yet, which comment each source comment became,
and which creates were begun (the slug each was
sent with) but not recorded as done: what lets a re-run after a crash adopt only a post this migration made.

One SQLite file (WAL, mode 0600) per user by default; it survives crashes and Ctrl-C, which is what makes
``cmsbridge migrate`` resumable. Files written by an earlier version (without the links, without the
comments) are upgraded in place when opened.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..backends.base import Fetched
from ..errors import OutboxError
from .links import normalize

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mapping (
    source_site TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_site TEXT NOT NULL,
    target_id TEXT NOT NULL,
    source_version TEXT NOT NULL,
    source_modified TEXT,
    slug TEXT,
    migrated REAL NOT NULL,
    PRIMARY KEY (source_site, source_id, target_site)
);
CREATE TABLE IF NOT EXISTS media (
    source_url TEXT NOT NULL,
    target_site TEXT NOT NULL,
    target_url TEXT NOT NULL,
    target_id TEXT,
    PRIMARY KEY (source_url, target_site)
);
CREATE TABLE IF NOT EXISTS creating (
    source_site TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_site TEXT NOT NULL,
    slug TEXT NOT NULL,
    started REAL NOT NULL,
    PRIMARY KEY (source_site, source_id, target_site)
);
CREATE TABLE IF NOT EXISTS pending_links (
    source_site TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_site TEXT NOT NULL,
    links TEXT NOT NULL,
    PRIMARY KEY (source_site, source_id, target_site)
);
CREATE TABLE IF NOT EXISTS comments (
    source_site TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_comment TEXT NOT NULL,
    target_site TEXT NOT NULL,
    target_comment TEXT NOT NULL,
    PRIMARY KEY (source_site, source_id, source_comment, target_site)
);
"""
_LINK_COLUMNS = ("source_link", "source_key", "target_link", "links")


@dataclass(frozen=True)
class Mapped:
    target_id: str
    source_version: str
    has_links: bool = False
    """Both addresses are recorded (an id map from before they were kept lacks them)."""
    links: str | None = None
    """How the post's links were written: ``"rewrite"``, ``"keep"``, or None when not recorded."""


@dataclass(frozen=True)
class Redirect:
    """A migrated post's address on the source site and on the target site."""

    source_id: str
    source_link: str
    target_link: str


class IdMap:
    """The id map at ``path`` (SQLite, WAL, created on first use with mode 0600)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            self.db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_SCHEMA)
            have = {row[1] for row in self.db.execute("PRAGMA table_info(mapping)")}
            for column in _LINK_COLUMNS:
                if column not in have:
                    self.db.execute(f"ALTER TABLE mapping ADD COLUMN {column} TEXT")
            if "target_id" not in {row[1] for row in self.db.execute("PRAGMA table_info(media)")}:
                self.db.execute("ALTER TABLE media ADD COLUMN target_id TEXT")  # an older map
            self.db.execute(
                "CREATE INDEX IF NOT EXISTS mapping_by_link ON mapping (source_site, target_site, source_key)"
            )
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(f"cannot open the migration state {self.path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def get(self, source_site: str, source_id: str, target_site: str) -> Mapped | None:
        row = self._run(
            "SELECT target_id, source_version, source_link IS NOT NULL AND target_link IS NOT NULL, links "
            "FROM mapping WHERE source_site = ? AND source_id = ? AND target_site = ?",
            (source_site, source_id, target_site),
        ).fetchone()
        if row is None:
            return None
        return Mapped(str(row[0]), str(row[1]), bool(row[2]), str(row[3]) if row[3] else None)

    def record(
        self,
        source_site: str,
        fetched: Fetched,
        target_site: str,
        target_id: str,
        *,
        version: str | None = None,
        target_link: str | None = None,
        links: str | None = None,
    ) -> None:
        """Map the source post to ``target_id`` as migrated at ``version`` (default: the fetched one), with
        both addresses when known (for rewriting links and for redirects) and how its links were written
        (``"rewrite"`` or ``"keep"``). A create begun for it (:meth:`begin_create`) is over."""
        modified = fetched.post.modified.isoformat() if fetched.post.modified else None
        source_link = fetched.ref.link
        self._run(
            "INSERT OR REPLACE INTO mapping (source_site, source_id, target_site, target_id, source_version, "
            "source_modified, slug, migrated, source_link, source_key, target_link, links) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_site,
                fetched.ref.id,
                target_site,
                target_id,
                fetched.version.token if version is None else version,
                modified,
                fetched.post.slug,
                time.time(),
                source_link,
                normalize(source_link) if source_link else None,
                target_link,
                links,
            ),
        )
        self._run(
            "DELETE FROM creating WHERE source_site = ? AND source_id = ? AND target_site = ?",
            (source_site, fetched.ref.id, target_site),
        )

    def begin_create(self, source_site: str, source_id: str, target_site: str, slug: str) -> None:
        """Record, before sending it, that the source post is about to be created on the target under
        ``slug`` (a slug no post on the target had then)."""
        self._run(
            "INSERT OR REPLACE INTO creating (source_site, source_id, target_site, slug, started) "
            "VALUES (?, ?, ?, ?, ?)",
            (source_site, source_id, target_site, slug, time.time()),
        )

    def begun_create(self, source_site: str, source_id: str, target_site: str) -> str | None:
        """The slug of a create begun for the source post and never recorded as done (a crash), or None."""
        row = self._run(
            "SELECT slug FROM creating WHERE source_site = ? AND source_id = ? AND target_site = ?",
            (source_site, source_id, target_site),
        ).fetchone()
        return str(row[0]) if row else None

    def set_links(
        self, source_site: str, source_id: str, target_site: str, source_link: str, target_link: str
    ) -> None:
        """Record both addresses of an already mapped post."""
        self._run(
            "UPDATE mapping SET source_link = ?, source_key = ?, target_link = ? "
            "WHERE source_site = ? AND source_id = ? AND target_site = ?",
            (source_link, normalize(source_link), target_link, source_site, source_id, target_site),
        )

    def forget(self, source_site: str, source_id: str, target_site: str) -> None:
        """Forget the source post's mapping and its comments' (the target post is gone)."""
        for table in ("mapping", "comments"):
            self._run(
                f"DELETE FROM {table} WHERE source_site = ? AND source_id = ? AND target_site = ?",
                (source_site, source_id, target_site),
            )

    def comments(self, source_site: str, source_id: str, target_site: str) -> dict[str, str]:
        """The comments of the source post already written to the target: source id -> target id."""
        rows = self._run(
            "SELECT source_comment, target_comment FROM comments WHERE source_site = ? AND source_id = ? "
            "AND target_site = ?",
            (source_site, source_id, target_site),
        )
        return {str(source): str(target) for source, target in rows.fetchall()}

    def record_comment(
        self, source_site: str, source_id: str, target_site: str, source_comment: str, target_comment: str
    ) -> None:
        """Map a comment of the source post to the comment written for it on the target."""
        self._run(
            "INSERT OR REPLACE INTO comments (source_site, source_id, source_comment, target_site, "
            "target_comment) VALUES (?, ?, ?, ?, ?)",
            (source_site, source_id, source_comment, target_site, target_comment),
        )

    def target_link(self, source_site: str, target_site: str, source_link: str) -> str | None:
        """The target address of the migrated post whose source address is ``source_link``."""
        row = self._run(
            "SELECT target_link FROM mapping WHERE source_site = ? AND target_site = ? AND source_key = ? "
            "AND target_link IS NOT NULL",
            (source_site, target_site, normalize(source_link)),
        ).fetchone()
        return str(row[0]) if row else None

    def target_link_of(self, source_site: str, target_site: str, source_id: str) -> str | None:
        """The target address of the migrated source post ``source_id``."""
        row = self._run(
            "SELECT target_link FROM mapping WHERE source_site = ? AND source_id = ? AND target_site = ?",
            (source_site, source_id, target_site),
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    def source_hosts(self, source_site: str, target_site: str) -> set[str]:
        """The hosts of the migrated posts' source addresses (which links point into the source site)."""
        from urllib.parse import urlsplit

        rows = self._run(
            "SELECT DISTINCT source_link FROM mapping WHERE source_site = ? AND target_site = ? "
            "AND source_link IS NOT NULL",
            (source_site, target_site),
        )
        return {urlsplit(str(link)).netloc.lower() for (link,) in rows} - {""}

    def redirects(self, source_site: str, target_site: str) -> Iterator[Redirect]:
        """Every migrated post with both addresses, in source id order."""
        rows = self._run(
            "SELECT source_id, source_link, target_link FROM mapping WHERE source_site = ? "
            "AND target_site = ? AND source_link IS NOT NULL AND target_link IS NOT NULL ORDER BY source_id",
            (source_site, target_site),
        )
        for source_id, source_link, target_link in rows.fetchall():
            yield Redirect(str(source_id), str(source_link), str(target_link))

    def set_pending(self, source_site: str, source_id: str, target_site: str, links: list[str]) -> None:
        """Remember the links of this migrated post to source posts not migrated yet (none: forget it)."""
        if links:
            self._run(
                "INSERT OR REPLACE INTO pending_links (source_site, source_id, target_site, links) "
                "VALUES (?, ?, ?, ?)",
                (source_site, source_id, target_site, json.dumps(sorted(set(links)))),
            )
        else:
            self._run(
                "DELETE FROM pending_links WHERE source_site = ? AND source_id = ? AND target_site = ?",
                (source_site, source_id, target_site),
            )

    def pending(self, source_site: str, target_site: str) -> list[tuple[str, list[str]]]:
        """The migrated posts (source ids) with links to source posts not migrated yet, and those links."""
        rows = self._run(
            "SELECT source_id, links FROM pending_links WHERE source_site = ? AND target_site = ? "
            "ORDER BY source_id",
            (source_site, target_site),
        )
        return [(str(source_id), list(json.loads(links))) for source_id, links in rows.fetchall()]

    def media(self, target_site: str) -> CopiedMedia:
        """Where the images copied to ``target_site`` went (``migrate(media="copy")``)."""
        return CopiedMedia(self, target_site)

    def _run(self, sql: str, args: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, args)
        except sqlite3.Error as exc:
            raise OutboxError(f"migration state {self.path}: {exc}") from None


@dataclass(frozen=True)
class CopiedMedia:
    ids: IdMap
    target_site: str

    def get(self, source: str) -> str | None:
        row = self.ids._run(
            "SELECT target_url FROM media WHERE source_url = ? AND target_site = ?",
            (source, self.target_site),
        ).fetchone()
        return str(row[0]) if row else None

    def target_id(self, source: str) -> str | None:
        row = self.ids._run(
            "SELECT target_id FROM media WHERE source_url = ? AND target_site = ?",
            (source, self.target_site),
        ).fetchone()
        return str(row[0]) if row and row[0] is not None else None

    def put(self, source: str, target: str, target_id: str | None = None) -> None:
        self.ids._run(
            "INSERT OR REPLACE INTO media (source_url, target_site, target_url, target_id) "
            "VALUES (?, ?, ?, ?)",
            (source, self.target_site, target, target_id),
        )


__all__ = ["CopiedMedia", "IdMap", "Mapped", "Redirect"]
