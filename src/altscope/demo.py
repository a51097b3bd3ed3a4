"""The demo: a small, real run of the pipeline on shipped sample data.

Well-known research outputs are imported from a BibTeX file; twenty sample posts, stories and
Wikipedia edits (written for the demo, not harvested) go through the percolator's identifier
matching; every match becomes a mention that keeps its evidence and how it was matched. Running it
again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import selectinload

from altscope.ids import Identifier
from altscope.ids.arxiv import unversioned
from altscope.ingest import ImportReport, import_file
from altscope.percolate.match import Match, match_observation
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.evidence import store_evidence
from altscope.store.mentions import add_mention
from altscope.store.outputs import find_output
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


def _lookup_keys(identifier: Identifier) -> list[tuple[str, str]]:
    """Stored forms to look an identifier up by: an arXiv version also finds the work."""
    keys = [(identifier.scheme, identifier.value)]
    if identifier.scheme == "arxiv" and unversioned(identifier.value) != identifier.value:
        keys.append(("arxiv", unversioned(identifier.value)))
    return keys


def _matched_outputs(session, matches: list[Match]) -> list[tuple[Output, Match]]:
    found: dict[int, tuple[Output, Match]] = {}
    for match in matches:
        for scheme, value in _lookup_keys(match.identifier):
            output = find_output(session, scheme, value)
            if output is not None:
                found.setdefault(output.id, (output, match))
                break
    return list(found.values())


def record_post(session, raw: bytes, post: dict[str, Any]) -> tuple[int, int]:
    """Percolate one post and store its mentions: (outputs matched, mentions new)."""
    text = post["text"]
    matches = match_observation(text, html=text.lstrip().startswith("<"))
    targets = _matched_outputs(session, matches)
    if not targets:
        return 0, 0
    source = post["source"]
    evidence = store_evidence(session, raw, "application/json", source, post.get("url"))
    actor = upsert_actor(session, source, post["handle"], handle=post["handle"], name=post["name"])
    new = 0
    for output, match in targets:
        _, created = add_mention(
            session,
            output,
            source,
            native_id=post["native_id"],
            occurred_at=datetime.fromisoformat(post["posted_at"]),
            actor=actor,
            snippet=text[:500],
            match_method=match.method,
            match_verification=match.verification,
            evidence=evidence,
        )
        new += created
    return len(targets), new


def run_demo(engine: Engine) -> DemoReport:
    """Import the demo outputs and percolate the sample posts into mentions."""
    with transaction(engine) as session:
        ensure_sources(session, DEMO_SOURCES)
    bib = DATA.joinpath("outputs.bib")
    report = DemoReport(imported=import_file(engine, str(bib), "bibtex"))
    for raw, post in sample_posts():
        report.posts += 1
        with transaction(engine) as session:
            matched, new = record_post(session, raw, post)
        report.new_mentions += new
        if not matched:
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
