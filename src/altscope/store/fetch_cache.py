"""A database-backed cache of fetch results, shared by every worker on one database.

Implements the percolator's fetch-cache protocol (``async get(key)`` / ``async put(key,
result, ttl)``) without importing the percolator: results go in through their ``to_dict()``
and come back through the ``decode`` function the caller passes (``FetchResult.from_dict``,
which reads the body as base64, as ``to_dict`` writes it).
A result's body is kept as evidence (stored once per content hash, like every observation), so
a cached landing page is also the page a mention can point to; the rest of the result is a JSON
summary. Expired rows are ignored and overwritten; :meth:`DatabaseFetchCache.purge` deletes them.

DOI existence checks (keys ``DOI <doi>``) go to their own table, ``doi_checks``: one row per DOI
saying whether the resolver knows it (``registered``), readable by anything that wants to know
without asking the resolver again (:func:`doi_registered`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.db import transaction
from altscope.store.evidence import store_evidence
from altscope.store.schema import DoiCheck, Evidence, FetchCacheEntry
from altscope.store.types import utcnow

__all__ = ["DOI_KEY_PREFIX", "DatabaseFetchCache", "cache_key_hash", "doi_registered"]

#: How the fetcher names DOI existence checks in its cache.
DOI_KEY_PREFIX = "DOI "


class _Result(Protocol):
    body: bytes | None
    final_url: str
    content_type: str | None

    def to_dict(self) -> dict[str, Any]: ...


def cache_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class DatabaseFetchCache:
    """Fetch results in the ``fetch_cache`` table (bodies as evidence)."""

    def __init__(self, engine: Engine, decode: Callable[[Mapping[str, Any]], Any]) -> None:
        self.engine = engine
        self.decode = decode

    async def get(self, key: str) -> Any | None:
        if key.startswith(DOI_KEY_PREFIX):
            return self._get_doi(key[len(DOI_KEY_PREFIX) :])
        with transaction(self.engine) as session:
            row = session.scalar(
                select(FetchCacheEntry).where(
                    FetchCacheEntry.key_hash == cache_key_hash(key),
                    FetchCacheEntry.expires_at > utcnow(),
                )
            )
            if row is None:
                return None
            data = dict(row.summary)
            if row.evidence_id is not None:
                evidence = session.get(Evidence, row.evidence_id)
                if evidence is None:  # the body was deleted: treat as a miss
                    return None
                data["body"] = base64.b64encode(evidence.body()).decode("ascii")
            return self.decode(data)

    async def put(self, key: str, result: _Result, ttl: float) -> None:
        if ttl <= 0:
            return
        with transaction(self.engine) as session:
            if key.startswith(DOI_KEY_PREFIX):
                self._put_doi(session, key[len(DOI_KEY_PREFIX) :], result, ttl)
            else:
                self._put(session, key, result, ttl)

    def _get_doi(self, doi: str) -> Any | None:
        with transaction(self.engine) as session:
            row = session.scalar(
                select(DoiCheck).where(DoiCheck.doi == doi, DoiCheck.expires_at > utcnow())
            )
            if row is None or row.status is None:
                return None
            url = row.resolver_url or f"doi:{doi}"
            return self.decode({"url": url, "final_url": url, "status": row.status})

    def _put_doi(self, session: Session, doi: str, result: _Result, ttl: float) -> None:
        summary = result.to_dict()
        status = summary.get("status")
        registered = None
        if status is not None and 200 <= status < 400:
            registered = True
        elif status in (404, 410):
            registered = False
        now = utcnow()
        values = {
            "doi": doi,
            "registered": registered,
            "status": status,
            "resolver_url": summary.get("url"),
            "checked_at": now,
            "expires_at": now + timedelta(seconds=ttl),
        }
        insert = upsert_insert(session, DoiCheck).values(**values)
        update = {k: v for k, v in values.items() if k != "doi"}
        session.execute(insert.on_conflict_do_update(index_elements=["doi"], set_=update))

    def _put(self, session: Session, key: str, result: _Result, ttl: float) -> None:
        summary = result.to_dict()
        summary.pop("body", None)
        evidence_id = None
        if result.body is not None:
            evidence = store_evidence(
                session,
                result.body,
                result.content_type or "application/octet-stream",
                url=result.final_url,
                fetched_at=utcnow(),
            )
            evidence_id = evidence.id
        now = utcnow()
        values = {
            "key_hash": cache_key_hash(key),
            "url": summary.get("url") or key,
            "status": summary.get("status"),
            "final_url": summary.get("final_url"),
            "reason_code": summary.get("reason_code"),
            "summary": summary,
            "evidence_id": evidence_id,
            "fetched_at": now,
            "expires_at": now + timedelta(seconds=ttl),
        }
        insert = upsert_insert(session, FetchCacheEntry).values(**values)
        update = {k: v for k, v in values.items() if k != "key_hash"}
        session.execute(insert.on_conflict_do_update(index_elements=["key_hash"], set_=update))

    def purge(self) -> int:
        """Delete expired entries and DOI checks (evidence stays); returns how many."""
        with transaction(self.engine) as session:
            now = utcnow()
            fetched = session.execute(
                delete(FetchCacheEntry).where(FetchCacheEntry.expires_at <= now)
            )
            checks = session.execute(delete(DoiCheck).where(DoiCheck.expires_at <= now))
            return fetched.rowcount + checks.rowcount


def doi_registered(session: Session, doi: str) -> bool | None:
    """What the last unexpired check said of ``doi`` (lower case): known, unknown, or ``None``
    when it was not checked (or the resolver could not tell)."""
    return session.scalar(
        select(DoiCheck.registered).where(DoiCheck.doi == doi, DoiCheck.expires_at > utcnow())
    )
