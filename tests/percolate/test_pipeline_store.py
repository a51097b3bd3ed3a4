"""The percolator with the database (SQLite and PostgreSQL): tracked domains and titles loaded
from the store, mentions recorded with their evidence and landing-page evidence, the fetch cache
and DOI checks in the database, idempotency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime

import orjson
import pytest
from pipeline_site import TRACKED_TITLE, Site, site_dns
from sqlalchemy import Engine, func, select

from altscope.ids import Identifier
from altscope.percolate.domains import url_key_hash
from altscope.percolate.fetch import SafeFetcher
from altscope.percolate.fetch_result import FetchResult
from altscope.percolate.landing import extract_landing
from altscope.percolate.observation import Observation, ObservedActor
from altscope.percolate.pipeline import PercolatorOptions
from altscope.percolate.record import load_percolator, percolate_and_record
from altscope.records import Author, OutputMetadata
from altscope.store.db import transaction
from altscope.store.domains import ListedUrl, add_domain, add_url_map, upsert_domain_urls
from altscope.store.fetch_cache import DatabaseFetchCache, doi_registered
from altscope.store.outputs import find_output, upsert_output
from altscope.store.schema import DoiCheck, Evidence, FetchCacheEntry, Mention
from altscope.store.sources import SourceInfo, ensure_sources

OPTIONS = PercolatorOptions(shorteners=frozenset({"short.test"}))
WHEN = datetime(2024, 5, 20, 12, tzinfo=UTC)


def doi(value: str) -> Identifier:
    return Identifier("doi", value)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with Site() as running:
        yield running


@pytest.fixture
def tracked(engine: Engine, site: Site) -> Engine:
    """Tracked outputs, a tracked domain with a pattern and a URL list, a source."""
    with transaction(engine) as session:
        ensure_sources(session, [SourceInfo("bluesky", "Bluesky", "social_media")])
        for value, title in [
            ("10.1234/alpha", "Alpha: a study of things"),
            ("10.1234/beta", "Beta"),
            ("10.7000/item.5678", "A thesis"),
        ]:
            upsert_output(session, [doi(value)], OutputMetadata("test", title=title))
        upsert_output(
            session,
            [doi("10.7000/peat")],
            OutputMetadata(
                "test",
                title=TRACKED_TITLE,
                authors=[Author("Liisa Virtanen", given="Liisa", family="Virtanen")],
                published=date(2024, 5, 1),
            ),
        )
        repo, _ = add_domain(session, "repo.test")
        add_url_map(session, repo, r"/items/(\d+)", "doi", "10.7000/item.{1}")
        record = site.url("repo.test", "/record/9")
        upsert_domain_urls(
            session, repo, [ListedUrl(url_key_hash(record), record, "doi", "10.7000/listed.9")]
        )
    return engine


def post(site: Site) -> Observation:
    links = [
        site.url("short.test", "/a"),  # -> doi.test -> publisher: alpha, by the redirect
        site.url("short.test", "/b"),  # -> publisher page declaring beta
        site.url("short.test", "/repo"),  # -> tracked repository item, pattern map
        site.url("repo.test", "/record/9"),  # listed URL of an untracked output
        site.url("other.test", "/titled"),  # bibliographic tags only: title match
        site.url("publisher.test", "/gone"),  # 404
    ]
    text = "Reading list: " + " ".join(links) + " also doi:10.4000/meta.1 and 10.1234/missing"
    raw = orjson.dumps({"did": "did:plc:test", "text": text, "time_us": 1716206400000000})
    return Observation.of_text(
        text,
        source="bluesky",
        native_id="at://did:plc:test/app.bsky.feed.post/1",
        url="https://bsky.app/profile/test/post/1",
        occurred_at=WHEN,
        actor=ObservedActor("did:plc:test", handle="tester.example"),
        raw=raw,
        media_type="application/json",
    )


def counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (Mention, Evidence, FetchCacheEntry, DoiCheck)
        }


async def run(engine: Engine, site: Site, observation: Observation):
    percolator = load_percolator(
        engine,
        options=replace(OPTIONS, title_window_days=45),
        doi_resolver_url=site.url("doi.test", ""),
        crossref_url=site.url("crossref.test", ""),
    )
    cache = DatabaseFetchCache(engine, FetchResult.from_dict)
    async with SafeFetcher(site.settings(), cache=cache, resolver=site_dns()) as fetcher:
        return await percolate_and_record(engine, observation, fetcher, percolator=percolator)


async def test_mentions_with_evidence_and_landing_evidence(tracked: Engine, site: Site) -> None:
    observation = post(site)
    result, report = await run(tracked, site, observation)

    by_method = {(str(m.identifier), m.method) for _, m, _ in report.mentions}
    assert by_method == {
        ("doi:10.1234/alpha", "url-id"),
        ("doi:10.1234/beta", "landing-meta"),
        ("doi:10.7000/item.5678", "domain-map"),
        ("doi:10.7000/peat", "title-match"),
    }
    assert report.new_mentions == 4
    # found, but naming no tracked output: reported, not invented
    assert set(report.unknown) == {doi("10.4000/meta.1"), doi("10.7000/listed.9")}
    assert {s.subject: s.reason for s in result.skipped}[
        site.url("publisher.test", "/gone")
    ] == "bad-status"

    with transaction(tracked) as session:
        assert find_output(session, "doi", "10.4000/meta.1") is None
        mentions = {m.output.identifier("doi"): m for m in session.scalars(select(Mention)).all()}
        evidence = session.get(Evidence, report.evidence.id)
        assert evidence.body() == observation.raw
        assert evidence.media_type == "application/json"
        assert {m.evidence_id for m in mentions.values()} == {evidence.id}
        for mention in mentions.values():
            assert mention.native_id == observation.native_id
            assert mention.occurred_at == WHEN
            assert mention.actor.handle == "tester.example"

        alpha = mentions["10.1234/alpha"]
        assert alpha.landing_evidence_id is None  # matched by the redirect, no page read
        beta = mentions["10.1234/beta"]
        # publisher.test is not known for 10.1234 here: the resolver was asked
        assert (beta.match_method, beta.match_verification) == (
            "landing-meta",
            "resolver-confirmed",
        )
        page = beta.landing_evidence
        assert page.media_type == "text/html"
        assert page.url == site.url("publisher.test", "/articles/beta")
        # the kept page is enough to re-derive the match
        assert extract_landing(page.body(), page.url).doi == doi("10.1234/beta")
        repo = mentions["10.7000/item.5678"]
        assert (repo.match_method, repo.match_verification) == ("domain-map", "recognised-domain")
        assert repo.landing_evidence.url == site.url("repo.test", "/items/5678")
        peat = mentions["10.7000/peat"]
        assert peat.match_method == "title-match"
        assert peat.landing_evidence.url == site.url("other.test", "/titled")

        # DOI checks are in the database
        assert doi_registered(session, "10.4000/meta.1") is True
        assert doi_registered(session, "10.1234/missing") is False
        assert doi_registered(session, "10.9999/never-asked") is None


async def test_percolating_twice_leaves_the_same_rows(tracked: Engine, site: Site) -> None:
    observation = post(site)
    await run(tracked, site, observation)
    first = counts(tracked)
    gets_first = {k: v for k, v in site.hits.items() if k.startswith("GET ")}
    assert first["fetch_cache"] > 0 and first["doi_checks"] >= 2

    _, report = await run(tracked, site, observation)
    assert report.new_mentions == 0
    assert counts(tracked) == first
    gets_again = {k: v for k, v in site.hits.items() if k.startswith("GET ")}
    pages = {k: v for k, v in gets_again.items() if not k.endswith("/robots.txt")}
    # every page came out of the database cache the second time
    assert pages == {k: v for k, v in gets_first.items() if not k.endswith("/robots.txt")}


async def test_unmatched_observation_is_kept_unless_asked_not_to(
    tracked: Engine, site: Site
) -> None:
    quiet = Observation.of_text("nothing to see", source="bluesky", native_id="n1")
    percolator = load_percolator(tracked, options=OPTIONS)
    _, kept = await percolate_and_record(tracked, quiet, percolator=percolator)
    assert kept.evidence is not None and kept.mentions == []
    other = Observation.of_text("still nothing", source="bluesky", native_id="n2")
    _, dropped = await percolate_and_record(
        tracked, other, percolator=percolator, keep_unmatched=False
    )
    assert dropped.evidence is None
    assert counts(tracked)["evidence"] == 1


async def test_offline_recording_without_native_id_is_idempotent(tracked: Engine) -> None:
    note = Observation.of_text("doi:10.1234/alpha", source="bluesky")
    _, first = await percolate_and_record(tracked, note)
    _, second = await percolate_and_record(tracked, note)
    assert (first.new_mentions, second.new_mentions) == (1, 0)
    with transaction(tracked) as session:
        [mention] = session.scalars(select(Mention)).all()
        assert mention.native_id == f"sha256:{first.evidence.sha256}"
        assert (mention.match_method, mention.match_verification) == ("text-id", "exact")
