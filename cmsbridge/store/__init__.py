"""The store: the state a migration (its id map and work list) and the live outbox keep, in one schema,
in an SQLite file (embedded, the default) or a PostgreSQL database shared by processes on any number of
machines (``postgresql://...``; the password from the environment, never required in the URL).

- :mod:`.engine`: the two engines behind one :class:`~.engine.Database` (SQL in, rows out, a connection
  per thread, secrets kept out of reprs and errors);
- :mod:`.schema`: the one schema, versioned, created on first use and upgraded in place;
- :mod:`.work`: a work list whose items workers claim under leases that end when a worker dies;
- :mod:`.pace`: one request rate per host shared by every worker, and the pauses a host asks for.

It stands above the backends (the pace is a :class:`cmsbridge.http.Pace`) and below migration and live.
"""

from __future__ import annotations

import os

from . import schema
from .engine import PASSWORD_VARIABLE, Database, PostgresDatabase, SQLiteDatabase, is_url, open_database
from .pace import LocalPace, SharedPace
from .work import Waiting, WorkList, process_name


def open_store(where: str | os.PathLike[str]) -> Database:
    """The store ``where`` names (an SQLite file's path or a ``postgresql://`` URL), its schema brought
    to the current version."""
    db = open_database(where)
    try:
        schema.ensure(db)
    except BaseException:
        db.close()
        raise
    return db


__all__ = [
    "PASSWORD_VARIABLE",
    "Database",
    "LocalPace",
    "PostgresDatabase",
    "SQLiteDatabase",
    "SharedPace",
    "Waiting",
    "WorkList",
    "is_url",
    "open_database",
    "open_store",
    "process_name",
]
