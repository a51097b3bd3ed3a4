"""Bulk writes of the full rescore: rows built in chunks, written by a second thread."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from tests.scoring.score_data import NOW, build_world
from tests.scoring.test_rollup import rows

from altscope import scoring
from altscope.scoring import bulk, rollup


def test_rescore_in_small_chunks_stores_the_same_rows(engine, monkeypatch):
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    plain = rows(engine)
    monkeypatch.setattr(rollup, "ROW_CHUNK", 7)  # many chunks of rows
    monkeypatch.setattr(bulk, "WRITE_CHUNK", 5)
    scoring.rescore(engine, now=NOW)
    assert rows(engine) == plain


def test_a_failing_write_raises_and_writes_nothing(engine):
    with engine.connect() as conn:
        with pytest.raises(engine.dialect.dbapi.IntegrityError), conn.begin():
            bulk.write_rows(conn, "score_queue", ("output_id", "queued_at"), [(1, None)] * 3)
        assert conn.execute(text("SELECT COUNT(*) FROM score_queue")).scalar() == 0


def test_the_score_index_and_pragmas_are_back_after_a_rescore(engine, monkeypatch):
    build_world(engine)
    if engine.dialect.name != "sqlite":
        pytest.skip("the tuning is SQLite's")

    def indexes() -> list[str]:
        with engine.connect() as conn:
            return (
                conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name = 'output_scores'"
                )
                .scalars()
                .all()
            )

    before = indexes()
    assert before
    scoring.rescore(engine, now=NOW)
    assert indexes() == before
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
    # A rescore failing while it writes leaves the index (and the old rows) in place.
    stored = rows(engine)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rollup, "_write_scores", fail)
    with pytest.raises(RuntimeError):
        scoring.rescore(engine, now=NOW)
    assert indexes() == before and rows(engine) == stored


def test_account_statistics_survive_rows_read_out_of_id_order(engine):
    """PostgreSQL returns rows in heap order: an updated row moves to the end."""
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    with engine.begin() as conn:
        first = conn.exec_driver_sql("SELECT MIN(id) FROM actors").scalar()
        conn.exec_driver_sql(f"UPDATE actors SET name = 'renamed' WHERE id = {first}")
        before = conn.exec_driver_sql(
            "SELECT id, mention_count, output_count, top_publisher_share FROM actors ORDER BY id"
        ).all()
    report = scoring.rescore(engine, now=NOW)
    with engine.connect() as conn:
        after = conn.exec_driver_sql(
            "SELECT id, mention_count, output_count, top_publisher_share FROM actors ORDER BY id"
        ).all()
    assert report.actors_updated == 0 and after == before


def test_batch_sorted_matches_lexsort_in_any_input_order():
    from dataclasses import replace

    import numpy as np

    from altscope.scoring.score import empty_batch

    rng = np.random.default_rng(3)
    n = 5000
    ids = np.arange(10, 10 + n, dtype=np.int64)
    for mention in (ids, rng.permutation(ids)):  # ascending (SQLite) and heap order
        batch = replace(
            empty_batch(),
            mention=mention,
            output=rng.integers(0, 50, n),
            source=rng.integers(0, 5, n).astype(np.int16),
            actor=rng.integers(-1, 100, n),
            time=rng.integers(0, 30, n),
            tier=np.zeros(n, np.int8),
            promiscuous=np.zeros(n, bool),
            single_publisher=np.zeros(n, bool),
            flag=np.full(n, -1, np.int32),
        )
        expected = np.lexsort((batch.mention, batch.time, batch.source, batch.output))
        assert batch.sorted().mention.tolist() == batch.mention[expected].tolist()
