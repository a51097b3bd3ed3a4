"""The demo: a small, real run of the pipeline on shipped sample data.

Well-known research outputs are imported from a BibTeX file; twenty sample posts, stories and
Wikipedia edits (written for the demo, not harvested) go through the percolator offline (text,
URL and URL-rule rungs); every match becomes a mention that keeps its evidence and how it was
matched. Running it again changes nothing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import selectinload

from altscope.ingest import ImportReport, import_file
from altscope.percolate.observation import Observation, ObservedActor
from altscope.percolate.record import load_percolator, record_percolation
from altscope.store.db import transaction
from altscope.store.schema import Mention, Output, Source
from altscope.store.sources import SourceInfo, ensure_sources

DATA = files("altscope") / "demo_data"
DEMO_SOURCES = (
    SourceInfo("bluesky", "Bluesky", "social_media", "bluesky"),
    SourceInfo("mastodon", "Mastodon", "social_media", "mastodon"),
    SourceInfo("reddit", "Reddit", "social_media", "reddit"),
    SourceInfo("news", "News", "mentions", "news"),
    SourceInfo("blog", "Blogs", "mentions", "blog"),
    SourceInfo("wikipedia", "Wikipedia", "mentions", "wikipedia"),
)


@dataclass(slots=True)
class DemoReport:
    """What the demo did."""

    imported: ImportReport
    posts: int = 0
    new_mentions: int = 0
    unmatched_posts: list[str] = field(default_factory=list)


def sample_posts() -> Iterator[tuple[bytes, dict[str, Any]]]:
    """Each sample post as its raw bytes (the evidence) and parsed."""
    for line in DATA.joinpath("posts.jsonl").read_bytes().splitlines():
        if line.strip():
            yield line, json.loads(line)


def observation_of(raw: bytes, post: dict[str, Any]) -> Observation:
    """A sample post as a source would hand it to the percolator."""
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


def run_demo(engine: Engine) -> DemoReport:
    """Import the demo outputs and percolate the sample posts into mentions."""
    with transaction(engine) as session:
        ensure_sources(session, DEMO_SOURCES)
    bib = DATA.joinpath("outputs.bib")
    report = DemoReport(imported=import_file(engine, str(bib), "bibtex"))
    percolator = load_percolator(engine)
    for raw, post in sample_posts():
        report.posts += 1
        result = asyncio.run(percolator.percolate(observation_of(raw, post)))
        with transaction(engine) as session:
            recorded = record_percolation(session, result, keep_unmatched=False)
        report.new_mentions += recorded.new_mentions
        if not recorded.mentions:
            report.unmatched_posts.append(post["native_id"])
    return report


def mention_counts(engine: Engine) -> list[tuple[Output, dict[str, int]]]:
    """Every output with its mention count per source, most mentioned first."""
    with transaction(engine) as session:
        rows = session.execute(
            select(Mention.output_id, Source.key, func.count())
            .join(Source, Source.id == Mention.source_id)
            .group_by(Mention.output_id, Source.key)
        ).all()
        counts: dict[int, dict[str, int]] = {}
        for output_id, source, count in rows:
            counts.setdefault(output_id, {})[source] = count
        outputs = session.scalars(
            select(Output)
            .where(Output.merged_into.is_(None))
            .options(selectinload(Output.identifiers))
        ).all()
        ranked = sorted(outputs, key=lambda o: (-sum(counts.get(o.id, {}).values()), o.id))
        return [(output, counts.get(output.id, {})) for output in ranked]


def first_mention(engine: Engine) -> Mention | None:
    """The earliest stored mention, with its source, actor, output and evidence loaded."""
    with transaction(engine) as session:
        return session.scalars(
            select(Mention)
            .order_by(Mention.occurred_at, Mention.id)
            .options(
                selectinload(Mention.source),
                selectinload(Mention.actor),
                selectinload(Mention.evidence),
                selectinload(Mention.output).selectinload(Output.identifiers),
            )
            .limit(1)
        ).first()
