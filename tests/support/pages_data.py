"""Data for the page tests (tests/web/test_pages.py, tests/browser/test_details_page.py):
outputs, sources, actors, mentions, evidence and rollups scored by altscope.scoring.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import Engine, insert, select

from altscope import ids
from altscope.config import Settings
from altscope.records import Author, OutputMetadata
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.evidence import store_evidence
from altscope.store.keys import mention_dedup_key
from altscope.store.mentions import add_mention
from altscope.store.merge import merge_outputs
from altscope.store.metrics import record_metric
from altscope.store.outputs import upsert_output
from altscope.store.schema import Actor, Mention, MentionFlag, OutputScore, Source
from altscope.store.sources import SourceInfo, ensure_sources
from altscope.web.app import create_app
from altscope.web.pages.routes import mount_static
from altscope.web.pages.scoring_view import DEFAULT_VERSION

SOURCES = (
    SourceInfo("bluesky", "Bluesky", "social_media", "bluesky"),
    SourceInfo("news", "News", "mentions", "news"),
    SourceInfo("wikipedia", "Wikipedia", "mentions", "wikipedia"),
)
EVIL = '<script>alert("x")</script>'
EVIL_TITLE = f"{EVIL} & a study"
EVIL_NAME = '<img src=x onerror=alert(1)>"Mallory"'
EVIL_SNIPPET = f"Look {EVIL} <b>bold</b> & more"
EVIL_URL = "javascript:alert(document.cookie)"
EVIDENCE_HTML = b"<html><body><script>alert('evidence')</script><h1>post</h1></body></html>"
DOI = "10.1234/pages.test"
START = datetime(2024, 3, 1, 12, tzinfo=UTC)


def app_for(engine: Engine) -> FastAPI:
    """The real app, with static files mounted if create_app does not mount them yet."""
    settings = Settings(
        api_rate_limit_anonymous=0,
        api_rate_limit_keyed=0,
        api_rate_limit_exempt=[],
        public_base_url=None,
    )
    app = create_app(engine, settings=settings)
    if not any(getattr(route, "path", None) == "/static" for route in app.routes):
        mount_static(app)
    return app


def _store_score(session, output_id: int, sources: dict, posts: int, accounts: int) -> None:
    """A stored rollup row as scoring writes it (used when scoring cannot compute one)."""
    total = sum(s["score"] for s in sources.values())
    session.merge(
        OutputScore(
            output_id=output_id,
            rules_version=DEFAULT_VERSION,
            score=total,
            display_score=round(total),
            posts=posts,
            accounts=accounts,
            sources=sources,
            categories={
                "usage": 0,
                "captures": 7,
                "mentions": 1,
                "social_media": 2,
                "citations": 0,
            },
            history={"1w": {"score": 1.5, "posts": 1}, "at": {"score": total, "posts": posts}},
            context={
                "all": {"count": 41, "mean": 2.0, "rank": 3, "pct": 87, "higher_than": 38},
                "journal": {"count": 5, "mean": 1.0, "rank": 1, "pct": 100, "higher_than": 4},
                "similar_age_3m": {
                    "count": 9,
                    "mean": 1.0,
                    "rank": 2,
                    "pct": 80,
                    "higher_than": 7,
                },
                "similar_age_journal_3m": None,
            },
            flags=[
                {
                    "kind": "bot",
                    "reason": f"{EVIL} posted 40 times",
                    "mentions": 1,
                    "points_excluded": 0.25,
                }
            ],
        )
    )


def _score(engine: Engine) -> bool:
    """Score everything with altscope.scoring when it can; False when it cannot yet."""
    try:
        from altscope.scoring import rescore
    except ImportError:
        return False
    rescore(engine)
    return True


def build(engine: Engine) -> dict[str, int]:
    """A hostile-titled output with mentions on three sources, a merged alias and a silent one."""
    out: dict[str, int] = {}
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        main = upsert_output(
            session,
            [ids.parse(DOI, "doi"), ids.parse("31415926", "pmid")],
            OutputMetadata(
                provider="test",
                title=EVIL_TITLE,
                authors=[Author(EVIL_NAME), Author("Ada Lovelace")],
                container_title="Journal of <i>Tests</i>",
                published=date(2024, 2, 20),
                type="journal-article",
                abstract=f"Abstract with {EVIL}",
            ),
        )
        alias = upsert_output(
            session, [ids.parse("10.1234/pages.alias", "doi")], OutputMetadata(provider="test")
        )
        silent = upsert_output(
            session,
            [ids.parse("10.1234/pages.silent", "doi")],
            OutputMetadata(provider="test", title="A quiet paper"),
        )
        session.flush()
        evil = upsert_actor(
            session, "bluesky", "did:evil", handle="mallory.example", name=EVIL_NAME,
            country="FR", url=EVIL_URL,
        )  # fmt: skip
        ana = upsert_actor(session, "bluesky", "did:ana", handle="ana.example", name="Ana",
                           country="US", url="https://bsky.app/profile/ana.example")  # fmt: skip
        reporter = upsert_actor(session, "news", "outlet:1", name="The Daily Planet", country="GB")
        session.flush()
        session.execute(
            Actor.__table__.update().where(Actor.id == ana.id).values(kind="researcher")
        )
        evidence = store_evidence(
            session, EVIDENCE_HTML, "text/html", "bluesky", "https://bsky.app/post/1"
        )
        first, _ = add_mention(
            session, main, "bluesky", native_id="post-1", url=EVIL_URL, actor=evil,
            occurred_at=START, snippet=EVIL_SNIPPET, match_method="doi-in-text",
            match_verification="exact", evidence=evidence,
        )  # fmt: skip
        add_mention(
            session, main, "bluesky", native_id="post-2", url="https://bsky.app/post/2",
            actor=ana, occurred_at=START + timedelta(days=3), snippet="A fine paper",
        )  # fmt: skip
        add_mention(
            session, main, "news", native_id="story-1", url="https://planet.example/story",
            actor=reporter, occurred_at=START + timedelta(days=10), title="Scientists find",
            snippet="Scientists find that things are tested.",
        )  # fmt: skip
        record_metric(session, main, "mendeley", "readers", 7, period="2024-03-20")
        merge_outputs(session, main, alias)
        out.update(main=main.id, alias=alias.id, silent=silent.id, evidence=evidence.id,
                   mention=first.id)  # fmt: skip
    scored = _score(engine)
    with transaction(engine) as session:  # after scoring, which rewrites the flags it finds
        session.merge(
            MentionFlag(
                mention_id=out["mention"],
                rules_version=DEFAULT_VERSION,
                kind="bot",
                reason=f"{EVIL} posts too often",
            )
        )
    if not scored:
        with transaction(engine) as session:
            _store_score(
                session,
                out["main"],
                {
                    "bluesky": {
                        "name": "Bluesky",
                        "category": "social_media",
                        "posts": 2,
                        "accounts": 2,
                        "score": 0.5,
                    },
                    "news": {
                        "name": "News",
                        "category": "mentions",
                        "posts": 1,
                        "accounts": 1,
                        "score": 8.0,
                    },
                },
                posts=3,
                accounts=3,
            )
    return out


def add_many_mentions(engine: Engine, output_id: int, count: int) -> None:
    """``count`` mentions of ``output_id`` across the sources and 500 actors, inserted in bulk."""
    with transaction(engine) as session:
        sources = {s.key: s.id for s in session.scalars(select(Source))}
        keys = list(sources)
        session.execute(
            insert(Actor),
            [
                {"source_id": sources[keys[i % len(keys)]], "native_id": f"bulk-{i}",
                 "name": f"Account {i}", "handle": f"acct{i}",
                 "country": ("US", "DE", "JP", "BR", "KE")[i % 5],
                 "kind": ("public", "researcher", "practitioner", "communicator")[i % 4]}
                for i in range(500)
            ],
        )  # fmt: skip
        actors = session.execute(
            select(Actor.id, Actor.source_id).where(Actor.native_id.like("bulk-%"))
        ).all()
        by_source: dict[int, list[int]] = {}
        for actor_id, source_id in actors:
            by_source.setdefault(source_id, []).append(actor_id)
        rows = []
        for i in range(count):
            key = keys[i % len(keys)]
            pool = by_source[sources[key]]
            rows.append(
                {
                    "output_id": output_id,
                    "source_id": sources[key],
                    "actor_id": pool[i % len(pool)],
                    "url": f"https://example.org/{key}/{i}",
                    "native_id": f"bulk-{i}",
                    "occurred_at": START + timedelta(hours=7 * i),
                    "harvested_at": START + timedelta(hours=7 * i + 1),
                    "snippet": f"Mention number {i} of the paper",
                    "match_method": "doi-in-text",
                    "dedup_key": mention_dedup_key(key, f"bulk-{i}", None, output_id),
                }
            )
        session.execute(insert(Mention), rows)
    _score(engine)
