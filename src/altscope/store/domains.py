"""Tracked domains, their URL patterns and their explicit URL → identifier lists.

Callers pass domains already normalised and URLs with their key hash already computed
(``altscope.percolate.domains`` owns those rules); this module only stores and finds rows.
Every write is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from altscope.store._insert import upsert_insert
from altscope.store.schema import DomainUrl, DomainUrlMap, TrackedDomain
from altscope.store.types import utcnow

__all__ = [
    "DomainSummary",
    "ListedUrl",
    "UrlImport",
    "add_domain",
    "add_url_map",
    "find_domain",
    "list_domains",
    "lookup_domain_url",
    "remove_domain",
    "tracked_domains",
    "upsert_domain_urls",
]


@dataclass(frozen=True, slots=True)
class DomainSummary:
    domain: str
    follow_links: bool
    maps: int
    urls: int
    note: str | None


@dataclass(frozen=True, slots=True)
class ListedUrl:
    """One URL → identifier pair to store (``url_hash`` is the percolator's URL key hash)."""

    url_hash: str
    url: str
    scheme: str
    value: str


@dataclass(slots=True)
class UrlImport:
    """What an import of listed URLs did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


def find_domain(session: Session, domain: str) -> TrackedDomain | None:
    return session.scalar(select(TrackedDomain).where(TrackedDomain.domain == domain))


def add_domain(
    session: Session, domain: str, *, note: str | None = None, follow_links: bool = True
) -> tuple[TrackedDomain, bool]:
    """Track ``domain``; returns the row and whether it is new. A known domain is returned as
    it is, except that a new ``note`` replaces an empty one."""
    insert = upsert_insert(session, TrackedDomain).values(
        domain=domain, follow_links=follow_links, note=note, added_at=utcnow()
    )
    inserted = session.scalars(
        insert.on_conflict_do_nothing(index_elements=["domain"]).returning(TrackedDomain.id)
    ).all()
    row = find_domain(session, domain)
    assert row is not None
    if note and not row.note:
        row.note = note
    return row, bool(inserted)


def remove_domain(session: Session, domain: str) -> bool:
    """Stop tracking ``domain`` (its maps and listed URLs go with it)."""
    row = find_domain(session, domain)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def add_url_map(
    session: Session, domain: TrackedDomain, pattern: str, scheme: str, template: str
) -> tuple[DomainUrlMap, bool]:
    """Add a URL pattern → identifier map to a tracked domain (idempotent)."""
    insert = upsert_insert(session, DomainUrlMap).values(
        domain_id=domain.id, pattern=pattern, scheme=scheme, template=template, added_at=utcnow()
    )
    inserted = session.scalars(
        insert.on_conflict_do_nothing(
            index_elements=["domain_id", "pattern", "scheme", "template"]
        ).returning(DomainUrlMap.id)
    ).all()
    row = session.scalars(
        select(DomainUrlMap).where(
            DomainUrlMap.domain_id == domain.id,
            DomainUrlMap.pattern == pattern,
            DomainUrlMap.scheme == scheme,
            DomainUrlMap.template == template,
        )
    ).one()
    session.expire(domain, ["maps"])
    return row, bool(inserted)


def tracked_domains(session: Session) -> list[TrackedDomain]:
    """Every tracked domain with its URL maps loaded."""
    return list(
        session.scalars(
            select(TrackedDomain)
            .options(selectinload(TrackedDomain.maps))
            .order_by(TrackedDomain.domain)
        )
    )


def list_domains(session: Session) -> list[DomainSummary]:
    """Every tracked domain with how many maps and listed URLs it has."""
    maps = dict(
        session.execute(
            select(DomainUrlMap.domain_id, func.count()).group_by(DomainUrlMap.domain_id)
        ).all()
    )
    urls = dict(
        session.execute(
            select(DomainUrl.domain_id, func.count()).group_by(DomainUrl.domain_id)
        ).all()
    )
    return [
        DomainSummary(
            row.domain, row.follow_links, maps.get(row.id, 0), urls.get(row.id, 0), row.note
        )
        for row in session.scalars(select(TrackedDomain).order_by(TrackedDomain.domain))
    ]


BATCH = 500


def upsert_domain_urls(
    session: Session, domain: TrackedDomain, urls: Iterable[ListedUrl], origin: str | None = None
) -> UrlImport:
    """Store URL → identifier pairs of ``domain``. A URL listed again with a different
    identifier is updated (the newer list wins); the same pair again changes nothing."""
    report = UrlImport()
    batch: dict[str, ListedUrl] = {}
    for listed in urls:
        batch[listed.url_hash] = listed
        if len(batch) >= BATCH:
            _write_batch(session, domain, batch, origin, report)
            batch = {}
    if batch:
        _write_batch(session, domain, batch, origin, report)
    return report


def _write_batch(
    session: Session,
    domain: TrackedDomain,
    batch: dict[str, ListedUrl],
    origin: str | None,
    report: UrlImport,
) -> None:
    stored = {
        row.url_hash: row
        for row in session.scalars(select(DomainUrl).where(DomainUrl.url_hash.in_(batch)))
    }
    now = utcnow()
    fresh = []
    for key, listed in batch.items():
        row = stored.get(key)
        if row is None:
            fresh.append(
                {
                    "domain_id": domain.id,
                    "url_hash": key,
                    "url": listed.url,
                    "scheme": listed.scheme,
                    "value": listed.value,
                    "origin": origin,
                    "added_at": now,
                    "updated_at": now,
                }
            )
        elif (row.scheme, row.value, row.domain_id) != (listed.scheme, listed.value, domain.id):
            row.scheme, row.value, row.domain_id = listed.scheme, listed.value, domain.id
            row.url, row.origin, row.updated_at = listed.url, origin, now
            report.updated += 1
        else:
            report.unchanged += 1
    if fresh:
        insert = upsert_insert(session, DomainUrl).values(fresh)
        inserted = len(
            session.scalars(
                insert.on_conflict_do_nothing(index_elements=["url_hash"]).returning(DomainUrl.id)
            ).all()
        )
        report.added += inserted
        report.unchanged += len(fresh) - inserted
    session.flush()


def lookup_domain_url(session: Session, url_hash: str) -> tuple[str, str] | None:
    """The (scheme, value) a listed URL is, by its key hash."""
    row = session.execute(
        select(DomainUrl.scheme, DomainUrl.value).where(DomainUrl.url_hash == url_hash)
    ).first()
    return None if row is None else (row[0], row[1])
