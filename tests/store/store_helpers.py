"""Helpers for the store tests (imported by the test modules)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from altscope.store.sources import SourceInfo


@dataclass(frozen=True, slots=True)
class Ident:
    """An identifier as the store receives it (scheme and normalised value)."""

    scheme: str
    value: str


def doi(value: str) -> Ident:
    return Ident("doi", value)


def pmid(value: str) -> Ident:
    return Ident("pmid", value)


SOURCES = [
    SourceInfo("wikipedia", "Wikipedia", "mentions", "wikipedia"),
    SourceInfo("bluesky", "Bluesky", "social_media", "bluesky"),
    SourceInfo("mendeley", "Mendeley", "captures"),
]


def count(session: Session, entity, *where) -> int:
    return session.scalar(select(func.count()).select_from(entity).where(*where))
