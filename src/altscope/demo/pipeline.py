"""Building the demo database through the real pipeline.

1. register the sources (one per kind of attention, with its scoring weight key);
2. import the real outputs from ``demo_data/outputs.bib`` and store the generated ones;
3. turn every generated post (and the hand-written ``demo_data/posts.jsonl``) into an
   :class:`~altscope.percolate.observation.Observation` and run it through the percolator
   offline (no landing pages fetched); record the results, many per transaction, so each
   mention keeps its evidence and how it was matched;
4. store reader counts, citations and monthly usage as metric snapshots;
5. rescore every output (``altscope.scoring.rescore``).

The seed and ``now`` of a build are kept in the ``demo`` cursor: building again reuses them, so
the rows stay the same however many times (and on whichever day) the build runs.
"""

from __future__ import annotations

import asyncio
import json
import time as clock
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, func, select

from altscope.demo.generate import DEFAULT_SEED, SOURCE_KINDS, DemoData, DemoPost, generate
from altscope.ids import parse
from altscope.ingest import ImportReport, import_file
from altscope.percolate.observation import Observation, ObservedActor
from altscope.percolate.pipeline import PercolationResult, Percolator, PercolatorOptions
from altscope.percolate.record import load_percolator, record_percolation
from altscope.store._insert import upsert_insert
from altscope.store.cursors import get_cursor, set_cursor
from altscope.store.db import transaction
from altscope.store.outputs import find_output, upsert_output
from altscope.store.schema import MetricSnapshot, OutputScore
from altscope.store.sources import SourceInfo, ensure_sources

__all__ = [
    "BATCH",
    "DEMO_CURSOR",
    "DEMO_SOURCES",
    "BuildReport",
    "build_demo",
    "demo_state",
    "hand_posts",
]

DATA = files("altscope") / "demo_data"
DEMO_CURSOR = "demo"
BATCH = 500  # percolation results recorded per transaction

#: Every source of the demo: mentions (posts), and the metric providers' categories.
DEMO_SOURCES: tuple[SourceInfo, ...] = (
    *(SourceInfo(key, name, category, key) for key, (name, category) in SOURCE_KINDS.items()),
    SourceInfo("mendeley", "Mendeley readers", "captures", "mendeley"),
    SourceInfo("crossref", "Crossref citations", "citations", "crossref"),
    SourceInfo("counter", "Views and downloads (COUNTER)", "usage", "counter"),
)

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class BuildReport:
    """What a build did, and how long each step took (seconds)."""

    seed: int
    now: datetime
    scale: float = 1.0
    imported: ImportReport | None = None
    outputs: int = 0
    posts: int = 0
    new_mentions: int = 0
    metrics: int = 0
    unmatched_posts: list[str] = field(default_factory=list)
    scored: Any = None
    timings: dict[str, float] = field(default_factory=dict)


def demo_state(engine: Engine) -> dict[str, Any] | None:
    """The seed, ``now`` and counts of the demo built in this database, or ``None``."""
    with transaction(engine) as session:
        state = get_cursor(session, DEMO_CURSOR)
    return state if isinstance(state, dict) else None


def hand_posts() -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The hand-written sample posts (about the real outputs): raw bytes and parsed."""
    for line in DATA.joinpath("posts.jsonl").read_bytes().splitlines():
        if line.strip():
            yield line, json.loads(line)


def _hand_observation(raw: bytes, post: dict[str, Any]) -> Observation:
    text = post["text"]
    return Observation(
        text,
        "html" if text.lstrip().startswith("<") else "text",
        source=post["source"],
        native_id=post["native_id"],
        occurred_at=datetime.fromisoformat(post["posted_at"]),
        actor=ObservedActor(post["handle"], handle=post["handle"], name=post["name"]),
        raw=raw,
        media_type="application/json",
    )


def observation_of(post: DemoPost, data: DemoData) -> Observation:
    """A generated post as its source would hand it to the percolator."""
    actor = data.actor_of(post)
    return Observation(
        post.content,
        post.kind,  # type: ignore[arg-type]
        source=post.source,
        native_id=post.native_id,
        url=post.url,
        occurred_at=post.occurred_at,
        actor=ObservedActor(
            actor.native_id,
            handle=actor.handle,
            name=actor.name,
            url=actor.url,
            followers=actor.followers,
            profile=actor.profile,
            location=actor.location,
        ),
        title=post.title,
        raw=post.raw(actor),
        media_type="application/json",
    )


def _observations(data: DemoData) -> Iterator[Observation]:
    for raw, post in hand_posts():
        yield _hand_observation(raw, post)
    for post in data.posts:
        yield observation_of(post, data)


def _store_outputs(engine: Engine, data: DemoData) -> dict[str, int]:
    """Store the generated outputs; the output id of every output key (real ones too)."""
    ids: dict[str, int] = {}
    with transaction(engine) as session:
        for output in data.outputs:
            identifiers = [parse(text) for text in output.identifiers]
            if output.real:
                found = find_output(session, identifiers[0].scheme, identifiers[0].value)
                if found is not None:
                    ids[output.key] = found.id
                continue
            ids[output.key] = upsert_output(session, identifiers, output.metadata()).id
    return ids


async def _percolate_all(
    percolator: Percolator, observations: Iterable[Observation]
) -> list[PercolationResult]:
    return [await percolator.percolate(observation) for observation in observations]


def _record(
    engine: Engine, results: list[PercolationResult], report: BuildReport, progress: Progress
) -> None:
    for start in range(0, len(results), BATCH):
        with transaction(engine) as session:
            for result in results[start : start + BATCH]:
                recorded = record_percolation(session, result, keep_unmatched=False)
                report.new_mentions += recorded.new_mentions
                if not recorded.mentions:
                    report.unmatched_posts.append(result.observation.native_id or "?")
        progress("recording mentions", min(start + BATCH, len(results)), len(results))


def _store_metrics(engine: Engine, data: DemoData, ids: dict[str, int]) -> int:
    rows = [
        {
            "output_id": ids[m.output],
            "provider": m.provider,
            "kind": m.kind,
            "period": m.period,
            "value": m.value,
            "observed_at": m.observed_at,
        }
        for m in data.metrics
        if m.output in ids
    ]
    with transaction(engine) as session:
        for start in range(0, len(rows), 1000):
            insert = upsert_insert(session, MetricSnapshot).values(rows[start : start + 1000])
            session.execute(
                insert.on_conflict_do_nothing(
                    index_elements=["output_id", "provider", "kind", "period"]
                )
            )
    return len(rows)


def _anomalies(data: DemoData, ids: dict[str, int]) -> dict[str, Any]:
    """The planted anomalies, with the output ids they are about."""
    return {
        name: {**planted, "output_id": ids.get(planted["output"])}
        if "output" in planted
        else planted
        for name, planted in data.anomalies.items()
    }


def _rescore(engine: Engine) -> Any:
    try:
        from altscope.scoring import rescore
    except ImportError:  # scoring not installed in this build
        return None
    return rescore(engine)


def _anchor(
    engine: Engine, seed: int | None, now: datetime | None, scale: float | None
) -> tuple[int, datetime, float]:
    """Seed, ``now`` and scale to build with: as asked, else as last built, else defaults."""
    state = demo_state(engine) or {}
    if seed is None:
        seed = int(state.get("seed", DEFAULT_SEED))
    same = int(state.get("seed", -1)) == seed
    if now is None and state.get("now") and same:
        now = datetime.fromisoformat(state["now"])
    if now is None:
        today = datetime.now(UTC).date()
        now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    if scale is None:
        scale = float(state.get("scale", 1.0)) if same else 1.0
    return seed, now, scale


def build_demo(
    engine: Engine,
    *,
    seed: int | None = None,
    now: datetime | None = None,
    scale: float | None = None,
    rescore: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build (or build again, changing nothing) the demo database on ``engine``.

    ``seed``, ``now`` and ``scale`` default to the ones this database was built with, else
    to :data:`DEFAULT_SEED`, the start of the current UTC day and 1 (see :func:`generate`).
    """
    progress = progress or (lambda step, done, total: None)
    seed, now, scale = _anchor(engine, seed, now, scale)
    report = BuildReport(seed=seed, now=now, scale=scale)
    started = clock.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        report.timings[name] = round(clock.perf_counter() - started, 3)
        started = clock.perf_counter()

    data = generate(seed, now, scale)
    lap("generate")
    with transaction(engine) as session:
        ensure_sources(session, DEMO_SOURCES)
    report.imported = import_file(engine, str(DATA.joinpath("outputs.bib")), "bibtex")
    ids = _store_outputs(engine, data)
    report.outputs = len(ids)
    lap("outputs")
    progress("percolating posts", 0, len(data.posts))
    percolator = load_percolator(engine, options=PercolatorOptions(fetch=False))
    results = asyncio.run(_percolate_all(percolator, _observations(data)))
    report.posts = len(results)
    lap("percolate")
    _record(engine, results, report, progress)
    lap("record")
    report.metrics = _store_metrics(engine, data, ids)
    with transaction(engine) as session:
        set_cursor(
            session,
            DEMO_CURSOR,
            {
                "seed": seed,
                "now": now.isoformat(),
                "scale": scale,
                "outputs": report.outputs,
                "posts": report.posts,
                "anomalies": _anomalies(data, ids),
            },
        )
    lap("metrics")
    if rescore:
        progress("scoring", 0, 1)
        report.scored = _rescore(engine)
        lap("score")
    return report


def needs_scores(engine: Engine) -> bool:
    """Whether the database has no output scores yet (a build before scoring existed)."""
    with transaction(engine) as session:
        return not session.scalar(select(func.count()).select_from(OutputScore))
