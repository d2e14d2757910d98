"""The migration state: which target post each source post became, where each copied image went, which
migrated posts still link to source posts not migrated yet, which comment each source comment became,
and which creates were begun (the slug each was
sent with) but not recorded as done: what lets a re-run after a crash adopt only a post this migration made.

Kept in the store (:mod:`cmsbridge.store`): one SQLite file (WAL, mode 0600) per user by default, or a
PostgreSQL database shared by workers on several machines (``postgresql://...``); it survives crashes
and Ctrl-C, which is what makes ``cmsbridge migrate`` resumable. Files written by an earlier version
(without the links, without the comments, without the schema's version) are upgraded in place when
opened. Every thread may use one :class:`IdMap` (each has its own connection).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..backends.base import Fetched
from ..store import Database, open_store
from .links import normalize


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
    """The id map in the store ``state`` names (an SQLite file's path, created on first use with mode
    0600, or a ``postgresql://`` URL)."""

    def __init__(self, state: str | os.PathLike[str] | Database) -> None:
        self.db = state if isinstance(state, Database) else open_store(state)
        self.label = self.db.label

    def __repr__(self) -> str:
        return f"<IdMap in {self.label}>"

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
            "INSERT INTO mapping (source_site, source_id, target_site, target_id, source_version, "
            "source_modified, slug, migrated, source_link, source_key, target_link, links) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (source_site, source_id, target_site) DO UPDATE SET target_id = excluded.target_id, "
            "source_version = excluded.source_version, source_modified = excluded.source_modified, "
            "slug = excluded.slug, migrated = excluded.migrated, source_link = excluded.source_link, "
            "source_key = excluded.source_key, target_link = excluded.target_link, links = excluded.links",
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
            "INSERT INTO creating (source_site, source_id, target_site, slug, started) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source_site, source_id, target_site) DO UPDATE SET slug = excluded.slug, "
            "started = excluded.started",
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
            "INSERT INTO comments (source_site, source_id, source_comment, target_site, target_comment) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_site, source_id, source_comment, target_site) "
            "DO UPDATE SET target_comment = excluded.target_comment",
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
                "INSERT INTO pending_links (source_site, source_id, target_site, links) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source_site, source_id, target_site) DO UPDATE SET links = excluded.links",
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
        return [(str(source_id), list(json.loads(str(links)))) for source_id, links in rows.fetchall()]

    def media(self, target_site: str) -> CopiedMedia:
        """Where the images copied to ``target_site`` went (``migrate(media="copy")``)."""
        return CopiedMedia(self, target_site)

    def _run(self, sql: str, args: tuple[object, ...]) -> _Result:
        return _Result(self.db.rows(sql, args))


class _Result:
    """The rows a statement returned, read as from a cursor."""

    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple[object, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[object, ...]]:
        return self._rows

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        return iter(self._rows)


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
            "INSERT INTO media (source_url, target_site, target_url, target_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source_url, target_site) DO UPDATE SET target_url = excluded.target_url, "
            "target_id = excluded.target_id",
            (source, self.target_site, target, target_id),
        )


__all__ = ["CopiedMedia", "IdMap", "Mapped", "Redirect"]
