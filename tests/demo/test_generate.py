"""The demo generator: deterministic, relative to ``now``, plausible and valid identifiers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from altscope.demo.generate import REAL_OUTPUTS, SOURCE_KINDS, generate
from altscope.ids import parse
from altscope.percolate.verify import is_example_doi

NOW = datetime(2026, 5, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def world():
    return generate(now=NOW)


def test_same_seed_and_now_give_identical_data(world):
    again = generate(now=NOW)
    assert again.outputs == world.outputs
    assert again.actors == world.actors
    assert again.posts == world.posts
    assert again.metrics == world.metrics
    assert [p.raw(world.actor_of(p)) for p in world.posts[:200]] == [
        p.raw(again.actor_of(p)) for p in again.posts[:200]
    ]


def test_another_seed_gives_another_world(world):
    other = generate(seed=7, now=NOW)
    assert {o.title for o in other.outputs} != {o.title for o in world.outputs}


def test_every_time_is_relative_to_now(world):
    later = generate(now=NOW + timedelta(days=30))
    assert [o.title for o in later.outputs] == [o.title for o in world.outputs]
    shifts = {b.occurred_at - a.occurred_at for a, b in zip(world.posts, later.posts, strict=True)}
    assert shifts == {timedelta(days=30)}
    assert all(p.occurred_at <= NOW for p in world.posts)
    generated = [o for o in world.outputs if not o.real]
    assert all(NOW.date() - timedelta(days=1096) <= o.published <= NOW.date() for o in generated)
    with pytest.raises(ValueError, match="timezone"):
        generate(now=datetime(2026, 5, 4))


def test_outputs_have_plausible_metadata_and_valid_identifiers(world):
    generated = [o for o in world.outputs if not o.real]
    assert len(generated) == 300
    assert {o.key for o in world.outputs if o.real} == {r[0] for r in REAL_OUTPUTS}
    assert len({o.title.casefold() for o in world.outputs}) == len(world.outputs)
    types = Counter(o.type for o in generated)
    assert set(types) == {"journal-article", "posted-content", "dataset", "book", "book-chapter",
                          "report"}  # fmt: skip
    assert len({o.container_title for o in generated if o.type == "journal-article"}) >= 30
    schemes = Counter()
    for output in generated:
        for text in output.identifiers:
            identifier = parse(text)  # raises on a bad checksum or shape
            schemes[identifier.scheme] += 1
            if identifier.scheme == "doi":
                assert not is_example_doi(identifier.value)  # the percolator would refuse it
        for issn in output.issns:
            parse(f"issn:{issn}")
        for author in output.authors:
            if author.orcid:
                assert parse(f"orcid:{author.orcid}").value == author.orcid
        assert output.authors and output.abstract and output.publisher
    assert {"doi", "arxiv", "pmid", "pmcid", "isbn", "handle"} <= set(schemes)
    preprints = [o for o in generated if o.type == "posted-content"]
    assert all(o.identifier("arxiv") for o in preprints)
    assert all(o.identifier("isbn") for o in generated if o.type == "book")


def test_attention_is_heavy_tailed_and_decays(world):
    per_output = Counter(key for post in world.posts for key in post.cites)
    ranked = sorted((per_output[o.key] for o in world.outputs), reverse=True)
    top_tenth = sum(ranked[: len(ranked) // 10])
    assert top_tenth > 0.5 * sum(ranked)
    assert ranked.count(0) >= 10  # some outputs get no attention at all
    # Social posts cluster soon after publication.
    outputs = {o.key: o for o in world.outputs}
    delays = sorted(
        (p.occurred_at.date() - outputs[p.cites[0]].published).days
        for p in world.posts
        if p.source == "bluesky" and not outputs[p.cites[0]].real
    )
    assert delays[len(delays) // 2] < 30


def test_every_source_kind_and_actor_variety(world):
    assert set(Counter(p.source for p in world.posts)) == set(SOURCE_KINDS)
    actors = list(world.actors.values())
    assert len(actors) >= 3000
    assert {"public", "researcher", "practitioner", "communicator"} <= {a.kind for a in actors}
    assert len({a.country for a in actors if a.country}) >= 40
    formats = {a.location for a in actors if a.location}
    assert {"Berlin, Germany", "Boston, MA", "🇯🇵 Tokyo", "Nairobi"} <= formats
    assert all(a.profile for a in actors if a.kind != "unknown")


def test_documents_carry_identifiers_the_way_their_sources_do(world):
    by_source = {}
    for post in world.posts:
        by_source.setdefault(post.source, post)
    assert "{{cite" in by_source["wikipedia"].content
    assert by_source["news"].url.split("/")[2] in {
        "www.nytimes.com", "www.bbc.co.uk", "www.theguardian.com", "www.washingtonpost.com",
        "www.lemonde.fr", "www.spiegel.de", "elpais.com", "timesofindia.indiatimes.com",
        "www.abc.net.au", "www.cbc.ca", "www.japantimes.co.jp", "nation.africa",
        "www1.folha.uol.com.br", "theconversation.com", "www.scientificamerican.com",
        "www.newscientist.com", "www.reuters.com", "www.irishtimes.com",
    }  # fmt: skip
    assert by_source["news"].kind == "html" and "<a href=" in by_source["policy"].content
    assert any(len(p.cites) > 1 for p in world.posts if p.source == "syllabus")


def test_planted_anomalies(world):
    burst = world.anomalies["burst"]
    burst_posts = [p for p in world.posts if p.actor in burst["actors"]
                   and p.cites == (burst["output"],)]  # fmt: skip
    assert len(burst_posts) >= burst["posts"] == 60
    times = sorted(p.occurred_at for p in burst_posts)[-60:]
    assert times[-1] - times[0] <= timedelta(hours=1)
    bot = world.actors[("twitter", world.anomalies["bot"]["actor"])]
    assert "bot" in (bot.profile or "")
    assert sum(p.actor == bot.native_id for p in world.posts) == world.anomalies["bot"]["posts"]
    jump = world.anomalies["jump"]
    assert jump["output"] != burst["output"]
    jumpers = [p for p in world.posts if p.actor in jump["actors"]]
    assert len(jumpers) == len(jump["actors"]) >= 20
    assert {p.occurred_at.date().isoformat() for p in jumpers} == {jump["day"]}


def test_a_small_world_keeps_every_kind_of_source():
    small = generate(now=NOW, scale=0.1)
    assert set(Counter(p.source for p in small.posts)) == set(SOURCE_KINDS)
    assert 30 <= len([o for o in small.outputs if not o.real]) <= 40
    assert set(small.anomalies) == {"burst", "jump", "bot"}
