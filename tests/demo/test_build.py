"""Building the demo runs the real pipeline: percolated mentions with evidence, metrics, scores."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, select
from typer.testing import CliRunner

from altscope.cli import app
from altscope.demo.generate import SOURCE_KINDS
from altscope.demo.pipeline import build_demo, demo_state
from altscope.demo.tour import tour
from altscope.store.db import transaction
from altscope.store.outputs import find_output
from altscope.store.schema import (
    Actor,
    Evidence,
    Mention,
    MetricSnapshot,
    Output,
    OutputScore,
    Source,
)

TABLES = (Output, Mention, Evidence, Actor, MetricSnapshot, Source, OutputScore)


def _counts(engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in TABLES
        }


def test_every_source_kind_gets_mentions(built_demo):
    with transaction(built_demo.engine) as session:
        per_source = dict(
            session.execute(
                select(Source.key, func.count(Mention.id))
                .join(Mention, Mention.source_id == Source.id)
                .group_by(Source.key)
            ).all()
        )
    assert set(SOURCE_KINDS) <= set(per_source)
    assert all(per_source[key] > 0 for key in SOURCE_KINDS)
    assert built_demo.report.new_mentions == sum(per_source.values())


def test_every_mention_has_evidence_and_a_match_method(built_demo):
    with transaction(built_demo.engine) as session:
        mentions = session.scalars(select(Mention)).all()
        assert len(mentions) > 500
        methods = Counter(m.match_method for m in mentions)
        assert None not in methods and all(m.match_verification for m in mentions)
        # Identifiers in text and links, publisher URL rules, and titles in news stories.
        assert {"text-id", "url-id", "url-rule"} <= set(methods)
        for mention in mentions[::25]:
            assert mention.evidence_id is not None and mention.occurred_at is not None
            post = json.loads(mention.evidence.body())
            assert post.get("id", post.get("native_id")) == mention.native_id
        # Only the hand-written posts about untracked works match nothing.
        assert len(built_demo.report.unmatched_posts) <= 3


def test_real_outputs_are_kept_and_found_by_their_identifiers(built_demo):
    with transaction(built_demo.engine) as session:
        attention = find_output(session, "arxiv", "arXiv:1706.03762")
        book = find_output(session, "isbn", "9780374275631")
        assert attention.title == "Attention Is All You Need"
        assert book.title == "Thinking, Fast and Slow"
        counted = session.scalar(
            select(func.count()).select_from(Mention).where(Mention.output_id == attention.id)
        )
        assert counted > 20


def test_actors_have_profiles_and_locations_across_kinds_and_countries(built_demo):
    with transaction(built_demo.engine) as session:
        actors = session.scalars(select(Actor)).all()
        assert len(actors) > 200
        with_location = [a for a in actors if a.location]
        assert len(with_location) > 0.7 * len(actors)
        assert sum(1 for a in actors if a.profile) > 0.7 * len(actors)
        # Scoring classified them from their profiles and placed them from their locations.
        kinds = Counter(a.kind for a in actors)
        assert {"public", "researcher", "practitioner", "communicator"} <= set(kinds)
        assert len({a.country for a in actors if a.country}) >= 15


def test_metrics_and_scores_are_stored(built_demo):
    with transaction(built_demo.engine) as session:
        kinds = set(session.scalars(select(MetricSnapshot.kind).distinct()))
        assert {"readers", "citations", "views", "downloads"} <= kinds
        scored = session.scalars(select(OutputScore)).all()
        outputs = session.scalar(select(func.count()).select_from(Output))
        assert len(scored) == outputs
        assert max(s.score for s in scored) > 10


def test_the_planted_anomalies_are_flagged(built_demo):
    state = demo_state(built_demo.engine)
    with transaction(built_demo.engine) as session:
        flags = {
            row.output_id: {flag["kind"] for flag in row.flags or []}
            for row in session.scalars(select(OutputScore))
        }
    assert "burst" in flags[state["anomalies"]["burst"]["output_id"]]
    assert "jump" in flags[state["anomalies"]["jump"]["output_id"]]
    assert any("bot" in kinds for kinds in flags.values())


def test_the_tour_points_at_real_pages(built_demo):
    with transaction(built_demo.engine) as session:
        sections = tour(session)
        assert list(sections)[:2] == ["about_this_demo", "start_here"]
        entries = [entry for section in sections.values() for entry in section]
        hrefs = {entry["href"] for entry in entries}
        assert all(
            h.startswith("/") and entry["label"] for entry in entries for h in [entry["href"]]
        )
        assert "/docs" in hrefs and "/details/arxiv/1706.03762" in hrefs
        assert any(h.startswith("/details/isbn/") for h in hrefs)
        assert any(h.startswith("/details/arxiv/") and "1706" not in h for h in hrefs)
        assert any(h.startswith("/badge/doi/") for h in hrefs)
        assert {"burst", "jump", "bot"} <= {
            word for e in sections["suspicious_activity"] for word in ("burst", "jump", "bot")
            if e["note"].startswith(f"Flagged: {word}")
        }  # fmt: skip


def test_a_database_that_is_not_a_demo_has_no_tour(db_session):
    assert tour(db_session) == {}


def test_building_again_changes_nothing(built_demo):
    before = _counts(built_demo.engine)
    again = build_demo(built_demo.engine)  # seed, now and scale as stored
    assert again.new_mentions == 0
    assert again.imported.added == 0
    assert (again.seed, again.now, again.scale) == (
        built_demo.report.seed,
        built_demo.report.now,
        built_demo.report.scale,
    )
    assert _counts(built_demo.engine) == before


def test_demo_command_builds_then_reuses(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["demo", "--database-url", db_url, "--no-serve", "--scale", "0.05", "--seed", "11"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Attention Is All You Need" in first.output
    assert "evidence sha256:" in first.output
    assert "/details/arxiv/1706.03762" in first.output and "/docs" in first.output
    for key in SOURCE_KINDS:
        assert f" {key} " in first.output  # the per-source table
    from altscope.store.db import make_engine

    engine = make_engine(db_url)
    try:
        before = _counts(engine)
        second = runner.invoke(app, ["demo", "--database-url", db_url, "--no-serve"])
        assert second.exit_code == 0, second.output
        assert "already built" in second.output
        assert _counts(engine) == before
        other_seed = runner.invoke(app, [*args[:4], "--seed", "12"])
        assert other_seed.exit_code == 1
        assert "seed 11" in other_seed.output
    finally:
        engine.dispose()
