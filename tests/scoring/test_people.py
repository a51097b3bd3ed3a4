"""People: profile classification on a labelled table, bot profiles, bulk classify_actors."""

from __future__ import annotations

import time

import pytest
from _labelled import format_table, precision_recall, read_tsv
from sqlalchemy import select

from altscope.scoring.people import (
    KINDS,
    classify_actors,
    classify_profile,
    is_bot_profile,
    rules,
)
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.schema import Actor
from altscope.store.sources import SourceInfo, ensure_sources

ROWS = read_tsv("profiles.tsv")
ROLES = ("researcher", "practitioner", "communicator", "public")


def test_labelled_table_is_large_and_covers_every_kind() -> None:
    assert len(ROWS) >= 150
    assert {row["kind"] for row in ROWS} == set(KINDS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: (r["profile"] or r["name"] or "empty")[:40])
def test_labelled_profile(row: dict[str, str]) -> None:
    kind, rule = classify_profile(row["profile"], row["name"] or None)
    assert kind == row["kind"], f"{row['profile']!r} -> {kind} by {rule}"
    assert rule.split(".")[0] == kind  # a rule id names the kind it gives


def test_precision_and_recall_per_kind(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = [(r["kind"], classify_profile(r["profile"], r["name"] or None)[0]) for r in ROWS]
    table = precision_recall(pairs, KINDS)
    with capsys.disabled():
        print("\npeople: labelled profiles\n" + format_table(table))
    for kind in ROLES:
        precision, recall, _ = table[kind]
        assert precision >= 0.9, (kind, precision)
        assert recall >= 0.8, (kind, recall)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("Science journalist, former PhD", ("communicator", "communicator.journalism")),
        ("Editor at Nature", ("communicator", "communicator.media")),
        ("Associate editor; professor of botany", ("researcher", "researcher.role")),
        ("Data scientist", ("practitioner", "practitioner.profession")),
        ("Research engineer", ("researcher", "researcher.role")),
        ("Ex-journalist, now baker", ("public", "public.default")),
        ("Journalist turned PhD student", ("researcher", "researcher.role")),
        ("Bethesda, MD", ("public", "public.default")),
        ("Dr. Jane", ("unknown", "unknown.title")),
        ("", ("unknown", "unknown.empty")),
        (None, ("unknown", "unknown.empty")),
        ("☕🐈", ("unknown", "unknown.empty")),
        ("Feed of new papers in ecology", ("unknown", "unknown.bot")),
    ],
)
def test_precedence_and_edge_cases(profile: str | None, expected: tuple[str, str]) -> None:
    assert classify_profile(profile) == expected


def test_word_boundaries() -> None:
    assert classify_profile("Labrador owner, collaborator on nothing")[0] == "public"
    assert classify_profile("Prophet of doom, profile pic by my kid")[0] == "public"
    assert classify_profile("I train journalists")[0] == "public"  # plural: about others


def test_name_counts_when_the_bio_is_empty() -> None:
    assert classify_profile("", "Prof. Ada Lovelace") == ("researcher", "researcher.role")
    assert classify_profile(None, "Sam Lee, MD")[0] == "practitioner"
    assert classify_profile(None, "Sam Lee") == ("unknown", "unknown.empty")


def test_rules_are_documented_and_ordered() -> None:
    ids = [rule.id for rule in rules()]
    assert len(ids) == len(set(ids))
    assert ids.index("communicator.journalism") < ids.index("researcher.role")
    assert ids.index("researcher.role") < ids.index("practitioner.health")
    assert all(rule.description and rule.kind in KINDS for rule in rules())


@pytest.mark.parametrize(
    ("profile", "name", "handle", "bot"),
    [
        (None, None, "arxiv_cs_bot", True),
        (None, None, "PaperBot", True),
        (None, "Ecology papers 🤖", None, True),
        ("Automated account posting new preprints", None, None, True),
        ("RSS feed for a journal", None, None, True),
        ("Latest articles from the Journal of Things", None, None, True),
        ("I am not a bot, promise", None, None, False),
        ("Social bot detection research", None, None, False),
        ("Robotics researcher", None, "robotlab", False),
        (None, None, "jtalbot", False),
        ("Automated driving engineer", None, None, False),
        (None, None, None, False),
    ],
)
def test_is_bot_profile(
    profile: str | None, name: str | None, handle: str | None, bot: bool
) -> None:
    reason = is_bot_profile(profile, name, handle)
    assert (reason is not None) == bot, reason
    if bot:
        assert reason.startswith("self-declared bot")


def test_classify_speed(capsys: pytest.CaptureFixture[str]) -> None:
    profiles = [f"{row['profile']} {i}" for i in range(40) for row in ROWS]
    start = time.perf_counter()
    for text in profiles:
        classify_profile(text, "Some Name", "some.handle")
    per = (time.perf_counter() - start) / len(profiles)
    with capsys.disabled():
        print(f"\npeople: {per * 1e6:.0f} µs per profile, {per * 500_000:.0f} s for 500k")
    assert per < 0.01  # sanity bound only; the printed figure is the measure


def _add_actors(engine, profiles: list[tuple[str | None, str | None]]) -> None:
    with transaction(engine) as session:
        ensure_sources(session, [SourceInfo("bluesky", "Bluesky", "social_media")])
        for i, (profile, name) in enumerate(profiles):
            upsert_actor(
                session, "bluesky", f"did:{i}", handle=f"user{i}", profile=profile, name=name
            )


def test_classify_actors_in_bulk(engine) -> None:
    profiles = [(r["profile"] or None, r["name"] or None) for r in ROWS]
    _add_actors(engine, profiles)
    with transaction(engine) as session:
        assert classify_actors(session) == len(ROWS)
    with transaction(engine) as session:
        got = session.execute(select(Actor.native_id, Actor.kind, Actor.kind_rule)).all()
        by_id = {native: (kind, rule) for native, kind, rule in got}
        for i, row in enumerate(ROWS):
            assert by_id[f"did:{i}"] == classify_profile(row["profile"], row["name"] or None)
        # Nothing left to classify; a full pass redoes everyone.
        assert classify_actors(session) == 0
        assert classify_actors(session, only_unclassified=False) == len(ROWS)


def test_classify_actors_only_touches_unclassified(engine) -> None:
    _add_actors(engine, [("PhD student", None), ("Nurse", None)])
    with transaction(engine) as session:
        actor = session.scalars(select(Actor).where(Actor.native_id == "did:0")).one()
        actor.kind, actor.kind_rule = "public", "manual"
    with transaction(engine) as session:
        assert classify_actors(session) == 1
        kinds = dict(session.execute(select(Actor.native_id, Actor.kind)).all())
        assert kinds == {"did:0": "public", "did:1": "practitioner"}
