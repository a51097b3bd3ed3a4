"""The badge path's one indexed lookup: identifier → output → its score row.

Badges are the hottest path of the server, so this is one SQL statement on a plain connection
(no ORM session): it joins ``identifiers`` (unique on scheme + value) to ``outputs`` and, left
outer, to ``output_scores`` of the rules version. The statement is compiled once per dialect
and run on a pooled DB-API connection (``engine.raw_connection()``): SQLAlchemy's connection
and result wrappers cost more than the query itself on this path. Merged outputs are followed
(rarely a second query).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, and_, bindparam, select
from sqlalchemy.engine import Dialect

from altscope.ids import IdentifierError, parse
from altscope.ids.arxiv import unversioned
from altscope.scoring.rules import DEFAULT_VERSION as DEFAULT_RULES_VERSION
from altscope.store.schema import Output, OutputIdentifier, OutputScore

#: Longest identifier text accepted (the ``identifiers.value`` column holds 1024 characters).
MAX_IDENTIFIER = 1024
MAX_MERGE_HOPS = 8

#: Scheme names accepted in URLs and embed attributes → altscope.ids schemes ("id": output id).
SCHEME_ALIASES = {
    "doi": "doi",
    "arxiv": "arxiv",
    "arxiv-id": "arxiv",
    "arxiv_id": "arxiv",
    "handle": "handle",
    "isbn": "isbn",
    "uri": "url",
    "url": "url",
    "pmid": "pmid",
    "pubmed": "pmid",
    "pmcid": "pmcid",
    "urn": "urn",
    "nct": "nct",
    "nct-id": "nct",
    "nct_id": "nct",
    "ark": "ark",
    "id": "id",
}


@dataclass(frozen=True, slots=True)
class BadgeData:
    """What a badge or a popover shows about one output."""

    output_id: int
    title: str | None
    score: int
    posts: int
    sources: dict[str, Any]


def parse_identifier(scheme: str, text: str) -> tuple[str, str]:
    """``(scheme, normalised value)``; raises IdentifierError for anything unusable.

    ``scheme`` may be an alias (``arxiv-id``, ``nct-id``, ``uri``), ``id`` (an output id) or
    ``any`` (detect the scheme from the text, as for a ``dc.identifier`` meta tag).
    """
    if len(text) > MAX_IDENTIFIER:
        raise IdentifierError(f"identifier longer than {MAX_IDENTIFIER} characters")
    text = text.strip()
    if not text:
        raise IdentifierError("empty identifier")
    if scheme.lower() == "any":
        identifier = parse(text)
        return identifier.scheme, identifier.value
    name = SCHEME_ALIASES.get(scheme.lower())
    if name is None:
        known = ", ".join(sorted(SCHEME_ALIASES))
        raise IdentifierError(f"unknown identifier scheme {scheme[:40]!r}; known: {known}")
    if name == "id":
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise IdentifierError(f"{text[:40]!r} is not an altscope output id")
        return "id", str(int(text))
    return name, parse(text, name).value


def _columns() -> Any:
    return select(
        Output.id,
        Output.merged_into,
        Output.title,
        OutputScore.display_score,
        OutputScore.posts,
        OutputScore.sources,
    )


def _score_join() -> Any:
    return and_(
        OutputScore.output_id == Output.id,
        OutputScore.rules_version == bindparam("version"),
    )


BY_IDENTIFIER = (
    _columns()
    .select_from(OutputIdentifier)
    .join(Output, Output.id == OutputIdentifier.output_id)
    .outerjoin(OutputScore, _score_join())
    .where(OutputIdentifier.scheme == bindparam("scheme"))
    .where(OutputIdentifier.value == bindparam("value"))
)
BY_ID = (
    _columns()
    .select_from(Output)
    .outerjoin(OutputScore, _score_join())
    .where(Output.id == bindparam("output_id"))
)


class _Compiled:
    """A statement compiled for one dialect: SQL text and how to order its parameters."""

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.order = tuple(compiled.positiontup or ()) if dialect.positional else None

    def params(self, values: dict[str, Any]) -> Any:
        return values if self.order is None else tuple(values[name] for name in self.order)


_COMPILED: dict[tuple[str, str, str], _Compiled] = {}


def _compiled(dialect: Dialect, which: str) -> _Compiled:
    key = (which, dialect.name, dialect.driver)
    compiled = _COMPILED.get(key)
    if compiled is None:
        statement = BY_ID if which == "id" else BY_IDENTIFIER
        compiled = _COMPILED[key] = _Compiled(statement, dialect)
    return compiled


class _Reader:
    """Runs the lookup statements on one checked-out DB-API connection."""

    def __init__(self, engine: Engine, connection: Any) -> None:
        self.dialect = engine.dialect
        self.connection = connection

    def run(self, which: str, values: dict[str, Any]) -> Any:
        compiled = _compiled(self.dialect, which)
        cursor = self.connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.params(values))
            return cursor.fetchone()
        finally:
            cursor.close()


class HotReadError(Exception):
    """A hot-path query failed (its connection has been closed; the next call opens another)."""


class HotReader:
    """One DB-API connection per thread, kept open, for the hot paths (badges, v1 counts).

    A pool checkout per request costs more than the indexed lookup itself (and a round trip on
    PostgreSQL, where the pool pre-pings), so the hot paths keep a connection detached from the
    pool. It never holds a transaction open between requests: SQLite runs each SELECT on its
    own (autocommit) and reads every row, PostgreSQL runs in autocommit mode. A failing
    connection is closed and replaced on the next call.

    On SQLite, :meth:`version` tells cheaply whether anything at all was committed since an
    earlier call (``PRAGMA data_version``): an answer checked against the database since the
    last commit is still exact, without reading its rows again.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.local = threading.local()

    def _connect(self) -> Any:
        fairy = self.engine.raw_connection()
        fairy.detach()  # ours now: closing it closes the DB-API connection
        if self.engine.dialect.name == "postgresql":
            fairy.dbapi_connection.autocommit = True
        self.local.fairy = fairy
        self.local.generation = next(_GENERATIONS)
        return fairy.dbapi_connection

    def version(self) -> tuple[int, int] | None:
        """A token that stays equal as long as nothing is committed to the database (SQLite;
        ``None`` elsewhere: every check reads the rows). Take it *before* reading the rows.
        Called on the event loop; one read serves the requests of one turn of the loop."""
        if not self.sqlite:
            return None
        local = self.local
        token = getattr(local, "token", None)
        if token is not None:
            return token
        fairy = getattr(local, "fairy", None)
        connection = self._connect() if fairy is None else fairy.dbapi_connection
        try:
            value = connection.execute("PRAGMA data_version").fetchall()[0][0]
        except self.engine.dialect.loaded_dbapi.Error as error:
            self.close()
            raise HotReadError(str(error)) from error
        # Requests whose turn comes in this same turn of the event loop arrived before it
        # began, so before this read: they may share it (it costs a read lock, 3 system calls).
        local.token = token = (local.generation, value)
        asyncio.get_running_loop().call_soon(self._forget, local)
        return token

    @staticmethod
    def _forget(local: threading.local) -> None:
        local.token = None

    def rows(self, statement: Any, values: dict[str, Any]) -> list[Any]:
        """All rows of ``statement`` (compiled once per dialect) with ``values``."""
        compiled = self._compiled(statement)
        fairy = getattr(self.local, "fairy", None)
        connection = self._connect() if fairy is None else fairy.dbapi_connection
        try:
            cursor = connection.cursor()
            cursor.execute(compiled.sql, compiled.params(values))
            rows = cursor.fetchall()
            cursor.close()
        except self.engine.dialect.loaded_dbapi.Error as error:
            self.close()
            raise HotReadError(str(error)) from error
        return rows

    def _compiled(self, statement: Any) -> _Compiled:
        key = (id(statement), self.engine.dialect.name, self.engine.dialect.driver)
        compiled = _COMPILED_STATEMENTS.get(key)
        if compiled is None:
            compiled = _COMPILED_STATEMENTS[key] = _Compiled(statement, self.engine.dialect)
        return compiled

    def close(self) -> None:
        """Close this thread's connection (a new one opens when needed)."""
        fairy = getattr(self.local, "fairy", None)
        self.local.fairy = self.local.token = None
        if fairy is not None:
            with contextlib.suppress(Exception):  # it is being thrown away
                fairy.close()


_COMPILED_STATEMENTS: dict[tuple[int, str, str], _Compiled] = {}
_GENERATIONS = itertools.count()


def badge_row(reader: HotReader, scheme: str, value: str, version: str) -> tuple | None:
    """The badge row ``(id, merged_into, title, display_score, posts, sources)`` of the output
    ``scheme:value`` (scheme ``id``: output id) as the database holds it, or ``None``."""
    if scheme == "id":
        rows = reader.rows(BY_ID, {"output_id": int(value), "version": version})
    else:
        rows = reader.rows(BY_IDENTIFIER, {"scheme": scheme, "value": value, "version": version})
    return tuple(rows[0]) if rows else None


def data_of_row(row: tuple) -> BadgeData:
    """:class:`BadgeData` of a badge row."""
    return _data(row)


def _data(row: Any) -> BadgeData:
    sources = row[5]
    if isinstance(sources, str | bytes):
        sources = orjson.loads(sources)
    return BadgeData(
        output_id=int(row[0]),
        title=row[2],
        score=int(row[3] or 0),
        posts=int(row[4] or 0),
        sources=sources if isinstance(sources, dict) else {},
    )


def find_badge_data(
    engine: Engine, scheme: str, value: str, version: str = DEFAULT_RULES_VERSION
) -> BadgeData | None:
    """The badge data of the output ``scheme:value`` (normalised; scheme ``id``: output id)."""
    connection = engine.raw_connection()
    try:
        reader = _Reader(engine, connection)
        if scheme == "id":
            row = reader.run("id", {"output_id": int(value), "version": version})
        else:
            row = reader.run("identifier", {"scheme": scheme, "value": value, "version": version})
            if row is None and scheme == "arxiv" and unversioned(value) != value:
                values = {"scheme": scheme, "value": unversioned(value), "version": version}
                row = reader.run("identifier", values)
        hops = 0
        while row is not None and row[1] is not None and hops < MAX_MERGE_HOPS:
            row = reader.run("id", {"output_id": row[1], "version": version})
            hops += 1
        connection.rollback()  # end any transaction the driver began: no snapshot is kept
    finally:
        connection.close()  # back to the pool
    return None if row is None or row[1] is not None else _data(row)
