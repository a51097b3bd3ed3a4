"""Helpers for the store tests (imported by the test modules)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from altscope.ids import Identifier
from altscope.store.sources import SourceInfo


def doi(value: str) -> Identifier:
    return Identifier("doi", value)


def pmid(value: str) -> Identifier:
    return Identifier("pmid", value)


SOURCES = [
    SourceInfo("wikipedia", "Wikipedia", "mentions", "wikipedia"),
    SourceInfo("bluesky", "Bluesky", "social_media", "bluesky"),
    SourceInfo("mendeley", "Mendeley", "captures"),
]


def count(session: Session, entity, *where) -> int:
    return session.scalar(select(func.count()).select_from(entity).where(*where))
