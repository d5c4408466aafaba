"""Engine, sessions and the typed declarative Base shared by every model.

SQLite gets WAL mode, a busy timeout and enforced foreign keys on every connection, because the
daemon, a crawl child and the CLI write to one file at the same time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

BUSY_TIMEOUT_MS = 15_000
CACHE_KIB = 64 * 1024
MMAP_BYTES = 256 * 1024 * 1024
SQLITE_POOL = 16

# Named constraints keep Alembic diffs and SQLite batch rebuilds stable.
NAMING = {
    "ix": "ix_%(table_name)s__%(column_0_N_name)s",
    "uq": "uq_%(table_name)s__%(column_0_N_name)s",
    "ck": "ck_%(table_name)s__%(constraint_name)s",
    "fk": "fk_%(table_name)s__%(column_0_name)s__%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The databases the schema and its migrations are written and tested for.
DIALECTS = ("sqlite", "postgresql")
URL_FORMS = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"


class DatabaseUnavailable(Exception):
    """The archive cannot be opened at all: a malformed or unsupported database URL, a missing
    driver, a file that is not SQLite. The message says which, without the URL's password."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out — SQLite would silently drop the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a tz-aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON,
    }


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")  # the first statement to read the file
    except sqlite3.DatabaseError as err:
        if str(err) != "file is not a database":
            raise
        raise DatabaseUnavailable(f"{_database_file(dbapi_conn)} is not a SQLite database "
                                  f"(set COOPWATCH_DATABASE_URL to the archive)") from err
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses no committed txn
    # SQLite's default page cache is 2 MB: a 1M-item archive's indexes then come from the OS on
    # every lookup. 64 MB of cache and memory-mapped reads per connection (bench/).
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cur.close()


def _database_file(dbapi_conn: Any) -> str:
    return next((row[2] for row in dbapi_conn.execute("PRAGMA database_list")
                 if row[1] == "main"), "the database file")


def parse_url(url: str) -> URL:
    """The URL of a database coopwatch can use, or DatabaseUnavailable saying what is wrong."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:  # the text is not shown: it may hold a password
        raise DatabaseUnavailable("the database URL (COOPWATCH_DATABASE_URL) is not a URL: "
                                  f"use {URL_FORMS}") from err
    if parsed.get_backend_name() not in DIALECTS:
        raise DatabaseUnavailable(f"unsupported database {parsed.get_backend_name()!r} in the "
                                  f"database URL (COOPWATCH_DATABASE_URL): use {URL_FORMS}")
    return parsed


def make_engine(url: str, *, one_connection: bool = False) -> Engine:
    """Create an engine; for SQLite, create the parent directory and set the pragmas.
    DatabaseUnavailable for a URL coopwatch cannot use.

    `one_connection`: every checkout gets the same connection (StaticPool), so a checkout never
    waits — for a caller that never uses it from two threads at once (the feed server's event
    loop, which must not block on a pool other threads have exhausted)."""
    parsed = parse_url(url)
    pool: dict[str, Any] = {"poolclass": StaticPool} if one_connection else {}
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        db = parsed.database
        if db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # A pool as large as the feed server's usual concurrency: past pool_size, every
        # request opens and closes its own connection (pragmas and all; bench/feed.py).
        engine = _create(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                         **pool or {"pool_size": SQLITE_POOL, "max_overflow": SQLITE_POOL})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return _create(url, pool_pre_ping=True, **pool)


def _create(url: str, **kwargs: Any) -> Engine:
    try:
        return create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as err:  # e.g. postgresql+asyncpg, not installed
        raise DatabaseUnavailable(f"no driver {make_url(url).drivername!r} for the database "
                                  f"URL: use {URL_FORMS}") from err


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL per process (engines own the connection pool)."""
    return make_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with session_factory(url)() as session, session.begin():
        yield session
