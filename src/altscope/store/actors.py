"""Actors: who posted, as each source knows them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.schema import Actor, Source
from altscope.store.sources import resolve_source
from altscope.store.types import utcnow

PROFILE_FIELDS = ("handle", "name", "followers", "profile", "url", "country", "location")


def upsert_actor(
    session: Session,
    source: Source | str,
    native_id: str,
    *,
    handle: str | None = None,
    name: str | None = None,
    followers: int | None = None,
    profile: str | None = None,
    url: str | None = None,
    country: str | None = None,
    location: str | None = None,
) -> Actor:
    """The actor ``native_id`` of ``source``, created if new; known values given here update it."""
    if not native_id:
        raise ValueError("an actor needs the source's id for it")
    src = resolve_source(session, source)
    fields = {
        "handle": handle,
        "name": name,
        "followers": followers,
        "profile": profile,
        "url": url,
        "country": country,
        "location": location,
    }
    query = select(Actor).where(Actor.source_id == src.id, Actor.native_id == native_id)
    actor = session.scalars(query).first()  # most posts come from actors seen before
    if actor is None:
        now = utcnow()
        insert = upsert_insert(session, Actor).values(
            source_id=src.id, native_id=native_id, created_at=now, updated_at=now, **fields
        )
        session.execute(insert.on_conflict_do_nothing(index_elements=["source_id", "native_id"]))
        actor = session.scalars(query).one()
    changed = {
        field
        for field, value in fields.items()
        if value is not None and getattr(actor, field) != value
    }
    for field in changed:
        setattr(actor, field, fields[field])
    _forget_derived(actor, changed)
    session.flush()
    return actor


def _forget_derived(actor: Actor, changed: set[str]) -> None:
    """Drop what scoring derived from fields that just changed, so that it is derived again.

    The kind comes from the profile, name and handle; the country from the location (a country
    the source gave itself has no ``country_rule`` and stays).
    """
    if changed & {"profile", "name", "handle"}:
        actor.kind = actor.kind_rule = None
    if "location" in changed and actor.country_rule is not None and "country" not in changed:
        actor.country = actor.country_rule = None
