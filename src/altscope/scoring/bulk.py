"""Bulk reads and writes for the full rescore: columns straight into numpy, rows straight out.

SQLite is read with the raw DBAPI cursor in ``fetchmany`` chunks (the five mention columns packed
into three integers in SQL: fewer Python objects made per row); PostgreSQL with
``COPY ... TO STDOUT (FORMAT binary)``, whose fixed-width rows numpy parses in place. Columns are
filled in place into arrays sized from ``MAX(id)``. Results are written with ``executemany``
(SQLite, in a writer thread fed batches while the next rows are built) or
``COPY ... FROM STDIN`` (PostgreSQL, psycopg's queued writer).
"""

from __future__ import annotations

import queue
import sqlite3
import struct
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection

CHUNK = 500_000

#: Mention columns: id, output, source, actor (-1 none), time (epoch seconds, occurred_at, else
#: harvested_at, rounded down). ``{time}`` is the backend's epoch expression.
MENTION_COLUMNS = (
    "CAST(m.id AS BIGINT), CAST(m.output_id AS BIGINT), CAST(m.source_id AS BIGINT), "
    "CAST(COALESCE(m.actor_id, -1) AS BIGINT), {time}"
)


def dialect(connection: Connection) -> str:
    return connection.dialect.name


def epoch_sql(connection: Connection, column: str) -> str:
    """SQL for ``column`` (a UTC timestamp) as whole epoch seconds (rounded down)."""
    if dialect(connection) == "postgresql":
        return f"CAST(floor(extract(epoch FROM {column})) AS BIGINT)"
    if sqlite3.sqlite_version_info >= (3, 38, 0):
        return f"unixepoch({column})"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def day_sql(connection: Connection, column: str) -> str:
    """SQL for ``column`` (a DATE) as days since 1970-01-01, -1 when NULL."""
    if dialect(connection) == "postgresql":
        return f"COALESCE({column} - DATE '1970-01-01', -1)"
    return f"COALESCE(CAST(julianday({column}) - 2440587.5 AS INTEGER), -1)"


def mention_query(connection: Connection, where: str = "") -> str:
    time = epoch_sql(connection, "COALESCE(m.occurred_at, m.harvested_at)")
    columns = MENTION_COLUMNS.format(time=time)
    return f"SELECT {columns} FROM mentions m WHERE m.removed_at IS NULL {where}"


def mention_columns(connection: Connection) -> list[np.ndarray]:
    """All non-removed mentions' (id, output, source, actor, time) columns (see MENTION_COLUMNS).

    On SQLite, where every value read becomes a Python object first, the columns are packed two
    by two into three integers when the ids are small enough (checked on the indexes).
    """
    high = connection.exec_driver_sql("SELECT MAX(id) FROM mentions").scalar() or 0
    if dialect(connection) == "sqlite":
        limits = connection.exec_driver_sql(
            "SELECT (SELECT MAX(source_id) FROM mentions), (SELECT MAX(output_id) FROM mentions),"
            " (SELECT MAX(actor_id) FROM mentions)"
        ).one()
        source_max, output_max, actor_max = (v or 0 for v in limits)
        if (
            high < 1 << 47
            and source_max < 1 << 16
            and output_max < 1 << 33
            and actor_max + 1 < 1 << 30
        ):
            time = epoch_sql(connection, "COALESCE(m.occurred_at, m.harvested_at)")
            sql = (
                "SELECT (m.id << 16) | m.source_id, "
                "(m.output_id << 30) | (COALESCE(m.actor_id, -1) + 1), "
                f"{time} FROM mentions m WHERE m.removed_at IS NULL"
            )
            packed, pair, times = int_columns(connection, sql, 3, capacity=int(high))
            mention = packed >> 16
            source = packed & 0xFFFF
            del packed
            output = pair >> 30
            actor = (pair & ((1 << 30) - 1)) - 1
            del pair
            return [mention, output, source, actor, times]
    return int_columns(connection, mention_query(connection), 5, capacity=int(high))


def _dbapi(connection: Connection) -> Any:
    return connection.connection.dbapi_connection


def int_columns(
    connection: Connection,
    sql: str,
    ncols: int,
    params: Sequence[Any] = (),
    *,
    small: bool = False,
    capacity: int = 0,
) -> list[np.ndarray]:
    """The columns (int64 arrays) of a query whose columns are all non-NULL integers.

    ``small``: a few rows (one output's mentions): a plain query, no COPY. ``capacity``: the
    expected number of rows (the columns are filled in place, without a second copy).
    """
    raw = _dbapi(connection)
    if dialect(connection) == "postgresql" and not small:
        chunks = _pg_copy_ints(raw, sql, ncols)
    else:
        chunks = _cursor_ints(raw, sql, ncols, params)
    columns = [np.empty(max(capacity, 0), dtype=np.int64) for _ in range(ncols)]
    filled = 0
    for chunk in chunks:
        end = filled + len(chunk)
        if end > len(columns[0]):
            size = max(end, 2 * len(columns[0]))
            columns = [np.resize(c, size) for c in columns]
        for i in range(ncols):
            columns[i][filled:end] = chunk[:, i]
        filled = end
        del chunk
    return [c[:filled].copy() if filled < len(c) // 2 else c[:filled] for c in columns]


def _cursor_ints(raw: Any, sql: str, ncols: int, params: Sequence[Any]) -> Iterator[np.ndarray]:
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield np.array(rows, dtype=np.int64).reshape(-1, ncols)
            del rows
    finally:
        cursor.close()


_PG_HEADER = 19  # signature (11) + flags (4) + header extension length (4)


def _pg_copy_ints(raw: Any, sql: str, ncols: int) -> Iterator[np.ndarray]:
    """``COPY (sql) TO STDOUT (FORMAT binary)`` of BIGINT columns, parsed with numpy.

    Rows arrive as one small message each: they are gathered into blocks of a few megabytes,
    each parsed at once as fixed-width records.
    """
    fields = [("n", ">i2")]
    for i in range(ncols):
        fields += [(f"len{i}", ">i4"), (f"v{i}", ">i8")]
    dtype = np.dtype(fields)
    chunks: list[np.ndarray] = []
    gathered: list[bytes] = []
    size = 0
    pending = b""
    header_done = False

    def parse() -> None:
        nonlocal pending, header_done
        data = pending + b"".join(gathered)
        gathered.clear()
        if not header_done:
            if len(data) < _PG_HEADER:
                pending = data
                return
            data = data[_PG_HEADER:]
            header_done = True
        whole = len(data) // dtype.itemsize * dtype.itemsize
        if whole:
            rows = np.frombuffer(data, dtype=dtype, count=whole // dtype.itemsize)
            chunks.append(_pg_values(rows, ncols))
        pending = data[whole:]

    copy_sql = f"COPY ({sql}) TO STDOUT (FORMAT binary)"
    with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for block in copy:
            gathered.append(bytes(block))
            size += len(block)
            if size >= _PG_BLOCK:
                parse()
                size = 0
                yield from chunks
                chunks.clear()
    parse()
    yield from chunks
    # What is left is the trailer (int16 -1).
    if pending != struct.pack(">h", -1):
        raise RuntimeError("unexpected end of a binary COPY")


_PG_BLOCK = 8 << 20


def _pg_values(rows: np.ndarray, ncols: int) -> np.ndarray:
    if (rows["n"] != ncols).any() or any((rows[f"len{i}"] != 8).any() for i in range(ncols)):
        raise RuntimeError("binary COPY: expected non-NULL BIGINT columns")
    out = np.empty((len(rows), ncols), dtype=np.int64)
    for i in range(ncols):
        out[:, i] = rows[f"v{i}"]
    return out


def fetch_rows(connection: Connection, sql: str, params: Any = ()) -> Iterator[tuple]:
    """Rows of a query through the raw cursor, in chunks (for columns that are not integers)."""
    cursor = _dbapi(connection).cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows
    finally:
        cursor.close()


def placeholder(connection: Connection) -> str:
    return "%s" if dialect(connection) == "postgresql" else "?"


def write_rows(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
    before: tuple[str, Sequence[Any]] | None = None,
) -> int:
    """Insert ``rows`` into ``table`` fast (COPY on PostgreSQL, executemany on SQLite).

    ``before``: a statement (SQL, parameters) to run first, such as deleting the rows being
    replaced; on SQLite it runs in the writer thread while the first rows are being built.

    The database work runs in a second thread while this one builds the rows (both backends
    release the GIL while they work): PostgreSQL through psycopg's queued COPY writer, SQLite
    through batches handed to a writer thread.
    """
    raw = _dbapi(connection)
    names = ", ".join(columns)
    count = 0
    if dialect(connection) == "postgresql":
        from psycopg.copy import QueuedLibpqWriter

        with raw.cursor() as cursor:
            if before is not None:
                cursor.execute(*before)
            sql = f"COPY {table} ({names}) FROM STDIN"
            with cursor.copy(sql, writer=QueuedLibpqWriter(cursor)) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if progress is not None and count % CHUNK == 0:
                        progress(count)
        return count
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    batches: queue.Queue[list | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def work() -> None:
        cursor = raw.cursor()
        try:
            if before is not None:
                cursor.execute(*before)
            while (batch := batches.get()) is not None:
                if not failure:
                    cursor.executemany(sql, batch)
        except BaseException as error:  # handed to the caller below
            failure.append(error)
            while batches.get() is not None:
                pass
        finally:
            cursor.close()

    writer = threading.Thread(target=work, name="altscope-write", daemon=True)
    writer.start()
    try:
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= WRITE_CHUNK:
                batches.put(batch)
                count += len(batch)
                batch = []
                if failure:
                    break
                if progress is not None:
                    progress(count)
        if batch and not failure:
            batches.put(batch)
            count += len(batch)
    finally:
        batches.put(None)
        writer.join()
    if failure:
        raise failure[0]
    return count


WRITE_CHUNK = 50_000


def update_actor_stats(
    connection: Connection, rows: Sequence[tuple[int, int, int, float | None, Any]]
) -> int:
    """Set (id, mention_count, output_count, top_publisher_share, stats_at) of actors."""
    if not rows:
        return 0
    raw = _dbapi(connection)
    if dialect(connection) == "postgresql":
        with raw.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE altscope_actor_stats (id BIGINT, mention_count BIGINT, "
                "output_count BIGINT, top_publisher_share DOUBLE PRECISION, "
                "stats_at TIMESTAMPTZ) ON COMMIT DROP"
            )
            with cursor.copy("COPY altscope_actor_stats FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE actors a SET mention_count = s.mention_count, "
                "output_count = s.output_count, top_publisher_share = s.top_publisher_share, "
                "stats_at = s.stats_at FROM altscope_actor_stats s WHERE a.id = s.id"
            )
        return len(rows)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            "UPDATE actors SET mention_count = ?, output_count = ?, top_publisher_share = ?, "
            "stats_at = ? WHERE id = ?",
            [(m, o, s, at, i) for i, m, o, s, at in rows],
        )
    finally:
        cursor.close()
    return len(rows)


def timestamp_value(connection: Connection) -> Callable[[Any], Any]:
    """How a UTC datetime is written raw: SQLite text like SQLAlchemy's, PostgreSQL as is."""
    if dialect(connection) == "postgresql":
        return lambda value: value
    return lambda value: None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def delete_version_sql(connection: Connection, table: str, version: str) -> tuple[str, tuple]:
    """The statement deleting ``table``'s rows of rules version ``version``."""
    return f"DELETE FROM {table} WHERE rules_version = {placeholder(connection)}", (version,)


#: SQLite page cache of the rescore's connection while it writes (KiB; the default is 2 MB).
BULK_CACHE_KIB = 256 * 1024


def prepare_bulk_write(connection: Connection, tables: Sequence[str] = ()) -> tuple:
    """Tune this connection for replacing a whole version's rows in one transaction.

    SQLite: a large page cache; ``secure_delete`` off (deleted score rows are derived data: no
    need to overwrite them with zeros, which doubles what the delete writes); the secondary
    indexes of ``tables`` dropped, to be created again, from their own stored SQL, by
    :func:`finish_bulk_write` in the same transaction (one sort instead of a million random
    inserts). Returns what :func:`finish_bulk_write` needs.
    """
    if dialect(connection) != "sqlite":
        return ()
    raw = _dbapi(connection)
    if not raw.in_transaction:  # the index drops must belong to the rescore's transaction
        raw.execute("BEGIN IMMEDIATE")
    cache = raw.execute("PRAGMA cache_size").fetchone()[0]
    secure = raw.execute("PRAGMA secure_delete").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    raw.execute("PRAGMA secure_delete = OFF")
    names = ", ".join("?" * len(tables))
    indexes = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names})",
        tuple(tables),
    ).fetchall()
    for name, _ in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    return int(cache), int(secure), [sql for _, sql in indexes]


def finish_bulk_write(connection: Connection, state: tuple) -> None:
    """Undo :func:`prepare_bulk_write` (before the commit)."""
    if dialect(connection) != "sqlite" or not state:
        return
    cache, secure, indexes = state
    raw = _dbapi(connection)
    for sql in indexes:
        raw.execute(sql)
    raw.execute(f"PRAGMA secure_delete = {int(secure)}")
    raw.execute(f"PRAGMA cache_size = {int(cache)}")
