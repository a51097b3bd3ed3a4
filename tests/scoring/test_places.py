"""Places: countries of free-text locations (labelled table), news outlets, locate_actors."""

from __future__ import annotations

import pytest
from _labelled import read_tsv
from sqlalchemy import select

from altscope.scoring.places import (
    NO_COUNTRY_RULE,
    country_of_location,
    locate_actors,
    outlet_country,
    outlet_info,
)
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.schema import Actor
from altscope.store.sources import SourceInfo, ensure_sources

ROWS = read_tsv("locations.tsv")


def test_labelled_locations_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(ROWS) >= 120
    answered = right = wrong_none = 0
    errors = []
    places = [r for r in ROWS if r["country"]]
    for row in ROWS:
        got, rule = country_of_location(row["location"])
        if got is not None:
            answered += 1
            if got == row["country"]:
                right += 1
                assert rule
            else:
                errors.append((row["location"], row["country"] or None, got, rule))
        elif row["country"]:
            wrong_none += 1
    precision = right / answered
    recall = right / len(places)
    with capsys.disabled():
        print(
            f"\nplaces: {len(ROWS)} locations ({len(places)} with a country): "
            f"precision {precision:.3f}, recall {recall:.3f}; wrong: {errors}"
        )
    assert precision >= 0.97
    assert recall >= 0.85


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ("Boston, MA", "US"),
        ("Paris, TX", "US"),
        ("Paris", "FR"),
        ("London, Ontario", "CA"),
        ("Atlanta, Georgia", "US"),
        ("Tbilisi, Georgia", "GE"),
        ("Berlin, DE", "DE"),
        ("Perth, WA", "AU"),
        ("New Mexico", "US"),
        ("🇫🇷", "FR"),
        ("Lagos 🇳🇬", "NG"),
        ("München", "DE"),
        ("Москва", "RU"),
        ("東京都", "JP"),
        ("Québec", "CA"),
    ],
)
def test_known_places(location: str, country: str) -> None:
    assert country_of_location(location)[0] == country


@pytest.mark.parametrize(
    "location",
    [
        None,
        "",
        "Georgia",
        "Earth",
        "online",
        "she/her",
        "Berlin & Paris",
        "🇺🇸🇬🇧",
        "Wilmington, DE",  # Delaware or Germany: no city to tell
        "Hyderabad",  # India and Pakistan
        "Europe",
        "in",
        "us",
    ],
)
def test_no_country_when_unsure(location: str | None) -> None:
    assert country_of_location(location) == (None, None)


def test_iso_codes_only_as_whole_parts() -> None:
    assert country_of_location("FR")[0] == "FR"
    assert country_of_location("NL")[0] is None  # the Netherlands or Newfoundland
    assert country_of_location("Delft, NL")[0] == "NL"
    assert country_of_location("living IN the moment")[0] is None
    assert country_of_location("Palo Alto, CA")[0] == "US"  # a US state before Canada


def test_rule_names_the_evidence() -> None:
    assert country_of_location("Paris, TX") == ("US", "code:TX")
    assert country_of_location("Paris")[1] == "city:Paris"
    assert country_of_location("🇫🇷")[1] == "flag:FR"


def test_long_text_is_cut() -> None:
    assert country_of_location("x " * 10_000 + "France") == (None, None)


@pytest.mark.parametrize(
    ("url", "name", "tier", "country"),
    [
        ("https://www.nytimes.com/2026/01/01/science/x.html", "The New York Times", 1, "US"),
        ("https://edition.cnn.com/health", "CNN", 1, "US"),
        ("www.bbc.co.uk", "BBC", 1, "GB"),
        ("https://www.theguardian.com/science/x", "The Guardian", 1, "GB"),
        ("lemonde.fr", "Le Monde", 1, "FR"),
        ("https://www.spiegel.de/wissenschaft/x", "Der Spiegel", 1, "DE"),
        ("https://elpais.com/ciencia/x", "El País", 1, "ES"),
        ("https://theconversation.com/x-123", "The Conversation", 2, None),
        ("https://www.sciencedaily.com/releases/x.htm", "ScienceDaily", 3, None),
        ("https://phys.org/news/x.html", "Phys.org", 3, None),
        ("https://www.eurekalert.org/news-releases/1", "EurekAlert!", 3, None),
        ("https://www.nature.com/articles/d41586-026-00001-1", "Nature (news)", 2, "GB"),
        ("HTTPS://WWW.BBC.COM/news", "BBC", 1, "GB"),
    ],
)
def test_outlets(url: str, name: str, tier: int, country: str | None) -> None:
    outlet = outlet_info(url)
    assert outlet is not None
    assert (outlet.name, outlet.tier, outlet.country) == (name, tier, country)
    assert outlet_country(url) == country


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nature.com/articles/s41586-026-00001-1",  # a journal article, not news
        "nature.com",
        "https://example.org/news",
        "https://notnytimes.com/x",
        "",
        "https://co.uk/",
    ],
)
def test_not_outlets(url: str) -> None:
    assert outlet_info(url) is None
    assert outlet_country(url) is None


def test_outlet_registry_is_well_formed() -> None:
    from altscope.scoring.outlets import outlets

    registry = outlets()
    assert len(registry) >= 150
    assert all(o.tier in (1, 2, 3) for o in registry)
    assert all(o.country is None or (len(o.country) == 2 and o.country.isupper()) for o in registry)


def test_locate_actors(engine) -> None:
    locations = [row["location"] or None for row in ROWS]
    with transaction(engine) as session:
        ensure_sources(session, [SourceInfo("mastodon", "Mastodon", "social_media")])
        for i, location in enumerate(locations):
            actor = upsert_actor(session, "mastodon", f"a{i}", handle=f"u{i}")
            actor.location = location
        # A country given by the source itself is kept.
        given = upsert_actor(session, "mastodon", "given", country="SE")
        given.location = "Paris"
    with transaction(engine) as session:
        assert locate_actors(session) == sum(1 for loc in locations if loc)
    with transaction(engine) as session:
        rows = session.execute(select(Actor.native_id, Actor.country, Actor.country_rule)).all()
        got = {native: (country, rule) for native, country, rule in rows}
        for i, location in enumerate(locations):
            if location is None:
                assert got[f"a{i}"] == (None, None)
                continue
            country, rule = country_of_location(location)
            assert got[f"a{i}"] == (country, rule or NO_COUNTRY_RULE)
        assert got["given"] == ("SE", None)
        assert locate_actors(session) == 0  # everything located once
        assert locate_actors(session, only_unlocated=False) == sum(1 for loc in locations if loc)
