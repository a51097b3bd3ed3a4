"""Evidence, mentions, sources, actors, groups, metrics and cursors."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session
from store_helpers import SOURCES, count, doi

from altscope.store.actors import upsert_actor
from altscope.store.cursors import get_cursor, set_cursor
from altscope.store.db import session_factory
from altscope.store.evidence import store_evidence
from altscope.store.groups import add_to_group, ensure_group, remove_from_group
from altscope.store.keys import mention_dedup_key
from altscope.store.mentions import add_mention, remove_mentions
from altscope.store.metrics import latest_metrics, record_metric
from altscope.store.outputs import merge_outputs, upsert_output
from altscope.store.schema import Actor, Evidence, Mention, MetricSnapshot, Source
from altscope.store.sources import SourceInfo, deprecate_source, ensure_sources, get_source

# -- evidence -------------------------------------------------------------------------------


def test_evidence_is_stored_once_and_compressed(db_session: Session, sources) -> None:
    body = b"<html>" + b"a post citing doi:10.1000/x " * 500 + b"</html>"
    first = store_evidence(db_session, body, "text/html", "wikipedia", "https://example.org/1")
    second = store_evidence(db_session, body, "text/html", "bluesky", "https://example.org/2")
    db_session.commit()

    assert second.id == first.id
    assert count(db_session, Evidence) == 1
    assert first.sha256 == hashlib.sha256(body).hexdigest()
    assert first.size == len(body)
    assert len(first.data) < len(body) / 10
    assert zlib.decompress(first.data) == body
    # The first sender is kept.
    assert (first.source.key, first.url) == ("wikipedia", "https://example.org/1")

    db_session.expire_all()
    stored = db_session.scalars(select(Evidence)).one()
    assert stored.body() == body
    assert stored.text().startswith("<html>a post")

    other = store_evidence(db_session, body + b" ", "text/html")
    assert other.id != first.id and other.source is None


def test_evidence_refuses_text_and_unknown_sources(db_session: Session, sources) -> None:
    with pytest.raises(TypeError):
        store_evidence(db_session, "not bytes", "text/plain")  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="unknown source 'nowhere'"):
        store_evidence(db_session, b"x", "text/plain", "nowhere")


def test_evidence_round_trips_binary(db_session: Session) -> None:
    body = bytes(range(256)) * 10
    evidence = store_evidence(db_session, body, "application/octet-stream")
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Evidence, evidence.id).body() == body


# -- mentions -------------------------------------------------------------------------------


def test_mentions_are_deduplicated(db_session: Session, sources) -> None:
    output = upsert_output(db_session, [doi("10.1000/m")])
    other = upsert_output(db_session, [doi("10.1000/n")])
    evidence = store_evidence(db_session, b'{"post": 1}', "application/json", "bluesky")
    actor = upsert_actor(db_session, "bluesky", "did:plc:abc", handle="someone.example")
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

    mention, created = add_mention(
        db_session,
        output,
        "bluesky",
        native_id="at://did:plc:abc/post/1",
        url="https://bsky.app/profile/someone.example/post/1",
        occurred_at=when,
        actor=actor,
        title=None,
        snippet="Nice paper",
        match_method="doi-in-text",
        match_verification="exact",
        evidence=evidence,
    )
    again, created_again = add_mention(
        db_session, output, "bluesky", native_id="at://did:plc:abc/post/1", snippet="changed"
    )
    elsewhere, created_elsewhere = add_mention(
        db_session, other, "bluesky", native_id="at://did:plc:abc/post/1"
    )
    _, created_by_url = add_mention(
        db_session, output, "wikipedia", url="https://en.wikipedia.org/wiki/Tides"
    )
    db_session.commit()

    assert created and not created_again and created_elsewhere and created_by_url
    assert again.id == mention.id and again.snippet == "Nice paper"
    assert elsewhere.id != mention.id
    assert count(db_session, Mention) == 3
    assert mention.dedup_key == mention_dedup_key(
        "bluesky", "at://did:plc:abc/post/1", None, output.id
    )
    assert mention.occurred_at == when
    assert (mention.actor.handle, mention.evidence.id) == ("someone.example", evidence.id)
    assert mention.harvested_at.tzinfo is not None

    with pytest.raises(ValueError, match="id for the post or its URL"):
        add_mention(db_session, output, "bluesky")


def test_mention_dedup_key_depends_on_source_post_and_output() -> None:
    base = mention_dedup_key("bluesky", "p1", None, 1)
    assert base == mention_dedup_key("bluesky", "p1", "https://ignored.example", 1)
    assert len(base) == 64
    others = {
        mention_dedup_key("mastodon", "p1", None, 1),
        mention_dedup_key("bluesky", "p2", None, 1),
        mention_dedup_key("bluesky", "p1", None, 2),
        mention_dedup_key("bluesky", None, "p1", 1),
    }
    assert base not in others and len(others) == 4


def test_mentions_of_an_alias_go_to_the_survivor(db_session: Session, sources) -> None:
    keep = upsert_output(db_session, [doi("10.1/keep")])
    alias = upsert_output(db_session, [doi("10.1/alias")])
    merge_outputs(db_session, keep, alias)
    mention, _ = add_mention(db_session, alias, "wikipedia", native_id="rev/7")
    assert mention.output_id == keep.id


def test_removed_mentions_stay_marked(db_session: Session, sources) -> None:
    a = upsert_output(db_session, [doi("10.1/a")])
    b = upsert_output(db_session, [doi("10.1/b")])
    add_mention(db_session, a, "bluesky", native_id="post/1")
    add_mention(db_session, b, "bluesky", native_id="post/1")
    kept, _ = add_mention(db_session, a, "bluesky", native_id="post/2")
    assert remove_mentions(db_session, "bluesky", "post/1") == 2
    assert remove_mentions(db_session, "bluesky", "post/1") == 0
    db_session.commit()
    assert count(db_session, Mention) == 3
    assert count(db_session, Mention, Mention.removed_at.is_not(None)) == 2
    assert db_session.get(Mention, kept.id).removed_at is None


# -- sources and actors ---------------------------------------------------------------------


def test_sources_are_registered_idempotently(db_session: Session) -> None:
    first = ensure_sources(db_session, SOURCES)
    again = ensure_sources(
        db_session,
        [
            {"key": "wikipedia", "name": "Wikipedia (all languages)", "category": "mentions"},
            SourceInfo("hackernews", "Hacker News", "social_media"),
        ],
    )
    db_session.commit()
    assert again["wikipedia"].id == first["wikipedia"].id
    assert get_source(db_session, "wikipedia").name == "Wikipedia (all languages)"
    assert count(db_session, Source) == 4
    assert get_source(db_session, "mendeley").active is True

    deprecated = deprecate_source(db_session, "mendeley")
    ensure_sources(db_session, SOURCES)  # re-registering does not reactivate
    assert deprecated.active is False and deprecated.deprecated_at is not None

    with pytest.raises(ValueError, match="category 'gossip'"):
        ensure_sources(db_session, [SourceInfo("x", "X", "gossip")])


def test_source_category_is_checked_by_the_database(db_session: Session) -> None:
    db_session.add(Source(key="bad", name="Bad", category="gossip"))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_actors_are_upserted(db_session: Session, sources) -> None:
    actor = upsert_actor(db_session, "bluesky", "did:plc:1", handle="a.example", followers=10)
    same = upsert_actor(db_session, "bluesky", "did:plc:1", followers=12, country="NZ")
    other_source = upsert_actor(db_session, "wikipedia", "did:plc:1")
    db_session.commit()
    assert same.id == actor.id and other_source.id != actor.id
    assert (same.handle, same.followers, same.country) == ("a.example", 12, "NZ")
    assert count(db_session, Actor) == 2


# -- groups and metrics ---------------------------------------------------------------------


def test_groups_nest_and_hold_outputs(db_session: Session) -> None:
    uni = ensure_group(db_session, "institution", "Uni", external_key="ror:05abc")
    dept = ensure_group(db_session, "department", "Physics", parent=uni)
    person = ensure_group(db_session, "person", "R. Searcher", external_key="0000-0002-1825-0097")
    assert ensure_group(db_session, "department", "Physics", parent=uni).id == dept.id
    assert ensure_group(db_session, "institution", "Uni renamed", external_key="ror:05abc") is uni
    assert uni.name == "Uni renamed"

    output = upsert_output(db_session, [doi("10.5/g")])
    assert add_to_group(db_session, dept, output) is True
    assert add_to_group(db_session, dept, output) is False
    assert add_to_group(db_session, person, output) is True
    db_session.commit()
    assert dept.parent.id == uni.id and [c.id for c in uni.children] == [dept.id]
    assert {g.id for g in output.groups} == {dept.id, person.id}
    assert remove_from_group(db_session, person, output) is True
    assert [g.id for g in output.groups] == [dept.id]


def test_metric_snapshots(db_session: Session) -> None:
    output = upsert_output(db_session, [doi("10.6/m")])
    day1 = datetime(2024, 6, 1, 12, tzinfo=UTC)
    day2 = day1 + timedelta(days=1)
    first = record_metric(db_session, output, "mendeley", "readers", 5, observed_at=day1)
    assert first.period == "2024-06-01"
    same = record_metric(
        db_session, output, "mendeley", "readers", 5, observed_at=day1 + timedelta(hours=3)
    )
    assert same.id == first.id and same.observed_at == day1  # same value: nothing changes
    changed = record_metric(
        db_session, output, "mendeley", "readers", 6, observed_at=day1 + timedelta(hours=4)
    )
    assert changed.id == first.id and changed.value == 6
    record_metric(db_session, output, "mendeley", "readers", 8, observed_at=day2)
    record_metric(db_session, output, "counter", "downloads", 40, period="2024-05")
    db_session.commit()
    assert count(db_session, MetricSnapshot) == 3
    assert latest_metrics(db_session, output) == {
        ("mendeley", "readers"): 8,
        ("counter", "downloads"): 40,
    }
    with pytest.raises(ValueError, match="negative"):
        record_metric(db_session, output, "mendeley", "readers", -1)
    # The default period is the UTC day, whatever the observer's time zone.
    east = datetime(2024, 6, 10, 1, tzinfo=timezone(timedelta(hours=10)))
    assert record_metric(db_session, output, "x", "views", 1, observed_at=east).period == (
        "2024-06-09"
    )


# -- cursors --------------------------------------------------------------------------------


def test_cursors_round_trip(engine, db_session: Session) -> None:
    assert get_cursor(db_session, "jetstream") is None
    assert get_cursor(db_session, "jetstream", default=0) == 0
    set_cursor(db_session, "jetstream", 1718000000123456)
    set_cursor(db_session, "wikimedia", {"topic": "recentchange", "offset": [1, 2], "ok": True})
    set_cursor(db_session, "feeds:last", "2024-06-01T00:00:00Z")
    set_cursor(db_session, "jetstream", 1718000000999999)
    db_session.commit()

    with session_factory(engine)() as fresh:
        assert get_cursor(fresh, "jetstream") == 1718000000999999
        assert get_cursor(fresh, "wikimedia") == {
            "topic": "recentchange",
            "offset": [1, 2],
            "ok": True,
        }
        assert get_cursor(fresh, "feeds:last") == "2024-06-01T00:00:00Z"


# -- times ----------------------------------------------------------------------------------


def test_times_are_stored_in_utc(db_session: Session, sources) -> None:
    output = upsert_output(db_session, [doi("10.7/t")])
    local = datetime(2024, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    mention, _ = add_mention(db_session, output, "wikipedia", native_id="r1", occurred_at=local)
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(Mention, mention.id)
    assert stored.occurred_at == local
    assert stored.occurred_at.utcoffset() == timedelta(0)
    assert stored.occurred_at.hour == 12
    # Comparisons in SQL use the same UTC form.
    later = datetime(2024, 3, 1, 12, 31, tzinfo=UTC)
    assert db_session.scalar(select(Mention.id).where(Mention.occurred_at < later)) == mention.id

    with pytest.raises(StatementError, match="naive datetime"):
        add_mention(
            db_session, output, "wikipedia", native_id="r2", occurred_at=datetime(2024, 3, 1)
        )
