"""Engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Pick the psycopg 3 driver for bare ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


#: Bytes of a SQLite database file read through mmap (address space, not memory).
SQLITE_MMAP_SIZE = 1 << 30


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Reads through a memory map (shared with the OS page cache) instead of read() calls.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_SIZE}")
    cursor.close()


def _sqlite_begin_before_savepoint(connection: Connection, _name: str | None) -> None:
    """Open a real SQLite transaction before the first SAVEPOINT.

    pysqlite only issues BEGIN before INSERT/UPDATE/DELETE. A SAVEPOINT sent first would open
    the transaction itself, and releasing it would COMMIT: a later rollback of the outer
    transaction would then lose nothing it should. BEGIN IMMEDIATE also takes the write lock
    up front (waiting up to the busy timeout) instead of failing on a stale read snapshot.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout, sound savepoints."""
    url = normalize_url(url)
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with session_factory(engine).begin() as session:
        yield session


#: PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock detected.
RETRYABLE_SQLSTATES = {"40001", "40P01"}


def is_retryable(error: BaseException) -> bool:
    """Whether ``error`` is a transient conflict between concurrent transactions."""
    if not isinstance(error, DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def retry_on_conflict(work: Callable[[], T], *, attempts: int = 5, backoff: float = 0.05) -> T:
    """Call ``work()``, again after a pause when it fails on a transient conflict.

    ``work`` must be safe to run again: a failed attempt's transaction was rolled back.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not is_retryable(error):
                raise
            time.sleep(backoff * attempt * (1 + random.random()))
    raise AssertionError("unreachable")


def run_in_transaction(
    engine: Engine, work: Callable[[Session], T], *, attempts: int = 5, backoff: float = 0.05
) -> T:
    """Run ``work(session)`` in a transaction, retrying it on deadlocks and lock timeouts.

    ``work`` must be safe to run again (every store function is): a retried attempt starts
    from a rolled-back state.
    """

    def attempt() -> T:
        with transaction(engine) as session:
            return work(session)

    return retry_on_conflict(attempt, attempts=attempts, backoff=backoff)
