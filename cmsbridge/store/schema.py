"""The store's one schema, for both engines, versioned: ``cmsbridge_schema`` holds the version a database
is at; :func:`ensure` brings it to :data:`VERSION` on first use, step by step, in place.

A step is idempotent (``CREATE ... IF NOT EXISTS``, a column added only when missing), so an SQLite state
file written before the schema was versioned (the id map of earlier versions, without the version table
and with or without its later columns) is upgraded by running every step. Steps run in one transaction
holding the write lock (SQLite) or an advisory lock (PostgreSQL): processes starting together upgrade
once.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import OutboxError
from .engine import Database, PostgresDatabase

_ID_MAP = """
CREATE TABLE IF NOT EXISTS mapping (
    source_site TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_site TEXT NOT NULL,
    target_id TEXT NOT NULL,
    source_version TEXT NOT NULL,
    source_modified TEXT,
    slug TEXT,
    migrated {real} NOT NULL,
    source_link TEXT,
    source_key TEXT,
    target_link TEXT,
    links TEXT,
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
    started {real} NOT NULL,
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
CREATE INDEX IF NOT EXISTS mapping_by_link ON mapping (source_site, target_site, source_key);
"""

_LATER_COLUMNS = {
    # columns an id map of an earlier version may lack
    "mapping": ("source_link", "source_key", "target_link", "links"),
    "media": ("target_id",),
}

_WORK = """
CREATE TABLE IF NOT EXISTS work (
    job TEXT NOT NULL,
    item TEXT NOT NULL,
    position {int} NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL,
    claimed_by TEXT,
    lease_until {real},
    attempts {int} NOT NULL DEFAULT 0,
    outcome TEXT,
    updated {real} NOT NULL,
    PRIMARY KEY (job, item)
);
CREATE INDEX IF NOT EXISTS work_to_do ON work (job, status, position);
CREATE TABLE IF NOT EXISTS pace (
    host TEXT PRIMARY KEY,
    next_slot {real} NOT NULL,
    paused_until {real} NOT NULL
);
"""


_OUTBOX = """
CREATE TABLE IF NOT EXISTS entries (
    seq {serial},
    site TEXT NOT NULL,
    post TEXT NOT NULL,
    op TEXT NOT NULL,
    update_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT,
    created {real} NOT NULL,
    updated {real} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    exit_code INTEGER
);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (state, site, post, seq);
CREATE TABLE IF NOT EXISTS turn_notes (
    post_key TEXT PRIMARY KEY,
    note TEXT NOT NULL
);
"""


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _id_map(db: Database) -> None:
    """Version 1: the migration's id map, as kept before the schema was versioned (older files get the
    columns added since)."""
    for statement in _statements(_ID_MAP):
        if statement.startswith("CREATE INDEX"):
            continue  # after the columns it indexes exist
        db.run(statement)
    for table, columns in _LATER_COLUMNS.items():
        have = db.columns(table)
        for column in columns:
            if column not in have:
                db.run(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
    for statement in _statements(_ID_MAP):
        if statement.startswith("CREATE INDEX"):
            db.run(statement)


def _work_list(db: Database) -> None:
    """Version 2: the work list (items claimed under a lease, their outcomes) and the pace per host."""
    for statement in _statements(_WORK):
        db.run(statement)


def _outbox(db: Database) -> None:
    """Version 3: the live outbox (its entries, as the SQLite outbox kept them before it joined the
    store: an outbox file of earlier versions is upgraded in place) and the notes a post's turn carries
    from one holder to the next (:mod:`cmsbridge.store.turns`)."""
    for statement in _statements(_OUTBOX):
        db.run(statement)


STEPS: tuple[Callable[[Database], None], ...] = (_id_map, _work_list, _outbox)
"""Step n brings a database from version n-1 to version n."""
VERSION = len(STEPS)


def version(db: Database) -> int:
    """The version ``db`` is at (0: none recorded, or an empty database)."""
    if not db.columns("cmsbridge_schema"):
        return 0
    found = db.row("SELECT MAX(version) FROM cmsbridge_schema")
    return int(found[0]) if found and found[0] is not None else 0


def ensure(db: Database) -> None:
    """Bring ``db`` to :data:`VERSION` (created on first use, upgraded in place)."""
    if version(db) == VERSION:
        return  # the common case, without taking a lock
    with db.transaction():
        if isinstance(db, PostgresDatabase):
            db.lock("cmsbridge schema")
        db.run("CREATE TABLE IF NOT EXISTS cmsbridge_schema (version INTEGER NOT NULL)")
        at = version(db)
        if at > VERSION:
            raise OutboxError(
                f"the state {db.label} is at schema version {at}, newer than this cmsbridge's ({VERSION}):"
                " upgrade cmsbridge"
            )
        for step in STEPS[at:]:
            step(db)
        db.run("DELETE FROM cmsbridge_schema")
        db.run("INSERT INTO cmsbridge_schema (version) VALUES (?)", (VERSION,))


__all__ = ["STEPS", "VERSION", "ensure", "version"]
