"""The two engines behind the store: an SQLite file (embedded, the default) and a PostgreSQL database
(shared by processes on any number of machines), behind one small interface, :class:`Database`.

SQL is written once, in SQLite's spelling with ``?`` placeholders and a few words each engine spells its
own way (:data:`WORDS`: the database's clock ``NOW``, ``GREATEST``, column types); each engine translates it.
Every thread gets a connection of its own (workers are threads). A transaction that decides something
(:meth:`Database.transaction`) takes the write lock first: ``BEGIN IMMEDIATE`` on SQLite, a plain
transaction on PostgreSQL whose rows are locked by ``SELECT ... FOR UPDATE [SKIP LOCKED]``.

**Secrets.** A PostgreSQL URL may carry a password, but need not: libpq reads ``PGPASSWORD``, a service
file or ``~/.pgpass``, and ``CMSBRIDGE_STATE_PASSWORD`` is passed as the password when set. A password
given in the URL is registered with :func:`cmsbridge.errors.register_secret` and never kept where a repr,
a log line or an error could show it: the database is named by :attr:`Database.label` (the URL without
its password); errors are scrubbed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import OutboxError, redact_url, register_secret, scrub

PASSWORD_VARIABLE = "CMSBRIDGE_STATE_PASSWORD"
"""The environment variable whose value, when set, is the PostgreSQL password (beside libpq's own)."""

Row = tuple[Any, ...]

WORDS: dict[str, tuple[str, str]] = {
    # word in the SQL: (SQLite, PostgreSQL)
    "NOW": ("((julianday('now') - 2440587.5) * 86400.0)", "EXTRACT(EPOCH FROM clock_timestamp())::float8"),
    "GREATEST(": ("MAX(", "GREATEST("),
    "{real}": ("REAL", "DOUBLE PRECISION"),
    "{int}": ("INTEGER", "BIGINT"),
    "{serial}": ("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"),
}
"""What each engine calls a few things: the database's clock in seconds since the epoch (leases and
rate limits use the database's clock, one for every machine), the larger of values, column types."""


def is_url(where: str | os.PathLike[str]) -> bool:
    """Whether ``where`` names a PostgreSQL database (else it is an SQLite file's path)."""
    return isinstance(where, str) and where.split(":", 1)[0].lower() in ("postgresql", "postgres")


CACHE_KIB = 512
"""Each SQLite connection's page cache, in KiB (SQLite's default is 2 MiB): the state of a long migration is
read by key, so a small cache costs little, and memory stays flat as the state grows."""


class Database:
    """One store's database: SQL in, rows out, each thread on its own connection."""

    engine: str = ""
    """``"sqlite"`` or ``"postgresql"``."""

    def __init__(self, label: str) -> None:
        self.label = label
        """The database as it may be shown: the file's path, or the URL without its password."""
        self._local = threading.local()
        self._all: list[Any] = []
        self._guard = threading.Lock()
        self._sql_cache: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}>"

    # --- for subclasses ----------------------------------------------------------------------------------

    def _connect(self) -> Any:
        raise NotImplementedError

    def _translate(self, sql: str) -> str:
        raise NotImplementedError

    def _begin(self, conn: Any) -> None:
        raise NotImplementedError

    def _errors(self) -> tuple[type[BaseException], ...]:
        raise NotImplementedError

    # --- use ---------------------------------------------------------------------------------------------

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            errors: tuple[type[BaseException], ...] = (OSError, *self._errors())
            try:
                conn = self._connect()
            except errors as exc:
                raise self.error(f"cannot open the state {self.label}", exc) from None
            self._local.conn = conn
            with self._guard:
                self._all.append(conn)
        return conn

    def sql(self, text: str) -> str:
        """``text`` in this engine's spelling."""
        found = self._sql_cache.get(text)
        if found is None:
            found = self._sql_cache[text] = self._translate(text)
        return found

    def run(self, text: str, args: Sequence[object] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        return int(self._execute(text, args, lambda cur: cur.rowcount))

    def rows(self, text: str, args: Sequence[object] = ()) -> list[Row]:
        """Run one statement; every row it returned."""
        found: list[Row] = self._execute(
            text, args, lambda cur: [tuple(r) for r in cur.fetchall()] if cur.description is not None else []
        )
        return found

    def row(self, text: str, args: Sequence[object] = ()) -> Row | None:
        """Run one statement; its first row, or None."""
        found = self.rows(text, args)
        return found[0] if found else None

    def _execute(self, text: str, args: Sequence[object], read: Callable[[Any], Any]) -> Any:
        conn = self._conn()
        try:
            cur = conn.execute(self.sql(text), tuple(args))
            return read(cur)
        except self._errors() as exc:
            raise self.error(f"state {self.label}", exc) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction holding the write lock (SQLite) or the rows it locks (PostgreSQL); nested
        calls join the outer one."""
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        conn = self._conn()
        try:
            self._begin(conn)
        except self._errors() as exc:
            raise self.error(f"state {self.label}", exc) from None
        self._local.depth = 1
        try:
            yield
        except BaseException:
            self._local.depth = 0
            with contextlib.suppress(*self._errors()):
                conn.execute("ROLLBACK")
            raise
        self._local.depth = 0
        try:
            conn.execute("COMMIT")
        except self._errors() as exc:
            raise self.error(f"state {self.label}", exc) from None

    def columns(self, table: str) -> set[str]:
        """The columns ``table`` has (none: no such table)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close every thread's connection."""
        with self._guard:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._local = threading.local()

    def error(self, what: str, exc: BaseException) -> OutboxError:
        """An :class:`OutboxError` for ``exc``, secrets scrubbed."""
        detail = " ".join(str(exc).split())
        return OutboxError(scrub(f"{what}: {detail}" if detail else what))


class SQLiteDatabase(Database):
    """An SQLite file (WAL, mode 0600, created on first use)."""

    engine = "sqlite"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        super().__init__(str(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        except OSError as exc:
            raise self.error(f"cannot open the state {self.label}", exc) from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=60000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # a bounded page cache per connection
        return conn

    def _translate(self, sql: str) -> str:
        for word, (here, _) in WORDS.items():
            sql = sql.replace(word, here)
        return sql

    def _begin(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def columns(self, table: str) -> set[str]:
        return {str(r[1]) for r in self.rows(f"PRAGMA table_info({table})")}


class PostgresDatabase(Database):
    """A PostgreSQL database named by a ``postgresql://`` URL (psycopg 3)."""

    engine = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(redact_url(url))
        password = unquote(urlsplit(url).password or "")
        if password:
            register_secret(password)
        env_password = os.environ.get(PASSWORD_VARIABLE) or None
        if env_password:
            register_secret(env_password)
        self.__connect_args: tuple[str, str | None] = (url, env_password)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise OutboxError(
                "a postgresql:// state needs psycopg: pip install 'cmsbridge[postgres]'"
            ) from None

    def __getstate__(self) -> None:
        raise TypeError("a database connection is not pickled")  # nor is its password

    def _connect(self) -> Any:
        import psycopg

        url, password = self.__connect_args
        extra: dict[str, Any] = {"password": password} if password else {}
        return psycopg.connect(url, autocommit=True, connect_timeout=30, **extra)

    def _translate(self, sql: str) -> str:
        sql = sql.replace("%", "%%")
        for word, (_, here) in WORDS.items():
            sql = sql.replace(word, here)
        return sql.replace("?", "%s")

    def _begin(self, conn: Any) -> None:
        conn.execute("BEGIN")

    def _errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.Error,)

    def columns(self, table: str) -> set[str]:
        found = self.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?",
            (table,),
        )
        return {str(r[0]) for r in found}

    def lock(self, key: str) -> None:
        """Hold PostgreSQL's advisory lock named ``key`` until the transaction ends (one per post, one for
        the schema): call inside :meth:`transaction`."""
        self.run("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (key,))


def open_database(where: str | os.PathLike[str]) -> Database:
    """The database ``where`` names: a ``postgresql://`` URL, else an SQLite file's path."""
    if is_url(where):
        return PostgresDatabase(str(where))
    return SQLiteDatabase(where)


__all__ = ["PASSWORD_VARIABLE", "Database", "PostgresDatabase", "SQLiteDatabase", "is_url", "open_database"]
