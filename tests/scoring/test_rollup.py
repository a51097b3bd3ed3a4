"""The full rescore and the incremental update: same numbers, idempotent, queue-driven."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from tests.scoring.score_data import NOW, build_world, doi

from altscope import scoring
from altscope.scoring import rollup
from altscope.store.actors import upsert_actor
from altscope.store.db import session_factory, transaction
from altscope.store.mentions import add_mention, remove_mentions
from altscope.store.outputs import merge_outputs, upsert_output
from altscope.store.schema import Actor, MentionFlag, OutputScore, ScoreQueue

COLUMNS = (
    "score",
    "display_score",
    "posts",
    "accounts",
    "sources",
    "categories",
    "history",
    "flags",
    "first_seen_at",
    "last_mention_at",
)


def rows(engine, version=scoring.DEFAULT_VERSION) -> dict[int, dict]:
    with session_factory(engine)() as session:
        return {
            r.output_id: {c: getattr(r, c) for c in (*COLUMNS, "context")}
            for r in session.scalars(
                select(OutputScore).where(OutputScore.rules_version == version)
            )
        }


def test_rescore_gives_every_canonical_output_a_row(engine):
    world = build_world(engine)
    report = scoring.rescore(engine, now=NOW)
    stored = rows(engine)
    assert sorted(stored) == world.outputs
    assert report.outputs == len(world.outputs)
    assert report.scored == sum(1 for r in stored.values() if r["score"] > 0)
    assert not set(world.merged) & set(stored)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ScoreQueue)) == 0


def test_update_output_agrees_with_rescore_on_every_output(engine):
    world = build_world(engine)
    scoring.rescore(engine, now=NOW)
    full = rows(engine)
    with transaction(engine) as session:
        for output_id in world.outputs:
            scoring.update_output(session, output_id, now=NOW)
    incremental = rows(engine)
    for output_id in world.outputs:
        a, b = full[output_id], incremental[output_id]
        for column in COLUMNS:
            assert a[column] == b[column], (output_id, column)
        for kind, ctx in a["context"].items():
            other = b["context"][kind]
            assert (ctx is None) == (other is None)
            if ctx is not None:
                assert {k: v for k, v in ctx.items() if k != "mean"} == {
                    k: v for k, v in other.items() if k != "mean"
                }
                assert ctx["mean"] == pytest.approx(other["mean"])


def test_rescore_is_idempotent(engine):
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    first = rows(engine)
    report = scoring.rescore(engine, now=NOW)
    assert rows(engine) == first
    assert report.actors_updated == 0  # statistics unchanged


def test_the_modifiers_fire_on_the_built_world(engine):
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    with session_factory(engine)() as session:
        spam = session.scalar(select(Actor).where(Actor.native_id == "spammer"))
        fan = session.scalar(select(Actor).where(Actor.native_id == "fan"))
        assert spam.output_count >= 12 and spam.stats_at is not None
        assert fan.top_publisher_share == 1.0
        output = session.scalars(select(OutputScore)).first()
        explained = scoring.explain(session, output.output_id, now=NOW)
    spam_rows = [c for c in explained["contributions"] if c["actor"] == "@spam"]
    assert spam_rows and spam_rows[0]["points"] == 0.25  # 12 outputs: not above 20


def test_score_is_the_sum_of_source_contributions(engine):
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    for row in rows(engine).values():
        assert row["score"] == pytest.approx(sum(s["score"] for s in row["sources"].values()))
        assert row["posts"] == sum(s["posts"] for s in row["sources"].values())
        assert row["history"]["at"] == {"score": row["score"], "posts": row["posts"]}


def test_new_and_removed_mentions_queue_the_output_and_draining_updates_it(engine):
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    with transaction(engine) as session:
        output = upsert_output(session, [doi(3)])
        before = scoring.get_score(session, output.id).score
        actor = upsert_actor(session, "blog", "new-blogger")
        add_mention(session, output, "blog", native_id="fresh", actor=actor, occurred_at=NOW)
        queued = session.scalars(select(ScoreQueue.output_id)).all()
        output_id = output.id
    assert queued == [output_id]
    assert scoring.drain_score_queue(engine) == 1
    with session_factory(engine)() as session:
        assert scoring.get_score(session, output_id).score == before + 5
        assert session.scalar(select(func.count()).select_from(ScoreQueue)) == 0
    with transaction(engine) as session:
        assert remove_mentions(session, "blog", "fresh") == 1
        assert session.scalars(select(ScoreQueue.output_id)).all() == [output_id]
    scoring.drain_score_queue(engine)
    with session_factory(engine)() as session:
        assert scoring.get_score(session, output_id).score == before


def test_merging_moves_the_scores_to_the_survivor(engine):
    build_world(engine)
    scoring.rescore(engine, now=NOW)
    with transaction(engine) as session:
        keep = upsert_output(session, [doi(4)])
        other = upsert_output(session, [doi(5)])
        total_posts = (
            scoring.get_score(session, keep.id).posts + scoring.get_score(session, other.id).posts
        )
        merge_outputs(session, keep, other)
        other_id, keep_id = other.id, keep.id
    with session_factory(engine)() as session:
        assert session.get(OutputScore, (other_id, scoring.DEFAULT_VERSION)) is None
        assert session.get(ScoreQueue, keep_id) is not None
    scoring.drain_score_queue(engine)
    with session_factory(engine)() as session:
        # Merging may fold a post recorded for both into one, never add one.
        assert 0 < scoring.get_score(session, keep_id).posts <= total_posts
        assert scoring.get_score(session, other_id).output_id == keep_id


def test_update_of_a_merged_output_drops_its_rows(engine):
    world = build_world(engine)
    scoring.rescore(engine, now=NOW)
    with transaction(engine) as session:
        assert scoring.update_output(session, world.merged[0]) is None
        assert scoring.update_output(session, 10**9) is None


def _fake_detector(output, actor, time, params, bot_actors=None):
    """Flags every mention of the output with the smallest id (kind: burst)."""
    from dataclasses import dataclass

    @dataclass
    class Found:
        index: np.ndarray
        kind: list
        reason: list

    if not len(output):
        return Found(np.zeros(0, dtype=np.int64), [], [])
    index = np.flatnonzero(output == output.min())
    return Found(index, ["burst"] * len(index), ["test burst"] * len(index))


def test_flagged_mentions_are_stored_shown_and_excluded(engine, monkeypatch):
    import altscope.scoring.anomalies as anomalies

    monkeypatch.setattr(anomalies, "find_anomalies", _fake_detector)
    world = build_world(engine)
    target = world.outputs[0]
    report = scoring.rescore(engine, now=NOW)
    stored = rows(engine)[target]
    assert stored["score"] == 0
    assert len(stored["flags"]) == 1
    flag = stored["flags"][0]
    assert flag["kind"] == "burst" and flag["reason"] == "test burst"
    assert flag["mentions"] == stored["posts"] == report.flagged
    assert flag["points_excluded"] > 0
    with session_factory(engine)() as session:
        flags = session.scalars(select(MentionFlag)).all()
        assert len(flags) == report.flagged
        assert {f.rules_version for f in flags} == {scoring.DEFAULT_VERSION}
        explained = scoring.explain(session, target, now=NOW)
    assert all(
        c["excluded"] == "flagged (burst): test burst"
        for c in explained["contributions"]
        if c["status"] != "removed"
    )
    # The incremental path flags and excludes the same way.
    with transaction(engine) as session:
        row = scoring.update_output(session, target, now=NOW)
        assert row.flags == stored["flags"] and row.score == 0


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 120))
def test_randomized_worlds_agree(db_url, seed, n):
    from altscope.store.db import make_engine

    engine = make_engine(db_url)
    try:
        with transaction(engine) as session:
            for table in ("mention_flags", "output_scores", "score_queue", "mentions", "actors"):
                session.execute(rollup.delete(_table(table)))
        world = build_world(engine, seed=seed, n_outputs=1 + seed % 9, n_mentions=n)
        scoring.rescore(engine, now=NOW + timedelta(days=seed % 30))
        full = rows(engine)
        with transaction(engine) as session:
            for output_id in world.outputs:
                row = scoring.update_output(session, output_id, now=NOW + timedelta(days=seed % 30))
                for column in COLUMNS:
                    assert getattr(row, column) == full[output_id][column], (seed, column)
    finally:
        engine.dispose()


def _table(name: str):
    from altscope.store.schema import Base

    return Base.metadata.tables[name]


def test_a_bot_found_by_the_real_detector_is_excluded_in_both_paths(engine):
    world = build_world(engine, n_mentions=20)
    with transaction(engine) as session:
        bot = upsert_actor(session, "bluesky", "firehose", handle="@firehose")
        for k in range(40):
            output = upsert_output(session, [doi(500 + k)])
            add_mention(
                session,
                output,
                "bluesky",
                native_id=f"bot-{k}",
                actor=bot,
                occurred_at=NOW - timedelta(minutes=k),
            )
        target = upsert_output(session, [doi(500)]).id
    report = scoring.rescore(engine, now=NOW)
    assert report.flagged >= 40
    stored = rows(engine)
    assert stored[target]["score"] == 0
    assert stored[target]["flags"][0]["kind"] == "bot"
    # Had it counted: 0.25, halved as the account mentioned 40 outputs in one day (> 20).
    assert stored[target]["flags"][0]["points_excluded"] == 0.125
    assert sorted(stored) == sorted(set(world.outputs) | {target} | set(stored))
    with transaction(engine) as session:
        row = scoring.update_output(session, target, now=NOW)
        assert row.flags == stored[target]["flags"] and row.score == 0
        # A new mention of the output by an ordinary account is not flagged.
        person = upsert_actor(session, "bluesky", "person")
        add_mention(session, target, "bluesky", native_id="human", actor=person, occurred_at=NOW)
        row = scoring.update_output(session, target, now=NOW)
        assert row.score == 0.25 and row.flags == stored[target]["flags"]
