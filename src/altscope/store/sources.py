"""Sources of attention: registered once, looked up by key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.schema import SOURCE_CATEGORIES, Source
from altscope.store.types import utcnow

_SESSION_CACHE = "altscope.sources"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a source module declares about itself."""

    key: str
    name: str
    category: str
    weight_key: str | None = None


def _info(spec: SourceInfo | Mapping[str, Any] | Any) -> SourceInfo:
    if isinstance(spec, SourceInfo):
        info = spec
    else:
        get = spec.get if isinstance(spec, Mapping) else lambda k, d=None: getattr(spec, k, d)
        info = SourceInfo(
            key=get("key"),
            name=get("name") or get("key"),
            category=get("category"),
            weight_key=get("weight_key"),
        )
    if not info.key:
        raise ValueError(f"source without a key: {spec!r}")
    if info.category not in SOURCE_CATEGORIES:
        raise ValueError(
            f"source {info.key!r}: category {info.category!r} is not one of "
            + ", ".join(SOURCE_CATEGORIES)
        )
    return info


def ensure_sources(
    session: Session, sources: Iterable[SourceInfo | Mapping[str, Any] | Any]
) -> dict[str, Source]:
    """Register sources (objects or mappings with key, name, category, weight_key) idempotently.

    New keys are added; the name, category and weight key of known ones are brought up to date;
    ``active`` and ``deprecated_at`` are left as an administrator set them.
    """
    infos = {i.key: i for i in map(_info, sources)}
    if not infos:
        return {}
    now = utcnow()
    insert = upsert_insert(session, Source).values(
        [
            {
                "key": i.key,
                "name": i.name,
                "category": i.category,
                "weight_key": i.weight_key,
                "active": True,
                "added_at": now,
            }
            for i in infos.values()
        ]
    )
    session.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
    rows = session.scalars(select(Source).where(Source.key.in_(infos))).all()
    for row in rows:
        info = infos[row.key]
        row.name, row.category, row.weight_key = info.name, info.category, info.weight_key
    session.flush()
    return {row.key: row for row in rows}


def get_source(session: Session, key: str) -> Source:
    """The registered source ``key``; :class:`LookupError` when it was never registered.

    Found sources are remembered for the rest of the session (harvests look them up per row).
    """
    known: dict[str, Source] = session.info.setdefault(_SESSION_CACHE, {})
    source = known.get(key)
    if source is not None and source in session:
        return source
    source = session.scalar(select(Source).where(Source.key == key))
    if source is None:
        raise LookupError(f"unknown source {key!r}: register it with ensure_sources first")
    known[key] = source
    return source


def resolve_source(session: Session, source: Source | str) -> Source:
    """A :class:`Source` row from a row or a key."""
    return source if isinstance(source, Source) else get_source(session, source)


def deprecate_source(session: Session, key: str) -> Source:
    """Stop harvesting ``key``; its mentions stay."""
    source = get_source(session, key)
    source.active = False
    source.deprecated_at = source.deprecated_at or utcnow()
    session.flush()
    return source
