"""Evidence: raw observations kept exactly as received, compressed, once per content hash."""

from __future__ import annotations

import zlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.keys import content_hash
from altscope.store.schema import Evidence, Source
from altscope.store.sources import resolve_source
from altscope.store.types import utcnow

COMPRESSION_LEVEL = 6


def store_evidence(
    session: Session,
    body: bytes,
    media_type: str,
    source: Source | str | None = None,
    url: str | None = None,
    *,
    fetched_at: datetime | None = None,
) -> Evidence:
    """Keep ``body`` (zlib-compressed); the same bytes are stored once, whoever sends them.

    ``source`` is a registered source (row or key) or ``None`` for observations of no source
    (landing pages fetched by the percolator, for instance). The first sender's source, URL and
    times are kept.
    """
    if isinstance(body, str):
        raise TypeError("evidence is bytes as received; encode text before storing it")
    digest = content_hash(body)
    found = session.scalar(select(Evidence).where(Evidence.sha256 == digest))
    if found is not None:
        return found
    source_id = None if source is None else resolve_source(session, source).id
    insert = upsert_insert(session, Evidence).values(
        sha256=digest,
        data=zlib.compress(body, COMPRESSION_LEVEL),
        size=len(body),
        media_type=media_type,
        source_id=source_id,
        url=url,
        fetched_at=fetched_at,
        received_at=utcnow(),
    )
    session.execute(insert.on_conflict_do_nothing(index_elements=["sha256"]))
    return session.scalars(select(Evidence).where(Evidence.sha256 == digest)).one()
