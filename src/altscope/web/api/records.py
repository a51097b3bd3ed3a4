"""Lean reads for the hot paths (v1 counts, lookups): Core queries on indexed columns.

An :class:`OutputRecord` is one output with its identifiers, its score under one rules version,
and, when asked for, its authors and reader/download counts: two indexed queries for the
identifiers, output and score, and one for authors and metrics together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, text

MAX_MERGE_HOPS = 16

# Plain SQL (portable): the hot path skips statement construction and type processors; the few
# values SQLite hands back as text (JSON, times) are decoded below.
_BY_IDENTIFIER = text(
    "SELECT other.scheme, other.value, other.output_id FROM identifiers known"
    " JOIN identifiers other ON other.output_id = known.output_id"
    " WHERE known.scheme = :scheme AND known.value = :value"
    " ORDER BY other.scheme, other.value"
)
_IDENTIFIERS = text(
    "SELECT scheme, value FROM identifiers WHERE output_id = :id ORDER BY scheme, value"
)
_COLUMNS = (
    "o.id, o.merged_into, o.title, o.container_title, o.issns, o.publisher, o.type,"
    " o.published, o.subjects, o.abstract, o.url, o.created_at,"
    " s.rules_version, s.score, s.display_score, s.posts, s.accounts, s.sources, s.categories,"
    " s.history, s.context, s.flags, s.first_seen_at, s.last_mention_at, s.computed_at"
)
_SCORE_JOIN = (
    " LEFT OUTER JOIN output_scores s ON s.output_id = o.id AND s.rules_version = :version"
)
_OUTPUT_AND_SCORE = text(f"SELECT {_COLUMNS} FROM outputs o{_SCORE_JOIN} WHERE o.id = :id")
#: The hot path's one query (v1 counts): output and score as :data:`_OUTPUT_AND_SCORE`, and a
#: fingerprint of the rows an answer also shows (identifiers, authors, metric values): counts,
#: highest ids and the sum of metric values, read on the (output_id, ...) indexes.
_FINGERPRINT = (
    ", (SELECT count(*) FROM identifiers x WHERE x.output_id = o.id) AS n_identifiers"
    ", (SELECT max(x.id) FROM identifiers x WHERE x.output_id = o.id) AS last_identifier"
    ", (SELECT count(*) FROM authors x WHERE x.output_id = o.id) AS n_authors"
    ", (SELECT max(x.id) FROM authors x WHERE x.output_id = o.id) AS last_author"
    ", (SELECT count(*) FROM metric_snapshots x WHERE x.output_id = o.id) AS n_metrics"
    ", (SELECT max(x.id) FROM metric_snapshots x WHERE x.output_id = o.id) AS last_metric"
    ", (SELECT sum(x.value) FROM metric_snapshots x WHERE x.output_id = o.id) AS sum_metrics"
)
HOT_BY_IDENTIFIER = text(
    f"SELECT {_COLUMNS}{_FINGERPRINT} FROM identifiers known"
    f" JOIN outputs o ON o.id = known.output_id{_SCORE_JOIN}"
    " WHERE known.scheme = :scheme AND known.value = :value"
)
HOT_BY_ID = text(f"SELECT {_COLUMNS}{_FINGERPRINT} FROM outputs o{_SCORE_JOIN} WHERE o.id = :id")
IDENTIFIERS = _IDENTIFIERS
_DETAILS = text(
    "SELECT 'author', name, NULL, NULL, position FROM authors WHERE output_id = :id"
    " UNION ALL"
    " SELECT 'metric', provider, kind, period, value FROM metric_snapshots WHERE output_id = :id"
)


DETAILS = _DETAILS
_NAMES = tuple(
    part.strip().split(".")[-1] for part in _COLUMNS.split(",")
)  # o.id → id, ... s.computed_at → computed_at


class _Named:
    """Attribute access to a DB-API row by the names of :data:`_COLUMNS`."""

    __slots__ = _NAMES

    def __init__(self, row: Any) -> None:
        for name, value in zip(_NAMES, row, strict=False):
            setattr(self, name, value)


def record_of_row(row: Any) -> OutputRecord:
    """An :class:`OutputRecord` (no identifiers or details yet) from a row whose first columns
    are :data:`_COLUMNS` (a hot-path row read with a DB-API cursor)."""
    return _record(_Named(row))


def details_from_rows(record: OutputRecord, rows: Iterable[Any]) -> OutputRecord:
    """Fill in authors and metrics from the rows of the details query."""
    authors: list[tuple[int, str]] = []
    record.metrics = []
    for what, name, kind, period, value in rows:
        if what == "author":
            authors.append((value, name))
        else:
            record.metrics.append((name, kind, period, value))
    record.authors = [name for _, name in sorted(authors)]
    return record


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def _time(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


@dataclass(slots=True)
class ScoreRecord:
    rules_version: str
    score: float
    display_score: int
    posts: int
    accounts: int
    sources: dict
    categories: dict
    history: dict
    context: dict
    flags: list
    first_seen_at: datetime | None
    last_mention_at: datetime | None
    computed_at: datetime


@dataclass(slots=True)
class OutputRecord:
    id: int
    title: str | None
    journal: str | None
    issns: list
    publisher: str | None
    type: str | None
    published: date | None
    subjects: list
    abstract: str | None
    url: str | None
    created_at: datetime
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    score: ScoreRecord | None = None
    authors: list[str] = field(default_factory=list)
    metrics: list[tuple[str, str, str, int]] = field(default_factory=list)

    def first(self, scheme: str) -> str | None:
        return next((v for s, v in self.identifiers if s == scheme), None)

    def all(self, scheme: str) -> list[str]:
        return [v for s, v in self.identifiers if s == scheme]

    @property
    def mentioned(self) -> bool:
        """Whether any (non-removed) mention counts for it."""
        return self.score is not None and self.score.posts > 0


def _output_and_score(connection: Connection, output_id: int, version: str) -> Any:
    return connection.execute(_OUTPUT_AND_SCORE, {"id": output_id, "version": version}).first()


def _record(row: Any) -> OutputRecord:
    record = OutputRecord(
        id=row.id,
        title=row.title,
        journal=row.container_title,
        issns=_json(row.issns) or [],
        publisher=row.publisher,
        type=row.type,
        published=_date(row.published),
        subjects=_json(row.subjects) or [],
        abstract=row.abstract,
        url=row.url,
        created_at=_time(row.created_at),
    )
    if row.rules_version is not None:
        record.score = ScoreRecord(
            rules_version=row.rules_version,
            score=row.score,
            display_score=row.display_score,
            posts=row.posts,
            accounts=row.accounts,
            sources=_json(row.sources) or {},
            categories=_json(row.categories) or {},
            history=_json(row.history) or {},
            context=_json(row.context) or {},
            flags=_json(row.flags) or [],
            first_seen_at=_time(row.first_seen_at),
            last_mention_at=_time(row.last_mention_at),
            computed_at=_time(row.computed_at),
        )
    return record


def _identifiers(connection: Connection, output_id: int) -> list[tuple[str, str]]:
    return [(s, v) for s, v in connection.execute(_IDENTIFIERS, {"id": output_id})]


def load_by_id(
    connection: Connection, output_id: int, version: str, identifiers: list | None = None
) -> OutputRecord | None:
    """The (canonical) output ``output_id`` with its score under ``version``, or ``None``."""
    for _ in range(MAX_MERGE_HOPS):
        row = _output_and_score(connection, output_id, version)
        if row is None:
            return None
        if row.merged_into is None:
            break
        output_id, identifiers = row.merged_into, None
    else:
        return None
    record = _record(row)
    record.identifiers = (
        identifiers if identifiers is not None else _identifiers(connection, record.id)
    )
    return record


def load_by_identifier(
    connection: Connection, scheme: str, value: str, version: str
) -> OutputRecord | None:
    """The output known by ``scheme:value`` (normalised), with its identifiers and score."""
    rows = connection.execute(_BY_IDENTIFIER, {"scheme": scheme, "value": value}).all()
    if not rows:
        return None
    return load_by_id(connection, rows[0].output_id, version, [(r[0], r[1]) for r in rows])


def add_details(connection: Connection, record: OutputRecord) -> OutputRecord:
    """Fill in the record's author names and reader/download/citation counts (one query)."""
    return details_from_rows(record, connection.execute(_DETAILS, {"id": record.id}))


def latest_metrics(metrics: Iterable[tuple[str, str, str, int]]) -> dict[tuple[str, str], int]:
    """Per (provider, kind): the latest running total (day periods) or the sum of month periods.

    A day period (``2024-05-17``) is a running total, so the latest counts; month periods
    (``2024-05``) are per-month counts, so they add up.
    """
    days: dict[tuple[str, str], tuple[str, int]] = {}
    months: dict[tuple[str, str], int] = {}
    for provider, kind, period, value in metrics:
        key = (provider, kind)
        if len(period) == 7:
            months[key] = months.get(key, 0) + value
        elif key not in days or period > days[key][0]:
            days[key] = (period, value)
    totals = {key: value for key, (_, value) in days.items()}
    for key, value in months.items():
        totals[key] = max(totals.get(key, 0), value)
    return totals
