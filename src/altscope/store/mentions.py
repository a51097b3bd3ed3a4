"""Mentions: one row per (output, source, post), idempotent through a dedup key."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.keys import mention_dedup_key
from altscope.store.merge import canonical
from altscope.store.schema import Actor, Evidence, Mention, Output, ScoreQueue, Source
from altscope.store.sources import resolve_source
from altscope.store.types import utcnow

__all__ = ["add_mention", "mention_dedup_key", "queue_rescore", "remove_mentions"]


def queue_rescore(session: Session, output_ids: Iterable[int]) -> None:
    """Put outputs on the score queue (their rollups are stale); queuing again refreshes
    ``queued_at``, so a scorer that started earlier leaves them queued."""
    ids = sorted(set(output_ids))
    if not ids:
        return
    now = utcnow()
    insert = upsert_insert(session, ScoreQueue).values(
        [{"output_id": i, "queued_at": now} for i in ids]
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["output_id"], set_={"queued_at": insert.excluded.queued_at}
        )
    )


def add_mention(
    session: Session,
    output: Output | int,
    source: Source | str,
    *,
    native_id: str | None = None,
    url: str | None = None,
    occurred_at: datetime | None = None,
    actor: Actor | None = None,
    title: str | None = None,
    snippet: str | None = None,
    match_method: str | None = None,
    match_verification: str | None = None,
    evidence: Evidence | None = None,
    landing_evidence: Evidence | None = None,
    harvested_at: datetime | None = None,
) -> tuple[Mention, bool]:
    """Record that a post (``native_id``, else ``url``) on ``source`` is about ``output``.

    Returns the mention and whether it is new. Recording the same post about the same output
    again returns the stored row unchanged (see :func:`mention_dedup_key`); merged outputs are
    followed to the one they are merged into. ``evidence`` is the observation as received;
    ``landing_evidence`` the fetched landing page the match was read from, if any.
    """
    row = canonical(session, output)
    src = resolve_source(session, source)
    key = mention_dedup_key(src.key, native_id, url, row.id)
    found = session.scalar(select(Mention).where(Mention.dedup_key == key))
    if found is not None:
        return found, False
    insert = upsert_insert(session, Mention).values(
        output_id=row.id,
        source_id=src.id,
        actor_id=actor.id if actor is not None else None,
        url=url,
        native_id=native_id,
        occurred_at=occurred_at,
        harvested_at=harvested_at or utcnow(),
        title=title,
        snippet=snippet,
        match_method=match_method,
        match_verification=match_verification,
        evidence_id=evidence.id if evidence is not None else None,
        landing_evidence_id=landing_evidence.id if landing_evidence is not None else None,
        dedup_key=key,
    )
    created = session.scalars(
        insert.on_conflict_do_nothing(index_elements=["dedup_key"]).returning(Mention)
    ).first()
    if created is not None:
        queue_rescore(session, [row.id])
        return created, True
    # A concurrent writer recorded it between our look-up and our insert.
    return session.scalars(select(Mention).where(Mention.dedup_key == key)).one(), False


def remove_mentions(
    session: Session, source: Source | str, native_id: str, at: datetime | None = None
) -> int:
    """Mark every mention of post ``native_id`` on ``source`` removed (a deletion or retraction).

    Rows stay, with ``removed_at`` set; returns how many were newly marked. Their outputs go on
    the score queue.
    """
    src = resolve_source(session, source)
    outputs = session.scalars(
        update(Mention)
        .where(
            Mention.source_id == src.id,
            Mention.native_id == native_id,
            Mention.removed_at.is_(None),
        )
        .values(removed_at=at or utcnow())
        .returning(Mention.output_id)
    ).all()
    queue_rescore(session, outputs)
    return len(outputs)
