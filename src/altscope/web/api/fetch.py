"""The v1 ``fetch`` answer: Altmetric's full-details shape for one output (needs a key)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, joinedload

from altscope import scoring
from altscope.store.schema import Mention
from altscope.web.api.records import OutputRecord
from altscope.web.api.serialize import images, readers_of, unix, v1_type

#: altscope source key → the name Altmetric's fetch answer uses under ``counts`` and ``posts``.
FETCH_NAMES = {
    "x": "twitter",
    "blog": "blogs",
    "youtube": "video",
    "stackexchange": "q&a",
    "qna": "q&a",
    "googleplus": "googleplus",
    "policies": "policy",
    "patents": "patent",
}
POSTER_TYPES = {
    "public": "member_of_the_public",
    "researcher": "researcher",
    "practitioner": "practitioner",
    "communicator": "science_communicator",
}
CONTEXT_NAMES = {
    "all": "all",
    "journal": "this_journal",
    "similar_age_3m": "similar_age_3m",
    "similar_age_journal_3m": "similar_age_this_journal_3m",
}
POSTS_PER_SOURCE = 10
USERS_PER_SOURCE = 5
SAMPLE = 500


def _context(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "total_number_of_other_articles": ctx.get("count", 0),
        "mean": ctx.get("mean", 0.0),
        "rank": ctx.get("rank", 0),
        "this_scored_higher_than_pct": ctx.get("pct", 0),
        "this_scored_higher_than": ctx.get("higher_than", 0),
        "rank_type": "exact",
        "sample_size": ctx.get("count", 0),
        "percentile": ctx.get("pct", 0),
    }


def _citation(record: OutputRecord) -> dict[str, Any]:
    score = record.score
    citation: dict[str, Any] = {"title": record.title, "type": v1_type(record.type)}
    for field, scheme in (("doi", "doi"), ("pmid", "pmid"), ("pmc", "pmcid")):
        if record.first(scheme):
            citation[field] = record.first(scheme)
    if record.authors:
        citation["authors"] = record.authors
    if record.journal:
        citation["journal"] = record.journal
    if record.issns:
        citation["issns"] = list(record.issns)
    if record.published:
        citation["pubdate"] = record.published.isoformat() + "T00:00:00+00:00"
    if score is not None and score.first_seen_at is not None:
        citation["first_seen_on"] = score.first_seen_at.isoformat()
    if score is not None and score.last_mention_at is not None:
        citation["last_mentioned_on"] = unix(score.last_mention_at)
    citation["links"] = [record.url] if record.url else []
    citation["subjects"] = list(record.subjects)
    return citation


def _mentions(session: Session, output_id: int) -> list[Mention]:
    return list(
        session.scalars(
            select(Mention)
            .options(joinedload(Mention.actor), joinedload(Mention.source))
            .where(Mention.output_id == output_id, Mention.removed_at.is_(None))
            .order_by(Mention.occurred_at.desc().nulls_last(), Mention.id.desc())
            .limit(SAMPLE)
        )
    )


def _post(mention: Mention) -> dict[str, Any]:
    post: dict[str, Any] = {
        "title": mention.title,
        "url": mention.url,
        "posted_on": mention.occurred_at.isoformat() if mention.occurred_at else None,
        "summary": mention.snippet,
    }
    if mention.actor is not None:
        post["author"] = {
            "name": mention.actor.name or mention.actor.handle,
            "url": mention.actor.url,
            "id_on_source": mention.actor.native_id,
        }
    return post


def fetch_body(engine: Engine, record: OutputRecord, base: str) -> dict[str, Any]:
    """Altmetric's fetch answer for ``record`` (loaded with details and a score)."""
    score = record.score
    assert score is not None
    with Session(engine) as session:
        mentions = _mentions(session, record.id)
        people = scoring.demographics(session, record.id)
    readers, _ = readers_of(record)
    counts: dict[str, Any] = {"readers": {k: v for k, v in readers.items() if k != "downloads"}}
    for key, info in score.sources.items():
        if info.get("category") in ("captures", "usage"):
            continue
        name = FETCH_NAMES.get(key, key)
        entry = counts.setdefault(name, {"unique_users_count": 0, "posts_count": 0})
        entry["unique_users_count"] += int(info.get("accounts") or 0)
        entry["posts_count"] += int(info.get("posts") or 0)
    counts["total"] = {"posts_count": score.posts}
    posts: dict[str, list] = defaultdict(list)
    users: dict[str, list] = defaultdict(list)
    for mention in mentions:
        name = FETCH_NAMES.get(mention.source.key, mention.source.key)
        if len(posts[name]) < POSTS_PER_SOURCE:
            posts[name].append(_post(mention))
        user = mention.actor.handle or mention.actor.native_id if mention.actor else None
        if user and user not in users[name] and len(users[name]) < USERS_PER_SOURCE:
            users[name].append(user)
    for name, sample in users.items():
        if name in counts:
            counts[name]["unique_users"] = sample
    history = {w: (v or {}).get("score", 0) for w, v in score.history.items()}
    return {
        "altmetric_id": record.id,
        "counts": counts,
        "citation": _citation(record),
        "altmetric_score": {
            "score": score.score,
            "score_history": history,
            "context_for_score": {
                CONTEXT_NAMES.get(name, name): _context(ctx)
                for name, ctx in score.context.items()
                if ctx
            },
        },
        "demographics": {
            "poster_types": {
                POSTER_TYPES.get(kind, kind): n for kind, n in people.get("kinds", {}).items()
            },
            "geo": {"all": dict(people.get("countries", {}))},
        },
        "posts": dict(posts),
        "score": score.score,
        "images": images(base, record.id),
    }
