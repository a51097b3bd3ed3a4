"""Explain: every point traced to a mention and a rule."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from tests.scoring.score_data import NOW, SOURCES, build_world, doi

from altscope import scoring
from altscope.store.actors import upsert_actor
from altscope.store.db import session_factory, transaction
from altscope.store.mentions import add_mention, remove_mentions
from altscope.store.outputs import upsert_output
from altscope.store.sources import deprecate_source, ensure_sources


def test_contributions_add_up_to_the_stored_score(engine):
    world = build_world(engine)
    scoring.rescore(engine, now=NOW)
    with session_factory(engine)() as session:
        for output_id in world.outputs:
            result = scoring.explain(session, output_id, now=NOW)
            stored = scoring.get_score(session, output_id)
            assert result["score"] == stored.score
            assert result["display_score"] == stored.display_score
            assert sum(c["points"] for c in result["contributions"]) == pytest.approx(stored.score)
            for key, entry in result["sources"].items():
                mine = [c for c in result["contributions"] if c["source"] == key]
                assert sum(c["points"] for c in mine) == pytest.approx(entry["score"])
                assert entry["rule"]
            for c in result["contributions"]:
                assert (c["points"] == 0) == (c["excluded"] is not None) or c["base_weight"] == 0
                product = c["base_weight"]
                for modifier in c["modifiers"]:
                    product *= modifier["factor"]
                assert c["points"] == (product if c["excluded"] is None else 0)
            json.dumps(result)  # JSON-ready


def test_reasons_name_the_rule(engine):
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        output = upsert_output(session, [doi(1)])
        blogger = upsert_actor(session, "blog", "blogger", handle="@blogger")
        for k in range(2):
            add_mention(
                session,
                output,
                "blog",
                native_id=f"b{k}",
                actor=blogger,
                occurred_at=NOW - timedelta(hours=k),
            )
        for k in range(2):
            add_mention(
                session,
                output,
                "wikipedia",
                native_id=f"w{k}",
                occurred_at=NOW - timedelta(hours=k),
            )
        add_mention(
            session,
            output,
            "news",
            native_id="n",
            url="https://www.bbc.co.uk/news/science-1",
            occurred_at=NOW,
        )
        add_mention(session, output, "oddity", native_id="o", occurred_at=NOW)
        add_mention(session, output, "bluesky", native_id="gone", occurred_at=NOW)
        remove_mentions(session, "bluesky", "gone", at=NOW)
        output_id = output.id
        result = scoring.explain(session, output_id, now=NOW)
    by_status = {}
    for c in result["contributions"]:
        by_status.setdefault(c["status"], []).append(c)
    assert by_status["repeat"][0]["excluded"].startswith("repeat")
    assert by_status["repeat"][0]["actor"] == "@blogger"
    assert by_status["once"][0]["excluded"] == "wikipedia counts once per output"
    assert "no weight for weight key 'no_such_weight'" in by_status["unweighted"][0]["excluded"]
    assert by_status["removed"][0]["excluded"].startswith("removed at")
    (news,) = [c for c in result["contributions"] if c["source"] == "news"]
    assert (
        news["rule"]
        == "weights.news: 8 per mention, one per account, scaled by the outlet's reach tier"
    )
    assert news["modifiers"][0]["name"] == "outlet_tier"
    assert news["points"] == 8 * news["modifiers"][0]["factor"]
    assert result["score"] == 5 + 3 + news["points"]


def test_a_deprecated_source_counts_in_versions_stored_before_but_not_after(engine):
    new_version = "test-after-deprecation"
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        output = upsert_output(session, [doi(2)])
        add_mention(session, output, "blog", native_id="b", occurred_at=NOW)
        output_id = output.id
        assert scoring.explain(session, output_id, now=NOW)["score"] == 5  # stores the default
    with transaction(engine) as session:
        deprecate_source(session, "blog")
    from altscope.scoring.rules import DEFAULT_VERSION, parse_rules, shipped_versions, store_rules

    text = shipped_versions()[DEFAULT_VERSION].read_text("utf-8")
    with transaction(engine) as session:
        store_rules(
            session,
            parse_rules(
                text.replace(f'version = "{DEFAULT_VERSION}"', f'version = "{new_version}"', 1)
            ),
        )
    with transaction(engine) as session:
        assert scoring.explain(session, output_id, now=NOW)["score"] == 5
        after = scoring.explain(session, output_id, new_version, now=NOW)
    assert after["score"] == 0
    assert after["contributions"][0]["excluded"] == f"source blog is deprecated under {new_version}"
    report = scoring.rescore(engine, version=new_version, now=NOW)
    assert report.version == new_version
    with session_factory(engine)() as session:
        assert scoring.get_score(session, output_id, new_version).score == 0
        assert scoring.get_score(session, output_id) is None  # default version not rescored
