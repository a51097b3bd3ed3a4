"""The evidence page: a stored observation as escaped text, with what identifies it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from altscope.web.pages import queries

#: At most this many bytes of an observation are shown on the page (the rest is downloadable).
SHOW_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class EvidenceView:
    id: int
    sha256: str
    media_type: str
    size: int
    source_key: str | None
    source_name: str | None
    url: str | None
    fetched_at: datetime | None
    received_at: datetime
    text: str
    truncated: bool
    binary: bool
    mentions: list[tuple[int, int, str | None]]


def _looks_binary(body: bytes) -> bool:
    return b"\x00" in body[:4096]


def evidence_view(session: Session, evidence_id: int) -> EvidenceView | None:
    """The evidence ``evidence_id`` decoded for display (None when there is none)."""
    row = queries.evidence(session, evidence_id)
    if row is None:
        return None
    body = row.body()
    binary = _looks_binary(body)
    shown = body[:SHOW_BYTES]
    if binary:
        text = "\n".join(shown[i : i + 32].hex(" ") for i in range(0, len(shown), 32))
    else:
        text = shown.decode("utf-8", errors="replace")
    return EvidenceView(
        id=row.id,
        sha256=row.sha256,
        media_type=row.media_type,
        size=row.size,
        source_key=row.source.key if row.source else None,
        source_name=row.source.name if row.source else None,
        url=row.url,
        fetched_at=row.fetched_at,
        received_at=row.received_at,
        text=text,
        truncated=len(body) > SHOW_BYTES,
        binary=binary,
        mentions=[tuple(r) for r in queries.mentions_of_evidence(session, row.id)],
    )
