"""Rollups: the full rescore (vectorised), the incremental update of one output, the queue.

:func:`rescore` recomputes every canonical output under a rules version in bulk: it reads the
mention columns into numpy arrays, refreshes the per-account statistics, detects anomalies,
scores, computes categories, history and context, and replaces the version's ``output_scores``
and ``mention_flags`` rows in one transaction. Every canonical output gets a row (score 0 when
nobody mentioned it), so that "all outputs" in context means all tracked outputs.

:func:`update_output` recomputes one output with the same code (:mod:`altscope.scoring.score`)
from the stored per-account statistics, so it gives the numbers the full rescore gives.
New mentions put their output in ``score_queue``; :func:`drain_score_queue` updates them.
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from altscope.scoring import bulk
from altscope.scoring.categories import METRIC_SQL, categories_json, metric_totals
from altscope.scoring.history import history_json, window_sums
from altscope.scoring.inputs import (
    BOT_RULE,
    actor_stats,
    detect,
    distinct_outputs_per_window,
    single_publisher_accounts,
    url_tier,
)
from altscope.scoring.rules import Rules, get_rules
from altscope.scoring.score import (
    Batch,
    FlagEffect,
    SourceTable,
    Sums,
    category_counts,
    flag_effects,
    score_batch,
    sums,
)
from altscope.store.cursors import get_cursor, set_cursor
from altscope.store.db import transaction
from altscope.store.schema import (
    Mention,
    MentionFlag,
    Output,
    OutputScore,
    ScoreQueue,
    Source,
)
from altscope.store.types import utcnow

#: progress(stage, done, total): called as each stage of a rescore starts (and at the end).
Progress = Callable[[str, int, int], None]
STAGES = ("rules", "people and places", "read", "modifiers", "score", "context", "write")
SCORE_COLUMNS = (
    "output_id",
    "rules_version",
    "score",
    "display_score",
    "posts",
    "accounts",
    "sources",
    "categories",
    "history",
    "context",
    "flags",
    "first_seen_at",
    "last_mention_at",
    "computed_at",
)


@dataclass
class RescoreReport:
    """What a full rescore did."""

    version: str
    outputs: int = 0
    mentions: int = 0
    scored: int = 0  # outputs with a score above 0
    flagged: int = 0  # mentions flagged
    actors_updated: int = 0
    classified: int = 0
    located: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)


@dataclass
class Computed:
    """One batch scored: per-mention results (in scoring order) and per-output sums."""

    batch: Batch
    status: np.ndarray
    points: np.ndarray
    sums: Sums
    windows: dict[str, tuple[list[float], list[int]]]
    categories: np.ndarray
    effects: list[FlagEffect]


_HAD_FLAGS = "altscope.scoring.had_flags"


def judged_cursor(version: str) -> str:
    """The cursor holding the last mention id the latest full rescore of ``version`` judged."""
    return f"scoring.rescore:{version}"


def source_table(session: Session, rules: Rules) -> SourceTable:
    columns = (Source.id, Source.key, Source.name, Source.category, Source.weight_key)
    rows = session.execute(select(*columns, Source.deprecated_at)).all()
    return SourceTable.build(rows, rules)


def compute(
    batch: Batch,
    table: SourceTable,
    rules: Rules,
    n_outputs: int,
    now: int,
    *,
    presorted: bool = False,
) -> Computed:
    """Score a batch (any order; ``presorted``: already sorted) of ``n_outputs`` outputs at
    epoch second ``now``."""
    if not presorted:
        batch = batch.sorted()
    status, points = score_batch(batch, table, rules)
    totals = sums(batch, points, n_outputs)
    return Computed(
        batch=batch,
        status=status,
        points=points,
        sums=totals,
        windows=window_sums(batch, points, n_outputs, now),
        categories=category_counts(batch, table, n_outputs),
        effects=flag_effects(batch, table, rules, totals.score),
    )


def _epoch(value: datetime) -> int:
    return math.floor(value.timestamp())


def _when(seconds: int) -> datetime | None:
    return None if seconds < 0 else datetime.fromtimestamp(seconds, UTC)


class RowBuilder:
    """The ``output_scores`` fields of each output of a :class:`Computed`."""

    def __init__(self, computed: Computed, table: SourceTable, n_outputs: int) -> None:
        s = computed.sums
        self.c = computed
        self.table = table
        self.g_start = np.searchsorted(s.group_output, np.arange(n_outputs)).tolist()
        self.g_end = np.searchsorted(s.group_output, np.arange(n_outputs), "right").tolist()
        self.g_src = s.group_source.tolist()
        self.g_score = s.group_score.tolist()
        self.g_posts = s.group_posts.tolist()
        self.g_accounts = s.group_accounts.tolist()
        self.score = s.score.tolist()
        self.display = s.display.tolist()
        self.posts = s.posts.tolist()
        self.accounts = s.accounts.tolist()
        self.first = s.first_time.tolist()
        self.last = s.last_time.tolist()
        self.cats = computed.categories.tolist()
        self.flags: dict[int, list[FlagEffect]] = {}
        for effect in computed.effects:
            self.flags.setdefault(effect.output, []).append(effect)
        self.labels = computed.batch.flag_labels

    def sources(self, i: int) -> dict[str, Any]:
        t = self.table
        result = {}
        for g in range(self.g_start[i], self.g_end[i]):
            src = self.g_src[g]
            result[t.keys[src]] = {
                "name": t.names[src],
                "category": t.categories[src],
                "posts": self.g_posts[g],
                "accounts": self.g_accounts[g],
                "score": self.g_score[g],
            }
        return result

    def flag_list(self, i: int) -> list[dict[str, Any]]:
        return [
            {
                "kind": self.labels[e.label][0],
                "reason": self.labels[e.label][1],
                "mentions": e.mentions,
                "points_excluded": e.points_excluded,
            }
            for e in self.flags.get(i, ())
        ]

    def fields(self, i: int, metrics: dict[str, int] | None, context: dict) -> dict[str, Any]:
        """Every column but the keys and ``computed_at``, as Python values."""
        return {
            "score": self.score[i],
            "display_score": self.display[i],
            "posts": self.posts[i],
            "accounts": self.accounts[i],
            "sources": self.sources(i),
            "categories": categories_json(self.cats[i], metrics),
            "history": history_json(self.c.windows, i),
            "context": context,
            "flags": self.flag_list(i),
            "first_seen_at": _when(self.first[i]),
            "last_mention_at": _when(self.last[i]),
        }


# --------------------------------------------------------------------------------------------
# The full rescore
# --------------------------------------------------------------------------------------------


def _people_and_places(session: Session, report: RescoreReport) -> None:
    try:
        from altscope.scoring.people import classify_actors
    except ImportError:
        pass
    else:
        report.classified = classify_actors(session, only_unclassified=True)
    try:
        from altscope.scoring.places import locate_actors
    except ImportError:
        pass
    else:
        report.located = locate_actors(session, only_unlocated=True)


def _read_outputs(conn: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list]:
    """All outputs: ids (sorted), canonical?, published day, publisher code; canonical titles."""
    sql = (
        "SELECT id, merged_into, " + bulk.day_sql(conn, "published") + ", publisher, "
        "container_title FROM outputs ORDER BY id"
    )
    ids, canonical, days, publishers, titles = [], [], [], [], []
    codes: dict[str, int] = {}
    for oid, merged, day, publisher, title in bulk.fetch_rows(conn, sql):
        ids.append(oid)
        canonical.append(merged is None)
        days.append(day)
        key = (publisher or "").strip()
        publishers.append(codes.setdefault(key, len(codes)) if key else -1)
        if merged is None:
            titles.append(title)
    return (
        np.array(ids, dtype=np.int64),
        np.array(canonical, dtype=bool),
        np.array(days, dtype=np.int64),
        np.array(publishers, dtype=np.int64),
        titles,
    )


def _tiers(conn: Any, table: SourceTable, mention: np.ndarray, source: np.ndarray) -> np.ndarray:
    tier = np.zeros(len(mention), dtype=np.int8)
    tiered = table.needs_urls()
    if not len(tiered) or not len(mention):
        return tier
    ids = ", ".join(str(int(i)) for i in table.ids[tiered])
    rows = list(
        bulk.fetch_rows(
            conn,
            f"SELECT id, url FROM mentions WHERE removed_at IS NULL AND source_id IN ({ids})",
        )
    )
    if not rows:
        return tier
    url_ids = np.array([r[0] for r in rows], dtype=np.int64)
    codes = np.array([url_tier(r[1]) for r in rows], dtype=np.int8)
    order = np.argsort(url_ids)
    url_ids, codes = url_ids[order], codes[order]
    positions = np.flatnonzero(np.isin(source, tiered))
    at = np.searchsorted(url_ids, mention[positions])
    at = np.minimum(at, len(url_ids) - 1)
    found = url_ids[at] == mention[positions]
    tier[positions[found]] = codes[at[found]]
    return tier


def _actor_updates(conn: Any, stats: Any, now: datetime) -> list[tuple]:
    """(id, mention_count, output_count, share, stats_at) of actors whose statistics changed."""
    current = list(
        bulk.fetch_rows(
            conn,
            "SELECT id, mention_count, output_count, top_publisher_share FROM actors ORDER BY id",
        )
    )
    if not current:
        return []
    ids = np.array([r[0] for r in current], dtype=np.int64)
    old_m = np.array([-1 if r[1] is None else r[1] for r in current], dtype=np.int64)
    old_o = np.array([-1 if r[2] is None else r[2] for r in current], dtype=np.int64)
    old_s = np.array([np.nan if r[3] is None else r[3] for r in current], dtype=np.float64)
    new_m = np.zeros(len(ids), dtype=np.int64)
    new_o = np.zeros(len(ids), dtype=np.int64)
    new_s = np.full(len(ids), np.nan)
    at = np.searchsorted(ids, stats.actor)
    known = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == stats.actor)
    new_m[at[known]] = stats.mention_count[known]
    new_o[at[known]] = stats.output_count[known]
    new_s[at[known]] = stats.top_publisher_share[known]
    same_share = (old_s == new_s) | (np.isnan(old_s) & np.isnan(new_s))
    changed = np.flatnonzero((old_m != new_m) | (old_o != new_o) | ~same_share)
    stamp = bulk.timestamp_value(conn)(now)
    return [
        (
            int(ids[k]),
            int(new_m[k]),
            int(new_o[k]),
            None if np.isnan(new_s[k]) else float(new_s[k]),
            stamp,
        )
        for k in changed
    ]


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def rescore(
    engine: Engine,
    version: str | None = None,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
) -> RescoreReport:
    """Recompute every canonical output's rollup under ``version`` (default: the configured one).

    Idempotent: running it again leaves the same rows (``computed_at`` aside). ``now`` is the
    moment history windows end at (default: the current time).
    """
    started = clock.perf_counter()
    begun = utcnow()
    now = now or begun
    now_s = _epoch(now)
    marks: dict[str, float] = {}
    current: list[Any] = [None, started]

    def stage(name: str) -> None:
        t = clock.perf_counter()
        if current[0] is not None:
            marks[current[0]] = round(t - current[1], 3)
        current[0], current[1] = name, t
        if progress is not None:
            done = STAGES.index(name) if name in STAGES else len(STAGES)
            progress(name, done, len(STAGES))

    stage("rules")
    with transaction(engine) as session:
        rules = get_rules(session, version)
    report = RescoreReport(version=rules.version)
    stage("people and places")
    with transaction(engine) as session:
        _people_and_places(session, report)
        table = source_table(session, rules)

    with engine.begin() as conn:
        stage("read")
        all_ids, canonical, days, publisher, titles = _read_outputs(conn)
        mention, out_raw, source_id, actor, times = bulk.mention_columns(conn)
        source = table.index(source_id)
        del source_id
        report.mentions = len(mention)

        stage("modifiers")
        tier = _tiers(conn, table, mention, source)
        if rules.promiscuous.enabled:
            window = int(rules.promiscuous.params["window_hours"] * 3600)
            counts = distinct_outputs_per_window(actor, times, out_raw, window)
            promiscuous = counts > rules.promiscuous.params["max_outputs"]
            del counts
        else:
            promiscuous = np.zeros(len(mention), dtype=bool)
        at = np.minimum(np.searchsorted(all_ids, out_raw), max(len(all_ids) - 1, 0))
        exists = all_ids[at] == out_raw if len(all_ids) else np.zeros(len(out_raw), dtype=bool)
        pub = np.where(exists, publisher[at], -1)
        stats = actor_stats(actor, out_raw, pub)
        del pub
        single_actor = single_publisher_accounts(
            stats.output_count, stats.top_publisher_share, rules.single_publisher.params
        )
        single = np.zeros(len(mention), dtype=bool)
        has = np.flatnonzero(actor >= 0)
        single[has] = single_actor[np.searchsorted(stats.actor, actor[has])]
        del has, single_actor
        canon_ids = all_ids[canonical]
        n_out = len(canon_ids)
        valid = exists & canonical[at] if len(all_ids) else exists
        del at, exists
        judged = int(mention.max()) if len(mention) else 0
        if not valid.all():  # mentions of merged or missing outputs do not count
            keep = np.flatnonzero(valid)
            mention, out_raw, source, actor, times = (
                a[keep] for a in (mention, out_raw, source, actor, times)
            )
            tier, promiscuous, single = tier[keep], promiscuous[keep], single[keep]
            del keep
        del valid
        bots = bulk.int_columns(
            conn, f"SELECT id FROM actors WHERE kind_rule = '{BOT_RULE}'", 1, small=True
        )[0]
        flag, labels = detect(out_raw, actor, times, rules.anomalies, bots)
        dense = np.searchsorted(canon_ids, out_raw)
        del out_raw
        batch = Batch(
            mention=mention,
            output=dense,
            source=source,
            actor=actor,
            time=times,
            tier=tier,
            promiscuous=promiscuous,
            single_publisher=single,
            flag=flag,
            flag_labels=labels,
        )
        del mention, source, actor, times, tier, promiscuous, single, dense, flag

        stage("score")
        batch = batch.sorted()
        computed = compute(batch, table, rules, n_out, now_s, presorted=True)
        del batch
        metrics = metric_totals(bulk.fetch_rows(conn, METRIC_SQL))

        stage("context")
        contexts = _contexts(computed.sums.score, titles, days[canonical])

        stage("write")
        tuned = bulk.prepare_bulk_write(conn, ("output_scores",))
        report.outputs = n_out
        report.scored = int((computed.sums.score > 0).sum())
        report.flagged = int((computed.batch.flag >= 0).sum())
        actor_rows = _actor_updates(conn, stats, begun)
        del stats
        report.actors_updated = bulk.update_actor_stats(conn, actor_rows)
        del actor_rows
        _write_flags(conn, rules, computed, begun)
        computed.batch = computed.batch.take(np.zeros(0, dtype=np.int64))
        computed.status = computed.points = np.zeros(0)
        _write_scores(conn, rules, computed, table, canon_ids, metrics, contexts, begun)
        conn.execute(delete(ScoreQueue).where(ScoreQueue.queued_at <= begun))
        bulk.finish_bulk_write(conn, tuned)
    with transaction(engine) as session:
        set_cursor(
            session,
            judged_cursor(rules.version),
            {"max_mention_id": judged, "at": begun.isoformat()},
        )
    stage("done")
    marks.pop("done", None)
    report.stages = marks
    report.seconds = round(clock.perf_counter() - started, 3)
    return report


def _contexts(
    scores: np.ndarray, titles: list, days: np.ndarray
) -> Callable[[int, int], list[str]]:
    """A function giving the ``context`` JSON texts of outputs lo..hi-1 (``{}`` without the
    context module)."""
    try:
        from altscope.scoring.context import KINDS, context_arrays, journal_codes
    except ImportError:
        return lambda lo, hi: ["{}"] * (hi - lo)
    arrays = context_arrays(scores, journal_codes(titles), days)
    del titles[:]

    means = {kind: _repeated_float_texts(arrays[kind].mean) for kind in KINDS}

    def chunk(lo: int, hi: int) -> list[str]:
        parts = []
        for kind in KINDS:
            a = arrays[kind]
            count, rank, higher_than, pct = (
                x[lo:hi].tolist() for x in (a.count, a.rank, a.higher_than, a.pct)
            )
            mean = means[kind][lo:hi].tolist()
            template = f'"{kind}":{{{{"count":{{}},"mean":{{}},"rank":{{}},"pct":{{}},'
            template += '"higher_than":{}}}'
            null = f'"{kind}":null'
            parts.append(
                [
                    null if c <= 0 else template.format(c, m, r, p, h)
                    for c, m, r, p, h in zip(count, mean, rank, pct, higher_than, strict=True)
                ]
            )
        return ["{" + ",".join(row) + "}" for row in zip(*parts, strict=True)]

    return chunk


def _time_texts(conn: Any, seconds: np.ndarray) -> list[Any]:
    """Epoch seconds (-1: none) as raw timestamp values for the backend, vectorised."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="us")
    if bulk.dialect(conn) == "postgresql":
        text = np.char.add(text, "+00:00")
    else:
        text = np.char.replace(text, "T", " ")
    values = text.tolist()
    for i in np.flatnonzero(seconds < 0).tolist():
        values[i] = None
    return values


def _history_texts(
    windows: dict[str, tuple[np.ndarray, np.ndarray]], lo: int, hi: int
) -> list[str]:
    """The ``history`` JSON texts of outputs lo..hi-1 (one format call per output)."""
    entry = '"%s":{{"score":{},"posts":{}}}'
    template = "{{" + ",".join(entry % name for name in windows) + "}}"
    columns = []
    for score, posts in windows.values():
        columns += [_float_texts(score[lo:hi]), posts[lo:hi].tolist()]
    return [template.format(*row) for row in zip(*columns, strict=True)]


def _float_texts(values: np.ndarray) -> list[str]:
    """``repr`` of each float (as JSON writes it), fast when most are 0.0."""
    texts = np.full(len(values), "0.0", dtype=object)
    other = np.flatnonzero((values != 0) | np.signbit(values))
    if len(other):
        texts[other] = [repr(v) for v in values[other].tolist()]
    return texts.tolist()


def _repeated_float_texts(values: np.ndarray) -> np.ndarray:
    """``repr`` of each float as an object array, each distinct value formatted once."""
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([repr(v) for v in unique.tolist()] or [""], dtype=object)[inverse]


#: Outputs per chunk of rows built at once for the write.
ROW_CHUNK = 50_000


def _write_scores(
    conn: Any,
    rules: Rules,
    computed: Computed,
    table: SourceTable,
    canon_ids: np.ndarray,
    metrics: dict[int, dict[str, int]],
    contexts: Callable[[int, int], list[str]],
    computed_at: datetime,
) -> None:
    bulk.write_rows(
        conn,
        "output_scores",
        SCORE_COLUMNS,
        _score_rows(conn, rules, computed, table, canon_ids, metrics, contexts, computed_at),
        before=bulk.delete_version_sql(conn, "output_scores", rules.version),
    )


def _score_rows(
    conn: Any,
    rules: Rules,
    computed: Computed,
    table: SourceTable,
    canon_ids: np.ndarray,
    metrics: dict[int, dict[str, int]],
    contexts: Callable[[int, int], list[str]],
    computed_at: datetime,
) -> Iterator[tuple]:
    """The ``output_scores`` rows, built ROW_CHUNK outputs at a time (lists stay small)."""
    at = bulk.timestamp_value(conn)(computed_at)
    version = rules.version
    s = computed.sums
    n = len(canon_ids)
    bounds = np.searchsorted(s.group_output, np.arange(n + 1))
    flagged: dict[int, list[FlagEffect]] = {}
    for effect in computed.effects:
        flagged.setdefault(effect.output, []).append(effect)
    labels = computed.batch.flag_labels
    keys, names, categories = table.keys, table.names, table.categories

    def flag_list(i: int) -> str:
        return _dumps(
            [
                {
                    "kind": labels[e.label][0],
                    "reason": labels[e.label][1],
                    "mentions": e.mentions,
                    "points_excluded": e.points_excluded,
                }
                for e in flagged[i]
            ]
        )

    for lo in range(0, n, ROW_CHUNK):
        hi = min(n, lo + ROW_CHUNK)
        ids = canon_ids[lo:hi].tolist()
        score, display = s.score[lo:hi].tolist(), s.display[lo:hi].tolist()
        posts, accounts = s.posts[lo:hi].tolist(), s.accounts[lo:hi].tolist()
        cats = computed.categories[lo:hi].tolist()
        first = _time_texts(conn, s.first_time[lo:hi])
        last = _time_texts(conn, s.last_time[lo:hi])
        history = _history_texts(computed.windows, lo, hi)
        context = contexts(lo, hi)
        g0, g1 = int(bounds[lo]), int(bounds[hi])
        g_start = (bounds[lo : hi + 1] - g0).tolist()
        g_src = s.group_source[g0:g1].tolist()
        g_score = s.group_score[g0:g1].tolist()
        g_posts = s.group_posts[g0:g1].tolist()
        g_accounts = s.group_accounts[g0:g1].tolist()
        for k, output_id in enumerate(ids):
            i = lo + k
            metric = metrics.get(output_id)
            if posts[k] == 0 and metric is None:
                yield (
                    output_id, version, 0.0, 0, 0, 0, "{}", EMPTY_CATEGORIES, history[k],
                    context[k], "[]", None, None, at,
                )  # fmt: skip
                continue
            sources = {}
            for g in range(g_start[k], g_start[k + 1]):
                src = g_src[g]
                sources[keys[src]] = {
                    "name": names[src],
                    "category": categories[src],
                    "posts": g_posts[g],
                    "accounts": g_accounts[g],
                    "score": g_score[g],
                }
            yield (
                output_id,
                version,
                score[k],
                display[k],
                posts[k],
                accounts[k],
                _dumps(sources),
                _dumps(categories_json(cats[k], metric)),
                history[k],
                context[k],
                flag_list(i) if i in flagged else "[]",
                first[k],
                last[k],
                at,
            )


EMPTY_CATEGORIES = orjson.dumps(categories_json([0] * 5, None)).decode()


def _write_flags(conn: Any, rules: Rules, computed: Computed, detected_at: datetime) -> None:
    conn.exec_driver_sql(*bulk.delete_version_sql(conn, "mention_flags", rules.version))
    batch = computed.batch
    flagged = np.flatnonzero(batch.flag >= 0)
    at = bulk.timestamp_value(conn)(detected_at)
    labels = batch.flag_labels
    rows = (
        (int(batch.mention[k]), rules.version, *labels[int(batch.flag[k])], at) for k in flagged
    )
    bulk.write_rows(
        conn,
        "mention_flags",
        ("mention_id", "rules_version", "kind", "reason", "detected_at"),
        rows,
    )


# --------------------------------------------------------------------------------------------
# One output
# --------------------------------------------------------------------------------------------


def load_output_batch(session: Session, output_id: int, rules: Rules, table: SourceTable) -> Batch:
    """One output's non-removed mentions with their modifier inputs (dense output index 0)."""
    conn = session.connection()
    mark = bulk.placeholder(conn)
    mention, _, source_id, actor, times = bulk.int_columns(
        conn, bulk.mention_query(conn, f"AND m.output_id = {mark}"), 5, (output_id,), small=True
    )
    source = table.index(source_id)
    n = len(mention)
    tier = np.zeros(n, dtype=np.int8)
    tiered = np.flatnonzero(np.isin(source, table.needs_urls()))
    if len(tiered):
        urls = dict(
            bulk.fetch_rows(
                conn,
                f"SELECT id, url FROM mentions WHERE output_id = {mark} AND removed_at IS NULL",
                (output_id,),
            )
        )
        for k in tiered:
            tier[k] = url_tier(urls.get(int(mention[k])))
    promiscuous = _promiscuous_one(conn, rules, table, source, actor, times)
    single = _single_publisher_one(conn, rules, actor)
    flag, labels = _flags_one(session, output_id, rules, mention, actor, times)
    return Batch(
        mention=mention,
        output=np.zeros(n, dtype=np.int64),
        source=source,
        actor=actor,
        time=times,
        tier=tier,
        promiscuous=promiscuous,
        single_publisher=single,
        flag=flag,
        flag_labels=labels,
    )


def _flags_one(
    session: Session,
    output_id: int,
    rules: Rules,
    mention: np.ndarray,
    actor: np.ndarray,
    times: np.ndarray,
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Anomaly flags of one output's mentions.

    Bots and jumps are judged against all accounts and outputs, which only the full rescore
    sees: a mention it judged (id up to the cursor) keeps the rescore's verdict (its stored
    ``MentionFlag``); a newer mention takes the verdict of detection over this output alone.
    """
    conn = session.connection()
    mark = bulk.placeholder(conn)
    judged = (get_cursor(session, judged_cursor(rules.version)) or {}).get("max_mention_id", 0)
    actors = sorted({int(a) for a in actor if a >= 0})
    bots = np.zeros(0, dtype=np.int64)
    if actors:
        bots = bulk.int_columns(
            conn,
            f"SELECT id FROM actors WHERE kind_rule = '{BOT_RULE}' "
            f"AND id IN ({', '.join([mark] * len(actors))})",
            1,
            actors,
            small=True,
        )[0]
    flag, labels = detect(
        np.full(len(mention), output_id, dtype=np.int64), actor, times, rules.anomalies, bots
    )
    stored = list(
        bulk.fetch_rows(
            conn,
            "SELECT f.mention_id, f.kind, f.reason FROM mention_flags f JOIN mentions m "
            f"ON m.id = f.mention_id WHERE m.output_id = {mark} AND f.rules_version = {mark}",
            (output_id, rules.version),
        )
    )
    session.info[_HAD_FLAGS] = bool(stored)
    old = mention <= judged
    if not old.any():
        return flag, labels
    flag[old] = -1
    index = {label: k for k, label in enumerate(labels)}
    position = {int(m): k for k, m in enumerate(mention.tolist())}
    for mention_id, kind, reason in stored:
        k = position.get(int(mention_id))
        if k is not None and mention[k] <= judged:
            flag[k] = index.setdefault((kind, reason), len(index))
    return flag, list(index)


def _promiscuous_one(
    conn: Any,
    rules: Rules,
    table: SourceTable,
    source: np.ndarray,
    actor: np.ndarray,
    times: np.ndarray,
) -> np.ndarray:
    result = np.zeros(len(actor), dtype=bool)
    modifier = rules.promiscuous
    rows = np.flatnonzero(table.promiscuous[source] & (actor >= 0)) if modifier.enabled else []
    if not len(rows):
        return result
    window = int(modifier.params["window_hours"] * 3600)
    windows = times[rows] // window
    mark = bulk.placeholder(conn)
    time = bulk.epoch_sql(conn, "COALESCE(m.occurred_at, m.harvested_at)")
    actors = sorted({int(a) for a in actor[rows]})
    sql = (
        f"SELECT m.actor_id, {time} / {window}, COUNT(DISTINCT m.output_id) FROM mentions m "
        f"WHERE m.removed_at IS NULL AND m.actor_id IN ({', '.join([mark] * len(actors))}) "
        f"AND {time} >= {mark} AND {time} < {mark} GROUP BY m.actor_id, {time} / {window}"
    )
    lo, hi = int(windows.min()) * window, (int(windows.max()) + 1) * window
    counts = {(a, w): c for a, w, c in bulk.fetch_rows(conn, sql, (*actors, lo, hi))}
    limit = modifier.params["max_outputs"]
    for k, w in zip(rows.tolist(), windows.tolist(), strict=True):
        result[k] = counts.get((int(actor[k]), w), 0) > limit
    return result


def _single_publisher_one(conn: Any, rules: Rules, actor: np.ndarray) -> np.ndarray:
    result = np.zeros(len(actor), dtype=bool)
    actors = sorted({int(a) for a in actor if a >= 0})
    if not rules.single_publisher.enabled or not actors:
        return result
    mark = bulk.placeholder(conn)
    rows = list(
        bulk.fetch_rows(
            conn,
            "SELECT id, output_count, top_publisher_share FROM actors "
            f"WHERE id IN ({', '.join([mark] * len(actors))})",
            actors,
        )
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    count = np.array([r[1] or 0 for r in rows], dtype=np.int64)
    share = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64)
    yes = set(ids[single_publisher_accounts(count, share, rules.single_publisher.params)].tolist())
    for k, a in enumerate(actor.tolist()):
        result[k] = a in yes
    return result


def _metrics_one(session: Session, output_id: int) -> dict[str, int] | None:
    conn = session.connection()
    mark = bulk.placeholder(conn)
    rows = bulk.fetch_rows(conn, f"{METRIC_SQL} AND output_id = {mark}", (output_id,))
    return metric_totals(rows).get(output_id)


def compute_one(
    session: Session, output_id: int, rules: Rules, table: SourceTable, now: datetime
) -> Computed:
    """Score one (canonical) output exactly as the full rescore does."""
    batch = load_output_batch(session, output_id, rules, table)
    return compute(batch, table, rules, 1, _epoch(now))


def update_output(
    session: Session, output_id: int, version: str | None = None, *, now: datetime | None = None
) -> OutputScore | None:
    """Recompute one output's rollup under ``version`` and take it off the score queue.

    Returns the row, or None when the output does not exist or is merged into another (its
    rows are then removed; the survivor holds its mentions).
    """
    begun = utcnow()
    now = now or begun
    rules = get_rules(session, version)
    session.flush()
    output = session.get(Output, output_id)
    dequeue = delete(ScoreQueue).where(
        ScoreQueue.output_id == output_id, ScoreQueue.queued_at <= begun
    )
    if output is None or output.merged_into is not None:
        session.execute(
            delete(OutputScore).where(
                OutputScore.output_id == output_id, OutputScore.rules_version == rules.version
            )
        )
        session.execute(dequeue)
        index, day = _context_index(session, rules.version, output)
        if index is not None:
            index.record(output_id, None, None, day)
        return None
    table = source_table(session, rules)
    computed = compute_one(session, output_id, rules, table, now)
    builder = RowBuilder(computed, table, 1)
    score = builder.score[0]
    index, day = _context_index(session, rules.version, output)
    if index is not None:
        context = index.context(output_id, score, output.container_title, day)
    else:
        try:
            from altscope.scoring.context import context_for_one
        except ImportError:
            context = {}
        else:
            context = context_for_one(session, output_id, score, rules.version)
    fields = builder.fields(0, _metrics_one(session, output_id), context)
    row = session.get(OutputScore, (output_id, rules.version))
    if row is None:
        row = OutputScore(output_id=output_id, rules_version=rules.version)
        session.add(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.computed_at = begun
    _replace_flags_one(session, output_id, rules, computed.batch, begun)
    session.execute(dequeue)
    session.flush()
    if index is not None:
        index.record(output_id, score, output.container_title, day)
    return row


def _context_index(session: Session, version: str, output: Output | None) -> tuple[Any, int]:
    """This process's context index of ``version`` (None: use SQL) and the output's day.

    The fast path needs a full rescore to have run (its cursor stamps the index); without one
    the few incremental rows are counted with SQL (:func:`context_for_one`).
    """
    try:
        from altscope.scoring.context import context_index, day_number
    except ImportError:
        return None, -1
    day = day_number(output.published) if output is not None else -1
    stamp = get_cursor(session, judged_cursor(version))
    if not stamp:
        return None, day
    return context_index(session, version, orjson.dumps(stamp, option=orjson.OPT_SORT_KEYS)), day


def _replace_flags_one(
    session: Session, output_id: int, rules: Rules, batch: Batch, at: datetime
) -> None:
    if not batch.flag_labels and not session.info.pop(_HAD_FLAGS, True):
        return
    mine = select(Mention.id).where(Mention.output_id == output_id)
    session.execute(
        delete(MentionFlag).where(
            MentionFlag.rules_version == rules.version, MentionFlag.mention_id.in_(mine)
        )
    )
    for k in np.flatnonzero(batch.flag >= 0).tolist():
        kind, reason = batch.flag_labels[int(batch.flag[k])]
        session.add(
            MentionFlag(
                mention_id=int(batch.mention[k]),
                rules_version=rules.version,
                kind=kind,
                reason=reason,
                detected_at=at,
            )
        )


def drain_score_queue(engine: Engine, limit: int = 1000, version: str | None = None) -> int:
    """Update up to ``limit`` queued outputs (oldest first); how many were updated."""
    with transaction(engine) as session:
        ids = session.scalars(
            select(ScoreQueue.output_id).order_by(ScoreQueue.queued_at).limit(limit)
        ).all()
        for output_id in ids:
            update_output(session, output_id, version)
    return len(ids)
