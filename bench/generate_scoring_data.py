"""Fill a database with a realistic, seeded scoring workload: outputs, actors and mentions.

    .venv/bin/python bench/generate_scoring_data.py --database-url sqlite:////tmp/scoring.db
    .venv/bin/python bench/generate_scoring_data.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_scoring \\
        -n 100000 -m 1000000

N outputs (titles, ~2,000 journals of Zipf-like sizes in container_title, publication dates
over 15 years, a DOI each) and M mentions over a realistic source mix from ~500k actors with a
heavy-tailed posting distribution (a few promiscuous, bot-like accounts), occurring over the
output's lifetime (most soon after publication); news and blog mentions carry URLs on outlet
hosts. Data is generated with numpy and written with the raw driver: ``executemany`` in big
transactions on SQLite, ``COPY`` on PostgreSQL, secondary indexes dropped while loading and
rebuilt after. The database must be empty (it is created and migrated if needed).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import Engine, func, select, text

from altscope.store.db import is_sqlite, make_engine, normalize_url, transaction
from altscope.store.migrate import upgrade
from altscope.store.schema import Output
from altscope.store.sources import SourceInfo, ensure_sources

#: (key, name, category, share of mentions, share of actors)
SOURCES: tuple[tuple[str, str, str, float, float], ...] = (
    ("twitter", "X (Twitter)", "social_media", 0.46, 0.50),
    ("bluesky", "Bluesky", "social_media", 0.08, 0.10),
    ("mastodon", "Mastodon", "social_media", 0.04, 0.06),
    ("facebook", "Facebook", "social_media", 0.04, 0.06),
    ("reddit", "Reddit", "social_media", 0.02, 0.04),
    ("youtube", "YouTube", "social_media", 0.005, 0.01),
    ("qna", "Q&A sites", "social_media", 0.005, 0.01),
    ("news", "News", "mentions", 0.03, 0.002),
    ("blog", "Blogs", "mentions", 0.02, 0.02),
    ("policy", "Policy documents", "citations", 0.004, 0.001),
    ("patent", "Patents", "citations", 0.004, 0.0001),
    ("wikipedia", "Wikipedia", "mentions", 0.02, 0.02),
    ("peer_review", "Peer review", "mentions", 0.003, 0.005),
    ("f1000", "F1000", "mentions", 0.002, 0.002),
    ("syllabus", "Syllabi", "mentions", 0.002, 0.002),
    ("mendeley", "Mendeley", "captures", 0.305, 0.1409),
)
N_JOURNALS = 2_000
FIRST_DAY = date(2010, 1, 1)
YEARS = 15
NOW = datetime(2025, 7, 1, tzinfo=UTC)
EPOCH = date(1970, 1, 1)
CHUNK = 500_000
PUBLISHERS = ("Elsevier", "Springer Nature", "Wiley", "Taylor & Francis", "PLOS", "MDPI", "IOP")
TYPES = ("journal-article",) * 9 + ("book-chapter", "dataset", "posted-content")
OUTLETS = 500


@dataclass
class Workload:
    """Column arrays of the generated data (ids are 1-based)."""

    published: np.ndarray  # days since 1970, -1 unknown
    journal: np.ndarray  # journal number, -1 none
    actor_source: np.ndarray  # source index of each actor
    mention_output: np.ndarray
    mention_source: np.ndarray
    mention_actor: np.ndarray
    occurred_us: np.ndarray  # microseconds since 1970
    removed: np.ndarray  # bool


def _zipf_weights(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights[rng.permutation(n)]


def _pick(weights: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` indexes drawn with probability proportional to ``weights``."""
    cumulative = np.cumsum(weights)
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], "right")


def make_workload(outputs: int, mentions: int, actors: int, seed: int) -> Workload:
    """The generated data, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    first = (FIRST_DAY - EPOCH).days
    span = YEARS * 365
    published = first + rng.integers(0, span, outputs)
    published[rng.random(outputs) < 0.03] = -1
    journal = _pick(_zipf_weights(N_JOURNALS, 0.9, rng), outputs, rng)
    journal[rng.random(outputs) < 0.05] = -1
    # Attention per output is heavy-tailed: most outputs get little, a few get a lot.
    attention = rng.lognormal(0.0, 1.6, outputs) * (rng.random(outputs) < 0.6)
    mention_output = np.sort(_pick(attention, mentions, rng))
    shares = np.array([s[3] for s in SOURCES])
    mention_source = _pick(shares, mentions, rng)
    # Actors, split over sources; within a source a Zipf-like posting rate, plus a few bots.
    actor_shares = np.array([s[4] for s in SOURCES])
    actor_source = np.sort(_pick(actor_shares, actors, rng))
    mention_actor = np.empty(mentions, dtype=np.int64)
    for k in range(len(SOURCES)):
        mine = np.flatnonzero(actor_source == k)
        posts = np.flatnonzero(mention_source == k)
        if len(mine) == 0:
            mine = np.array([rng.integers(0, actors)])
        weights = np.minimum(rng.pareto(1.3, len(mine)), 300.0) + 0.05
        bots = rng.choice(len(mine), size=max(1, len(mine) // 20_000), replace=False)
        weights[bots] = weights.sum() * 0.002  # each bot: ~0.2% of the source's posts
        mention_actor[posts] = mine[_pick(weights, len(posts), rng)]
    # Occurrence: publication + a lag (most soon after, a long tail), never after NOW.
    day = published[mention_output]
    day = np.where(day < 0, first + rng.integers(0, span, mentions), day)
    lag = np.minimum(rng.exponential(40.0, mentions) * rng.pareto(1.5, mentions) + 0.1, 5000)
    occurred_s = (day * 86_400 + lag * 86_400).astype(np.int64)
    occurred_s = np.minimum(occurred_s, int(NOW.timestamp()) - rng.integers(0, 86_400, mentions))
    occurred_us = occurred_s * 1_000_000 + rng.integers(0, 1_000_000, mentions)
    removed = rng.random(mentions) < 0.005
    return Workload(
        published,
        journal,
        actor_source,
        mention_output,
        mention_source,
        mention_actor,
        occurred_us,
        removed,
    )


# ---------------------------------------------------------------------------------- writing


class Writer:
    """Bulk loading through the raw driver connection of an engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.raw = engine.raw_connection()
        self.conn = self.raw.driver_connection
        self.saved: list[str] = []

    def timestamps(self, us: np.ndarray) -> list[str]:
        text_ = np.datetime_as_string(us.astype("datetime64[us]"), unit="us")
        if self.sqlite:
            return [t.replace("T", " ") for t in text_.tolist()]
        return [t + "+00" for t in text_.tolist()]

    def begin(self, tables: Sequence[str]) -> None:
        """Drop the secondary indexes (and PG unique constraints) of ``tables`` until finish()."""
        if self.sqlite:
            cur = self.conn.cursor()
            for pragma in (
                "synchronous=OFF",
                "cache_size=-1000000",
                "temp_store=MEMORY",
                "foreign_keys=OFF",
            ):
                cur.execute(f"PRAGMA {pragma}")
            marks = ",".join("?" * len(tables))
            rows = cur.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                tuple(tables),
            ).fetchall()
            for name, sql in rows:
                cur.execute(f'DROP INDEX "{name}"')
                self.saved.append(sql)
            self.conn.commit()
            return
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
                (list(tables),),
            )
            for table, name, definition in cur.fetchall():
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                self.saved.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s) AND NOT "
                "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                (list(tables),),
            )
            for name, definition in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                self.saved.append(definition)
            cur.execute("SET session_replication_role = replica")  # no FK triggers while loading
        self.conn.commit()

    def write(self, table: str, columns: Sequence[str], rows: Iterator[tuple]) -> None:
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            cur = self.conn.cursor()
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            self.conn.commit()
            return
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join("\\N" if v is None else str(v) for v in row))
                if len(buffer) >= 100_000:
                    copy.write("\n".join(buffer) + "\n")
                    buffer.clear()
            if buffer:
                copy.write("\n".join(buffer) + "\n")
        self.conn.commit()

    def finish(self, tables: Sequence[str]) -> None:
        """Rebuild the dropped indexes and constraints; fix sequences; gather statistics."""
        if self.sqlite:
            cur = self.conn.cursor()
            for sql in self.saved:
                cur.execute(sql)
            cur.execute("PRAGMA foreign_keys=ON")
            self.conn.commit()
            cur.execute("ANALYZE")
            self.conn.commit()
        else:
            with self.conn.cursor() as cur:
                cur.execute("SET session_replication_role = origin")
                cur.execute("SET maintenance_work_mem = '512MB'")
                for sql in self.saved:
                    cur.execute(sql)
                for table in tables:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                    cur.execute(f"ANALYZE {table}")
            self.conn.commit()
        self.raw.close()


def _iso(days: np.ndarray) -> list[str | None]:
    text_ = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()
    return [None if d < 0 else t for d, t in zip(days.tolist(), text_, strict=True)]


def write_workload(
    engine: Engine, work: Workload, source_ids: dict[str, int], log: Callable[[str], None]
) -> dict[str, float]:
    """Load the workload; returns seconds per step."""
    timings: dict[str, float] = {}
    tables = ("outputs", "identifiers", "actors", "mentions")
    writer = Writer(engine)
    writer.begin(tables)
    now = writer.timestamps(np.array([int(NOW.timestamp() * 1_000_000)]))[0]
    n = len(work.published)

    started = time.perf_counter()
    published = _iso(work.published)
    journals = [f"Journal of Bench Studies {j:04d}" for j in range(N_JOURNALS)]
    titles = [None if j < 0 else journals[j] for j in work.journal.tolist()]
    empty = "[]"
    writer.write(
        "outputs",
        (
            "id",
            "created_at",
            "updated_at",
            "title",
            "container_title",
            "issns",
            "publisher",
            "type",
            "published",
            "subjects",
            "language",
            "metadata_provider",
            "enrich_attempts",
        ),
        (
            (
                i + 1,
                now,
                now,
                f"Bench output {i + 1}: attention to topic {i % 977}",
                titles[i],
                empty,
                PUBLISHERS[i % len(PUBLISHERS)],
                TYPES[i % len(TYPES)],
                published[i],
                empty,
                "en",
                "bench",
                0,
            )
            for i in range(n)
        ),
    )
    writer.write(
        "identifiers",
        ("id", "scheme", "value", "output_id", "added_at"),
        ((i + 1, "doi", f"10.5555/bench.{i + 1}", i + 1, now) for i in range(n)),
    )
    timings["outputs"] = time.perf_counter() - started
    log(f"  outputs + identifiers: {n:,} in {timings['outputs']:.1f} s")

    started = time.perf_counter()
    keys = [s[0] for s in SOURCES]
    sid = [source_ids[k] for k in keys]
    actor_source = work.actor_source.tolist()
    writer.write(
        "actors",
        (
            "id",
            "source_id",
            "native_id",
            "handle",
            "name",
            "followers",
            "created_at",
            "updated_at",
        ),
        (
            (
                i + 1,
                sid[k],
                f"{keys[k]}-{i + 1}",
                f"user{i + 1}",
                f"User {i + 1}",
                (i * 7919) % 100_000,
                now,
                now,
            )
            for i, k in enumerate(actor_source)
        ),
    )
    timings["actors"] = time.perf_counter() - started
    log(f"  actors: {len(actor_source):,} in {timings['actors']:.1f} s")

    started = time.perf_counter()
    m = len(work.mention_output)
    for lo in range(0, m, CHUNK):
        hi = min(lo + CHUNK, m)
        output = (work.mention_output[lo:hi] + 1).tolist()
        source = work.mention_source[lo:hi].tolist()
        actor = (work.mention_actor[lo:hi] + 1).tolist()
        occurred = writer.timestamps(work.occurred_us[lo:hi])
        harvested = writer.timestamps(work.occurred_us[lo:hi] + 3_600_000_000)
        removed = work.removed[lo:hi].tolist()
        rows = []
        for j in range(hi - lo):
            mid = lo + j + 1
            k = source[j]
            key = keys[k]
            native = f"{key}-post-{mid}"
            url = None
            if key == "news":
                url = f"https://news{actor[j] % OUTLETS}.example.com/story/{mid}"
            elif key == "blog":
                url = f"https://blog{actor[j]}.example.org/{mid}"
            dedup = hashlib.sha256(f"{key}\x1fid:{native}\x1f{output[j]}".encode()).hexdigest()
            rows.append(
                (
                    mid,
                    output[j],
                    sid[k],
                    actor[j],
                    url,
                    native,
                    occurred[j],
                    harvested[j],
                    "doi",
                    "exact",
                    dedup,
                    occurred[j] if removed[j] else None,
                )
            )
        writer.write(
            "mentions",
            (
                "id",
                "output_id",
                "source_id",
                "actor_id",
                "url",
                "native_id",
                "occurred_at",
                "harvested_at",
                "match_method",
                "match_verification",
                "dedup_key",
                "removed_at",
            ),
            iter(rows),
        )
        log(f"  mentions: {hi:,}/{m:,} ({time.perf_counter() - started:.0f} s)")
    timings["mentions"] = time.perf_counter() - started

    started = time.perf_counter()
    writer.finish(tables)
    timings["indexes"] = time.perf_counter() - started
    log(f"  indexes and statistics: {timings['indexes']:.1f} s")
    return timings


def generate(
    url: str,
    outputs: int = 1_000_000,
    mentions: int = 10_000_000,
    actors: int = 500_000,
    seed: int = 20261121,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Create/migrate the database at ``url`` and fill it; returns seconds per step."""
    url = normalize_url(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            if session.scalar(select(func.count()).select_from(Output)):
                raise SystemExit(f"{url}: already holds outputs; use an empty database")
            rows = ensure_sources(
                session, [SourceInfo(k, name, cat, k) for k, name, cat, _, _ in SOURCES]
            )
            source_ids = {k: row.id for k, row in rows.items()}
        started = time.perf_counter()
        work = make_workload(outputs, mentions, min(actors, max(mentions, 1)), seed)
        timings = {"generate": time.perf_counter() - started}
        log(f"  generated arrays in {timings['generate']:.1f} s")
        timings.update(write_workload(engine, work, source_ids, log))
        if not is_sqlite(url):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    timings["total"] = sum(timings.values())
    return timings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/altscope-bench-scoring.db")
    parser.add_argument("-n", "--outputs", type=int, default=1_000_000)
    parser.add_argument("-m", "--mentions", type=int, default=10_000_000)
    parser.add_argument("--actors", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args(argv)
    timings = generate(args.database_url, args.outputs, args.mentions, args.actors, args.seed)
    print(
        f"generated {args.outputs:,} outputs, {args.mentions:,} mentions in "
        f"{timings['total']:.1f} s"
    )


if __name__ == "__main__":
    main()
