"""History windows and daily series."""

from __future__ import annotations

from datetime import timedelta

from tests.scoring.score_data import NOW, SOURCES, doi

from altscope import scoring
from altscope.scoring.history import WINDOWS
from altscope.store.actors import upsert_actor
from altscope.store.db import session_factory, transaction
from altscope.store.mentions import add_mention
from altscope.store.outputs import upsert_output
from altscope.store.sources import ensure_sources

AGES = {  # hours before NOW -> blog posts (5 points each, distinct accounts)
    1: 1,
    30: 1,
    24 * 6 + 1: 1,
    24 * 20: 1,
    24 * 100: 1,
    24 * 400: 1,
}


def _output(engine) -> int:
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        output = upsert_output(session, [doi(1)])
        for k, hours in enumerate(AGES):
            actor = upsert_actor(session, "blog", f"blogger-{k}")
            add_mention(
                session,
                output,
                "blog",
                native_id=f"b{k}",
                actor=actor,
                occurred_at=NOW - timedelta(hours=hours),
            )
        return output.id


def test_windows_count_what_happened_before_computed_at(engine):
    output_id = _output(engine)
    scoring.rescore(engine, now=NOW)
    with session_factory(engine)() as session:
        history = scoring.get_score(session, output_id).history
    assert list(history) == list(WINDOWS)
    for name, seconds in WINDOWS.items():
        expected = sum(1 for h in AGES if seconds is None or h * 3600 < seconds)
        assert history[name] == {"score": 5.0 * expected, "posts": expected}, name
    assert history["1d"]["posts"] == 1 and history["2d"]["posts"] == 2
    assert history["1w"]["posts"] == 3 and history["1y"]["posts"] == 5


def test_windows_move_with_now(engine):
    output_id = _output(engine)
    scoring.rescore(engine, now=NOW + timedelta(days=1000))
    with session_factory(engine)() as session:
        history = scoring.get_score(session, output_id).history
    assert history["1y"]["posts"] == 0 and history["at"]["posts"] == len(AGES)


def test_daily_series_adds_up_to_the_score(engine):
    output_id = _output(engine)
    with transaction(engine) as session:
        # A repeat from one account: a post that day, no points.
        actor = upsert_actor(session, "blog", "blogger-0")
        add_mention(
            session,
            output_id,
            "blog",
            native_id="again",
            actor=actor,
            occurred_at=NOW - timedelta(hours=2),
        )
    scoring.rescore(engine, now=NOW)
    with session_factory(engine)() as session:
        series = scoring.daily_series(session, output_id)
        score = scoring.get_score(session, output_id)
    assert sum(d["score"] for d in series) == score.score == 30.0
    assert sum(d["posts"] for d in series) == score.posts == 7
    assert [d["day"] for d in series] == sorted(d["day"] for d in series)
    assert {d["source"] for d in series} == {"blog"}
    today = [d for d in series if d["day"] == (NOW - timedelta(hours=1)).date()]
    assert today and today[0]["posts"] == 2 and today[0]["score"] == 5.0
