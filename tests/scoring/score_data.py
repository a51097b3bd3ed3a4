"""Realistic scoring test data built through altscope.store (imported by the scoring tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from altscope.ids import Identifier
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.mentions import add_mention, remove_mentions
from altscope.store.metrics import record_metric
from altscope.store.outputs import upsert_output
from altscope.store.schema import Output
from altscope.store.sources import SourceInfo, ensure_sources

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

SOURCES = [
    SourceInfo("bluesky", "Bluesky", "social_media", "bluesky"),
    SourceInfo("mastodon", "Mastodon", "social_media", "mastodon"),
    SourceInfo("news", "News", "mentions", "news"),
    SourceInfo("blog", "Blogs", "mentions", "blog"),
    SourceInfo("policy", "Policy documents", "mentions", "policy"),
    SourceInfo("patent", "Patents", "citations", "patent"),
    SourceInfo("wikipedia", "Wikipedia", "mentions", "wikipedia"),
    SourceInfo("syllabus", "Syllabi", "mentions", "syllabus"),
    SourceInfo("mendeley", "Mendeley", "captures", "mendeley"),
    SourceInfo("oddity", "Unweighted source", "mentions", "no_such_weight"),
]
NEWS_URLS = [
    "https://www.bbc.co.uk/news/science-1",
    "https://www.nytimes.com/2025/01/01/science/x.html",
    "https://small-town-gazette.example/story",
    None,
]


@dataclass
class World:
    outputs: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    mentions: int = 0


def doi(n: int) -> Identifier:
    return Identifier("doi", f"10.5555/test.{n}")


def build_world(engine: Engine, seed: int = 1, n_outputs: int = 12, n_mentions: int = 160) -> World:
    """Outputs of two publishers and three journals; mentions on every kind of source with
    repeats, promiscuous and single-publisher accounts, removals, a merge and metrics."""
    rng = random.Random(seed)
    world = World()
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        outputs: list[Output] = []
        for i in range(n_outputs):
            output = upsert_output(session, [doi(i)])
            output.publisher = rng.choice(["Pub A", "Pub B", None])
            output.container_title = rng.choice(["Journal X", "Journal Y", None])
            output.published = rng.choice(
                [None, date(2024, 1, 1) + timedelta(days=rng.randrange(400))]
            )
            outputs.append(output)
        session.flush()
        actors = {
            key: [upsert_actor(session, key, f"{key}-{k}", handle=f"@{key}{k}") for k in range(5)]
            for key in ("bluesky", "mastodon", "blog", "policy", "patent")
        }
        # A promiscuous account: many outputs within one day.
        spammer = upsert_actor(session, "bluesky", "spammer", handle="@spam")
        for k, output in enumerate(outputs):
            add_mention(
                session,
                output,
                "bluesky",
                native_id=f"spam-{k}",
                actor=spammer,
                occurred_at=NOW - timedelta(hours=3, minutes=k),
            )
        # A single-publisher account.
        fan = upsert_actor(session, "mastodon", "fan", handle="@fan")
        for k, output in enumerate(o for o in outputs if o.publisher == "Pub A"):
            add_mention(
                session,
                output,
                "mastodon",
                native_id=f"fan-{k}",
                actor=fan,
                occurred_at=NOW - timedelta(days=k + 1),
            )
        for k in range(n_mentions):
            output = rng.choice(outputs)
            source = rng.choice([s.key for s in SOURCES])
            actor = None
            if source in actors and rng.random() < 0.9:
                actor = rng.choice(actors[source])
            when = NOW - timedelta(seconds=rng.randrange(0, 500 * 86_400))
            add_mention(
                session,
                output,
                source,
                native_id=f"post-{k}",
                url=rng.choice(NEWS_URLS) if source == "news" else None,
                actor=actor,
                occurred_at=when if rng.random() < 0.95 else None,
                harvested_at=NOW - timedelta(days=1),
            )
        for k in range(0, n_mentions, 17):
            remove_mentions(session, "bluesky", f"post-{k}")
        first = outputs[0]
        record_metric(
            session, first, "mendeley", "readers", 7, period="2025-01-01", observed_at=NOW
        )
        record_metric(
            session, first, "mendeley", "readers", 9, period="2025-02-01", observed_at=NOW
        )
        record_metric(session, first, "repo", "downloads", 5, period="2025-01", observed_at=NOW)
        record_metric(session, first, "repo", "downloads", 6, period="2025-02", observed_at=NOW)
        record_metric(
            session, first, "crossref", "citations", 3, period="2025-02-01", observed_at=NOW
        )
        # Two outputs that turn out to be one work.
        twin = upsert_output(session, [doi(10_000)])
        add_mention(
            session,
            twin,
            "blog",
            native_id="twin-post",
            actor=actors["blog"][0],
            occurred_at=NOW - timedelta(days=2),
        )
        session.flush()
        merged = upsert_output(session, [doi(1), doi(10_000)])
        world.outputs = sorted({o.id for o in outputs} | {merged.id})
        world.merged = [twin.id] if twin.id != merged.id else []
    return world
