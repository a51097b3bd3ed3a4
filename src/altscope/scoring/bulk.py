"""Bulk reads and writes for the full rescore: columns straight into numpy, rows straight out.

SQLite is read with the raw DBAPI cursor in ``fetchmany`` chunks; PostgreSQL with
``COPY ... TO STDOUT (FORMAT binary)``, whose fixed-width rows numpy parses in place. Results are
written with one ``executemany`` (SQLite) or ``COPY ... FROM STDIN`` (PostgreSQL).
"""

from __future__ import annotations

import sqlite3
import struct
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


def _dbapi(connection: Connection) -> Any:
    return connection.connection.dbapi_connection


def int_columns(
    connection: Connection, sql: str, ncols: int, params: Sequence[Any] = (), *, small: bool = False
) -> list[np.ndarray]:
    """The columns (int64 arrays) of a query whose columns are all non-NULL integers.

    ``small``: a few rows (one output's mentions): a plain query, no COPY.
    """
    raw = _dbapi(connection)
    if dialect(connection) == "postgresql" and not small:
        chunks = _pg_copy_ints(raw, sql, ncols)
    else:
        chunks = _cursor_ints(raw, sql, ncols, params)
    columns = []
    for i in range(ncols):
        parts = [chunk[:, i] for chunk in chunks]
        columns.append(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64))
    return columns


def _cursor_ints(raw: Any, sql: str, ncols: int, params: Sequence[Any]) -> list[np.ndarray]:
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        chunks = []
        while rows := cursor.fetchmany(CHUNK):
            chunks.append(np.array(rows, dtype=np.int64).reshape(-1, ncols))
    finally:
        cursor.close()
    return chunks


_PG_HEADER = 19  # signature (11) + flags (4) + header extension length (4)


def _pg_copy_ints(raw: Any, sql: str, ncols: int) -> list[np.ndarray]:
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
    parse()
    # What is left is the trailer (int16 -1).
    if pending != struct.pack(">h", -1):
        raise RuntimeError("unexpected end of a binary COPY")
    return chunks


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
) -> int:
    """Insert ``rows`` into ``table`` fast (COPY on PostgreSQL, executemany on SQLite)."""
    raw = _dbapi(connection)
    names = ", ".join(columns)
    count = 0
    if dialect(connection) == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if progress is not None and count % CHUNK == 0:
                    progress(count)
        return count
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    try:
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                count += len(batch)
                batch = []
                if progress is not None:
                    progress(count)
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
            count += len(batch)
    finally:
        cursor.close()
    return count


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
