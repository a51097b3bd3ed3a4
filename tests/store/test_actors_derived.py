"""Derived actor fields (kind, country) are forgotten when what they came from changes."""

from __future__ import annotations

from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.sources import SourceInfo, ensure_sources


def test_profile_and_location_changes_reset_what_was_derived(engine) -> None:
    with transaction(engine) as session:
        ensure_sources(session, [SourceInfo("bluesky", "Bluesky", "social_media")])
        actor = upsert_actor(session, "bluesky", "did:1", profile="PhD student", location="Oslo")
        actor.kind, actor.kind_rule = "researcher", "researcher.student"
        actor.country, actor.country_rule = "NO", "city"
        session.flush()

        same = upsert_actor(session, "bluesky", "did:1", profile="PhD student", location="Oslo")
        assert (same.kind, same.country) == ("researcher", "NO")

        moved = upsert_actor(session, "bluesky", "did:1", location="Lisbon")
        assert (moved.country, moved.country_rule) == (None, None)
        assert moved.kind == "researcher"

        retitled = upsert_actor(session, "bluesky", "did:1", profile="Science journalist")
        assert (retitled.kind, retitled.kind_rule) == (None, None)


def test_a_country_the_source_gave_is_kept(engine) -> None:
    with transaction(engine) as session:
        ensure_sources(session, [SourceInfo("news", "News", "mentions")])
        upsert_actor(session, "news", "outlet", country="FR", location="Paris")
        moved = upsert_actor(session, "news", "outlet", location="Lyon")
        assert (moved.country, moved.country_rule) == ("FR", None)
