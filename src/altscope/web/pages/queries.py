"""The page queries: small, aggregated reads (GROUP BY in SQL, one page of rows at a time).

A details page never loads all of an output's mentions: counts per source are grouped in SQL,
mentions come 50 at a time, and the timeline, people and places come from
:mod:`altscope.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import desc, func, nulls_last, select
from sqlalchemy.orm import Session

from altscope.store.schema import (
    Actor,
    Evidence,
    Mention,
    MentionFlag,
    Output,
    OutputScore,
    ScoreRules,
    Source,
)

#: Mentions shown per tab page.
PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class SourceCount:
    """Non-removed mentions of one output on one source."""

    key: str
    name: str
    category: str
    posts: int
    accounts: int


@dataclass(frozen=True, slots=True)
class MentionRow:
    """What a page shows of one mention (never the whole ORM graph)."""

    id: int
    source_key: str
    source_name: str
    url: str | None
    occurred_at: datetime | None
    harvested_at: datetime
    title: str | None
    snippet: str | None
    match_method: str | None
    match_verification: str | None
    evidence_id: int | None
    landing_evidence_id: int | None
    actor_name: str | None
    actor_handle: str | None
    actor_url: str | None
    actor_kind: str | None
    actor_country: str | None
    flag_kind: str | None
    flag_reason: str | None


def source_counts(session: Session, output_id: int) -> list[SourceCount]:
    """Posts and distinct accounts per source for ``output_id``, most posts first."""
    rows = session.execute(
        select(
            Mention.source_id,
            func.count(Mention.id),
            func.count(func.distinct(Mention.actor_id)),
        )
        .where(Mention.output_id == output_id, Mention.removed_at.is_(None))
        .group_by(Mention.source_id)
    ).all()
    if not rows:
        return []
    sources = {
        s.id: s for s in session.scalars(select(Source).where(Source.id.in_([r[0] for r in rows])))
    }
    counts = [
        SourceCount(sources[i].key, sources[i].name or sources[i].key, sources[i].category, p, a)
        for i, p, a in rows
        if i in sources
    ]
    return sorted(counts, key=lambda c: (-c.posts, c.key))


def freshness(session: Session, output_id: int) -> tuple[int, int]:
    """(mentions, highest mention id) of an output, read from an index: changes with new rows."""
    count, top = session.execute(
        select(func.count(), func.max(Mention.id)).where(Mention.output_id == output_id)
    ).one()
    return int(count or 0), int(top or 0)


def mentions_page(
    session: Session,
    output_id: int,
    *,
    source_key: str | None,
    page: int,
    rules_version: str,
    per_page: int = PER_PAGE,
) -> list[MentionRow]:
    """One page (1-based) of an output's non-removed mentions, newest first (undated last).

    The page's ids are chosen from ``mentions`` alone (the ``(output_id, occurred_at)`` index);
    only those 50 rows are then joined to their source, actor and flag.
    """
    order = (nulls_last(desc(Mention.occurred_at)), desc(Mention.id))
    ids = select(Mention.id).where(Mention.output_id == output_id, Mention.removed_at.is_(None))
    if source_key is not None:
        ids = ids.join(Source, Source.id == Mention.source_id).where(Source.key == source_key)
    ids = ids.order_by(*order).limit(per_page).offset((max(page, 1) - 1) * per_page)
    page_ids = list(session.scalars(ids))
    if not page_ids:
        return []
    query = (
        select(
            Mention.id,
            Source.key,
            Source.name,
            Mention.url,
            Mention.occurred_at,
            Mention.harvested_at,
            Mention.title,
            Mention.snippet,
            Mention.match_method,
            Mention.match_verification,
            Mention.evidence_id,
            Mention.landing_evidence_id,
            Actor.name,
            Actor.handle,
            Actor.url,
            Actor.kind,
            Actor.country,
            MentionFlag.kind,
            MentionFlag.reason,
        )
        .join(Source, Source.id == Mention.source_id)
        .outerjoin(Actor, Actor.id == Mention.actor_id)
        .outerjoin(
            MentionFlag,
            (MentionFlag.mention_id == Mention.id) & (MentionFlag.rules_version == rules_version),
        )
        .where(Mention.id.in_(page_ids))
        .order_by(*order)
    )
    return [MentionRow(*row) for row in session.execute(query)]


def newest_mentions(
    session: Session, output_id: int, rules_version: str, limit: int = 50
) -> list[MentionRow]:
    """The ``limit`` most recent mentions (for the Atom feed)."""
    return mentions_page(
        session, output_id, source_key=None, page=1, rules_version=rules_version, per_page=limit
    )


def rules_sha256(session: Session, version: str) -> str | None:
    """The stored SHA-256 of rules ``version`` (None when it was never stored)."""
    return session.scalar(select(ScoreRules.sha256).where(ScoreRules.version == version))


def top_outputs(session: Session, version: str, limit: int = 10) -> list[tuple[Output, float]]:
    """The highest-scoring canonical outputs under ``version``."""
    rows = session.execute(
        select(Output, OutputScore.score)
        .join(OutputScore, OutputScore.output_id == Output.id)
        .where(OutputScore.rules_version == version, Output.merged_into.is_(None))
        .order_by(desc(OutputScore.score), Output.id)
        .limit(limit)
    ).all()
    return [(output, float(score)) for output, score in rows]


def search_outputs(session: Session, text: str, limit: int = 50) -> list[Output]:
    """Canonical outputs whose title contains ``text`` (case-insensitive), newest first."""
    query = select(Output).where(Output.merged_into.is_(None))
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Output.title).like(f"%{escaped.lower()}%", escape="\\"))
    return list(session.scalars(query.order_by(desc(Output.id)).limit(limit)))


def evidence(session: Session, evidence_id: int) -> Evidence | None:
    return session.get(Evidence, evidence_id)


def mentions_of_evidence(session: Session, evidence_id: int, limit: int = 20) -> list[tuple]:
    """(mention id, output id, output title) of mentions that cite ``evidence_id``."""
    return list(
        session.execute(
            select(Mention.id, Mention.output_id, Output.title)
            .join(Output, Output.id == Mention.output_id)
            .where(
                (Mention.evidence_id == evidence_id) | (Mention.landing_evidence_id == evidence_id)
            )
            .order_by(Mention.id)
            .limit(limit)
        ).all()
    )
