"""The percolator's ladder end to end: the real SafeFetcher against hand-written sites on
127.0.0.1 (pipeline_site.py), and offline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pipeline_site import TRACKED_TITLE, Site, site_dns

from altscope.ids import Identifier
from altscope.percolate.domains import DomainTracker, UrlMap, url_key
from altscope.percolate.fetch import SafeFetcher
from altscope.percolate.match import Match
from altscope.percolate.observation import Observation
from altscope.percolate.pipeline import PercolationResult, Percolator, PercolatorOptions
from altscope.percolate.titles import TitleIndex, TrackedTitle
from altscope.percolate.verify import DomainPrefixes

OPTIONS = PercolatorOptions(shorteners=frozenset({"short.test"}))


def doi(value: str) -> Identifier:
    return Identifier("doi", value)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with Site() as running:
        yield running


@pytest.fixture
async def fetcher(site: Site) -> AsyncIterator[SafeFetcher]:
    async with SafeFetcher(site.settings(), resolver=site_dns()) as safe:
        yield safe


def percolator(site: Site, **options) -> Percolator:
    tracker = DomainTracker(
        ["repo.test"],
        [UrlMap("repo.test", r"/items/(\d+)", "doi", "10.7000/item.{1}").validate()],
        urls={url_key(site.url("repo.test", "/record/9")): doi("10.7000/listed.9")},
    )
    titles = TitleIndex(
        [
            TrackedTitle.build(
                41,
                TRACKED_TITLE,
                authors=["Liisa Virtanen"],
                published=date(2024, 5, 1),
                identifier=doi("10.7000/peat"),
            )
        ]
    )
    return Percolator(
        tracker=tracker,
        titles=titles,
        prefixes=DomainPrefixes([("publisher.test", "10.1234")]),
        options=replace(OPTIONS, **options),
    )  # the DOI resolver and Crossref come from the fetcher's settings


def by_identifier(result: PercolationResult) -> dict[Identifier, Match]:
    return {m.identifier: m for m in result.matches}


def reasons(result: PercolationResult) -> dict[str, str]:
    return {s.subject: s.reason for s in result.skipped}


# --- the cheap rungs ---------------------------------------------------------------------------


async def test_text_and_url_identifiers_are_exact_and_need_no_fetch(site, fetcher) -> None:
    post = Observation.of_text(
        "New preprint arXiv:2101.00001 and doi:10.1234/alpha, data at "
        "https://zenodo.org/records/1234567 — PMID: 31452104"
    )
    result = await percolator(site).percolate(post, fetcher)
    found = by_identifier(result)
    assert found[Identifier("arxiv", "arXiv:2101.00001")].method == "text-id"
    assert found[Identifier("arxiv", "arXiv:2101.00001")].verification == "exact"
    assert found[Identifier("pmid", "31452104")].method == "text-id"
    # the DOI was checked through the resolver stand-in: it exists
    assert found[doi("10.1234/alpha")].verification == "resolver-confirmed"
    zenodo = found[doi("10.5281/zenodo.1234567")]
    assert (zenodo.method, zenodo.url) == ("url-rule", "https://zenodo.org/records/1234567")
    assert result.pages == {}  # nothing needed a landing page


async def test_unregistered_doi_is_refused_and_a_trailing_typo_trimmed(site, fetcher) -> None:
    post = Observation.of_text("see 10.1234/alpha/figures/1 and 10.1234/missing")
    result = await percolator(site).percolate(post, fetcher)
    found = by_identifier(result)
    assert found[doi("10.1234/alpha")].detail == "trimmed from 10.1234/alpha/figures/1"
    assert reasons(result)["doi:10.1234/missing"] == "doi-not-registered"
    assert doi("10.1234/missing") not in found


async def test_example_prefix_is_refused_in_text() -> None:
    result = await Percolator().percolate(Observation.of_text("doi:10.5555/12345678"))
    assert result.matches == []
    assert reasons(result) == {"doi:10.5555/12345678": "example-prefix"}


# --- shortener -> DOI resolver -> landing page -------------------------------------------------


async def test_shortener_through_the_doi_resolver(site, fetcher) -> None:
    link = site.url("short.test", "/a")
    result = await percolator(site).percolate(Observation.of_text(f"wow {link}"), fetcher)
    [match] = result.matches
    assert match.identifier == doi("10.1234/alpha")
    assert match.method == "url-id"  # the redirect went through the resolver: no page needed
    assert match.url == link
    assert "redirected through" in match.detail
    assert site.hits["GET publisher.test/articles/alpha"] == 0  # resolved, never read


async def test_shortener_to_a_landing_page_reads_its_meta_tags(site, fetcher) -> None:
    link = site.url("short.test", "/b")
    result = await percolator(site).percolate(Observation.of_text(link), fetcher)
    [match] = result.matches
    assert match.identifier == doi("10.1234/beta")
    assert (match.method, match.verification) == ("landing-meta", "recognised-domain")
    assert match.landing_url == site.url("publisher.test", "/articles/beta")
    assert match.landing_sha256 in result.pages
    assert result.pages[match.landing_sha256].body.startswith(b"<!doctype html>")


async def test_landing_page_traps(site, fetcher) -> None:
    page = site.url("publisher.test", "/articles/alpha")
    result = await percolator(site).percolate(Observation.of_url(page), fetcher)
    assert [m.identifier for m in result.matches] == [doi("10.1234/alpha")]
    assert result.matches[0].detail == "citation_doi"
    # the cited works (citation_reference, body) are never matched


async def test_example_prefix_on_a_landing_page_is_a_skip(site, fetcher) -> None:
    link = site.url("short.test", "/nature")
    result = await percolator(site).percolate(Observation.of_text(link), fetcher)
    assert result.matches == []
    assert reasons(result)["doi:10.5555/example.1"] == "example-prefix"
    assert reasons(result)[link] == "no-identifier"


async def test_page_on_a_host_not_known_for_the_prefix_is_resolver_checked(site, fetcher) -> None:
    result = await percolator(site).percolate(
        Observation.of_url(site.url("other.test", "/meta")), fetcher
    )
    [match] = result.matches
    assert match.identifier == doi("10.4000/meta.1")
    assert (match.method, match.verification) == ("landing-meta", "resolver-confirmed")


async def test_body_doi_counts_only_when_it_resolves_back_to_the_page(site, fetcher) -> None:
    story = site.url("other.test", "/stories/body")
    result = await percolator(site).percolate(Observation.of_url(story), fetcher)
    [match] = result.matches
    assert match.identifier == doi("10.2000/body.1")
    assert (match.method, match.verification) == ("landing-body-verified", "resolver-confirmed")
    skipped = reasons(result)
    assert skipped["doi:10.3000/elsewhere.1"] == "body-doi-elsewhere"


async def test_unmatched_urls_say_why(site, fetcher) -> None:
    gone = site.url("publisher.test", "/gone")
    loop = site.url("short.test", "/loop")
    private = site.url("repo.test", "/private/1")
    nowhere = "http://nowhere.test/article"
    text = f"{gone} {loop} {private} {nowhere}"
    result = await percolator(site).percolate(Observation.of_text(text), fetcher)
    assert result.matches == []
    skipped = reasons(result)
    assert skipped[gone] == "bad-status"
    assert skipped[loop] == "redirect-loop"
    assert skipped[private] == "robots-disallowed"
    assert skipped[nowhere] == "dns-error"


# --- tracked domains --------------------------------------------------------------------------


async def test_tracked_domain_pattern_map_follows_and_matches(site, fetcher) -> None:
    link = site.url("short.test", "/repo")
    result = await percolator(site).percolate(Observation.of_text(f"thesis: {link}"), fetcher)
    [match] = result.matches
    assert match.identifier == doi("10.7000/item.5678")
    assert (match.method, match.verification) == ("domain-map", "recognised-domain")
    # tracked links are always followed: the page was fetched and kept for evidence
    assert site.hits["GET repo.test/items/5678"] == 1
    assert match.url == link


async def test_tracked_domain_url_list(site, fetcher) -> None:
    item = site.url("repo.test", "/record/9")
    result = await percolator(site).percolate(Observation.of_url(item), fetcher)
    [match] = result.matches
    assert match.identifier == doi("10.7000/listed.9")
    assert match.method == "domain-map" and "list" in match.detail
    assert match.landing_sha256 in result.pages


# --- title matching on landing pages ----------------------------------------------------------


async def test_title_match_from_landing_metadata(site, fetcher) -> None:
    page = site.url("other.test", "/titled")
    post = Observation.of_url(page, occurred_at=datetime(2024, 5, 20, tzinfo=UTC))
    result = await percolator(site, title_window_days=45).percolate(post, fetcher)
    [match] = result.matches
    assert (match.method, match.verification) == ("title-match", "unverified")
    assert match.output_id == 41 and match.identifier == doi("10.7000/peat")
    assert "author virtanen" in match.detail
    late = Observation.of_url(page, occurred_at=datetime(2025, 5, 20, tzinfo=UTC))
    refused = await percolator(site, title_window_days=45).percolate(late, fetcher)
    assert refused.matches == []
    assert reasons(refused)[page] == "title-outside-window"


# --- PII through Crossref ---------------------------------------------------------------------


async def test_pii_url_becomes_a_doi_through_crossref(site, fetcher) -> None:
    url = "https://www.sciencedirect.com/science/article/pii/S0140673620301835"
    result = await percolator(site).percolate(Observation.of_text(url), fetcher)
    found = by_identifier(result)
    lancet = found[doi("10.1016/s0140-6736(20)30183-5")]
    assert (lancet.method, lancet.verification) == ("url-rule", "resolver-confirmed")
    assert Identifier("pii", "S0140673620301835") in found
    assert site.hits["GET crossref.test/works"] == 1


# --- offline ----------------------------------------------------------------------------------


async def test_offline_runs_the_cheap_rungs_and_says_what_it_did_not_fetch(site) -> None:
    tracked = site.url("repo.test", "/items/12")
    story = site.url("other.test", "/stories/body")
    text = (
        f"doi:10.1234/alpha {tracked} {story} https://www.nature.com/articles/s41586-020-2649-2 "
        f"Liisa Virtanen: {TRACKED_TITLE}"
    )
    result = await percolator(site).percolate(Observation.of_text(text))
    found = by_identifier(result)
    assert found[doi("10.1234/alpha")].verification == "exact"
    assert found[doi("10.7000/item.12")].method == "domain-map"
    assert found[doi("10.1038/s41586-020-2649-2")].method == "url-rule"
    assert found[doi("10.7000/peat")].method == "title-match"
    assert reasons(result)[story] == "not-fetched"
    assert sum(site.hits.values()) == 0


def test_text_stage_is_offline_and_synchronous() -> None:
    stage = Percolator().text_stage(
        "Out now 10.1038/nature14539!", ["https://arxiv.org/abs/1706.03762v5", "https://t.co/x"]
    )
    assert [(str(m.identifier), m.method) for m in stage.matches] == [
        ("doi:10.1038/nature14539", "text-id"),
        ("arXiv:1706.03762", "url-rule"),  # the arXiv rule names the work, not the version
    ]
    assert stage.pending == ["https://t.co/x"]


def test_an_arxiv_version_and_its_paper_are_one_match() -> None:
    stage = Percolator().text_stage(
        "new version https://arxiv.org/abs/1706.03762v5 of arXiv:1706.03762v2 (arXiv:1706.03762)"
    )
    assert [(str(m.identifier), m.method) for m in stage.matches] == [
        ("arXiv:1706.03762", "url-rule")
    ]
