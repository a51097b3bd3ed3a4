"""PlumX-style categories: mentions by source category plus metric snapshots."""

from __future__ import annotations

from datetime import timedelta

from tests.scoring.score_data import NOW, SOURCES, doi

from altscope import scoring
from altscope.scoring.categories import metric_totals
from altscope.store.db import session_factory, transaction
from altscope.store.mentions import add_mention
from altscope.store.metrics import record_metric
from altscope.store.outputs import upsert_output
from altscope.store.sources import ensure_sources


def test_latest_daily_value_wins_and_months_add_up():
    rows = [
        (1, "mendeley", "readers", "2025-01-01", 7),
        (1, "mendeley", "readers", "2025-02-01", 9),
        (1, "mendeley", "readers", "2024-12-01", 100),
        (1, "repo", "downloads", "2025-01", 5),
        (1, "repo", "downloads", "2025-02", 6),
        (1, "repo", "views", "2025-02-03", 10),
        (1, "crossref", "citations", "2025-02-01", 3),
        (1, "crossref", "mystery", "2025-02-01", 1000),
        (2, "crossref", "citations", "2025-02-01", 4),
    ]
    totals = metric_totals(rows)
    assert totals == {1: {"captures": 9, "usage": 21, "citations": 3}, 2: {"citations": 4}}


def test_categories_of_a_scored_output(engine):
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        output = upsert_output(session, [doi(7)])
        for k, source in enumerate(["bluesky", "bluesky", "news", "patent", "mendeley"]):
            add_mention(
                session, output, source, native_id=f"m{k}", occurred_at=NOW - timedelta(days=k)
            )
        record_metric(
            session, output, "mendeley", "readers", 12, period="2025-02-01", observed_at=NOW
        )
        record_metric(session, output, "repo", "views", 40, period="2025-01", observed_at=NOW)
        record_metric(
            session, output, "crossref", "citations", 2, period="2025-02-01", observed_at=NOW
        )
        output_id = output.id
    scoring.rescore(engine, now=NOW)
    with session_factory(engine)() as session:
        row = scoring.get_score(session, output_id)
        assert row.categories == {
            "usage": 40,
            "captures": 13,
            "mentions": 1,
            "social_media": 2,
            "citations": 3,
        }
    with transaction(engine) as session:
        assert scoring.update_output(session, output_id, now=NOW).categories == row.categories
