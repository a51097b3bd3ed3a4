"""The incremental update's in-memory context index against the exact computations."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from tests.scoring.score_data import NOW, build_world
from tests.scoring.test_context import VERSION, _store, assert_same

from altscope import scoring
from altscope.scoring.context import (
    KINDS,
    ContextIndex,
    context_arrays,
    context_for_one,
    day_number,
    journal_codes,
    load_context_index,
    published_days,
    to_json,
)
from altscope.store.db import transaction
from altscope.store.schema import Output, OutputScore


def _world(n: int, seed: int):
    rng = np.random.default_rng(seed)
    titles = [None, "", "Journal A", "Journal B", "Journal C"]
    start = date(2020, 1, 1)
    rows = [
        (
            titles[int(rng.integers(0, len(titles)))],
            None if rng.random() < 0.1 else start + timedelta(days=int(rng.integers(0, 200))),
        )
        for _ in range(n)
    ]
    scores = np.round(rng.pareto(1.5, n) * rng.integers(0, 2, n), 1)
    return rows, scores


def test_index_agrees_with_arrays_on_every_output() -> None:
    rows, scores = _world(300, 3)
    titles = [t for t, _ in rows]
    days = published_days([p for _, p in rows])
    arrays = context_arrays(scores, journal_codes(titles), days)
    ids = np.arange(1000, 1300)[::-1].copy()  # any order
    index = ContextIndex("stamp", ids, scores, titles, days)
    for i in range(len(rows)):
        got = index.context(int(ids[i]), float(scores[i]), titles[i], int(days[i]))
        expected = to_json(arrays, i)
        for kind in KINDS:
            assert_same(got[kind], expected[kind])


def test_index_with_updates_agrees_with_sql(db_session) -> None:
    rows, scores = _world(150, 5)
    stored = [float(s) for s in scores]
    ids = _store(db_session, rows, stored)
    index = load_context_index(db_session, VERSION, "stamp")
    assert len(index) == len(ids)
    rng = np.random.default_rng(9)
    # Change some scores (as incremental updates do), remove one row, add a new output with a
    # journal the index never saw: the index follows its own updates.
    for k in rng.choice(len(ids), 40, replace=False).tolist():
        new = float(np.round(rng.pareto(1.5) * 3, 1))
        db_session.get(OutputScore, (ids[k], VERSION)).score = new
        index.record(ids[k], new, rows[k][0], day_number(rows[k][1]))
    gone = ids[7]
    db_session.delete(db_session.get(OutputScore, (gone, VERSION)))
    index.record(gone, None, rows[7][0], day_number(rows[7][1]))
    fresh = Output(title="t", container_title="Journal New", published=date(2020, 3, 1))
    db_session.add(fresh)
    db_session.flush()
    db_session.add(OutputScore(output_id=fresh.id, rules_version=VERSION, score=2.5))
    index.record(fresh.id, 2.5, "Journal New", day_number(fresh.published))
    db_session.flush()
    probes = [(ids[i], rows[i]) for i in range(0, len(ids), 7)] + [
        (fresh.id, ("Journal New", fresh.published)),
        (gone, rows[7]),
    ]
    for output_id, (title, published) in probes:
        for score in (0.0, 1.0, 2.5, 50.0):
            expected = context_for_one(db_session, output_id, score, VERSION)
            got = index.context(output_id, score, title, day_number(published))
            for kind in KINDS:
                assert_same(got[kind], expected[kind])


def test_update_output_uses_the_index_and_it_is_rebuilt_after_a_rescore(engine) -> None:
    world = build_world(engine)
    scoring.rescore(engine, now=NOW)
    version = scoring.DEFAULT_VERSION
    with transaction(engine) as session:
        row = scoring.update_output(session, world.outputs[0], now=NOW)
        index = scoring.rollup._context_index(session, version, None)[0]
        assert index is not None and world.outputs[0] in index.slot  # the fast path ran
        expected = context_for_one(session, world.outputs[0], row.score, version)
        for kind in KINDS:
            assert_same(row.context[kind], expected[kind])
    scoring.rescore(engine, now=NOW)
    with transaction(engine) as session:
        again = scoring.rollup._context_index(session, version, None)[0]
        assert again is not index and again.stamp != index.stamp and not again.slot
