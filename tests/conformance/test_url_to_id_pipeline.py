"""Conformance through the whole percolator: url_to_id's ``url_to_doi`` and
``url_to_doi_needs_page`` cases, and every landing_pages case fetched from a local server.

- url_to_doi: each URL is one observation. The registry and Crossref answers are exactly those
  the case records (``registered_dois``, ``mock``); the domain table of
  ``percolator_domain_decision_structure.json`` is the percolator's host ↔ prefix knowledge, so
  Event Data's ``confirmed-domain-prefix`` reads ``recognised-domain`` here. Crossref's example
  prefix 10.5555 is refused as a match by policy: those cases must leave an ``example-prefix``
  skip naming the expected DOI instead.
- url_to_doi_needs_page: offline, a URL rule may answer (it must then give the expected DOI);
  otherwise the URL must be reported as not fetched.
- landing_pages: the saved pages are served, read in place, by a server on 127.0.0.1 under their
  own host names (a DNS stub), and fetched with the real SafeFetcher; the DOI resolver stand-in
  cannot tell (503), so verification comes from the domain table or stays ``unverified``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from aiohttp import web

from altscope.config import Settings
from altscope.ids import find_identifiers
from altscope.percolate.fetch import SafeFetcher
from altscope.percolate.fetch_result import FetchResult, Reason
from altscope.percolate.observation import Observation
from altscope.percolate.pipeline import Percolator, PercolatorOptions
from altscope.percolate.verify import DomainPrefixes
from support import conformance
from support.dns import TableDNS

URLS = conformance.folder("url_to_id")
PAGES = conformance.folder("landing_pages")
URL_CASES = conformance.manifest("url_to_id")
PAGE_CASES = conformance.manifest("landing_pages")
TABLE = json.loads((URLS / "percolator_domain_decision_structure.json").read_text("utf-8"))
EXAMPLE_PREFIX = "10.5555/"

# Where altscope's percolator answers differently from the recorded expectation: id -> reason.
DISAGREEMENTS: dict[str, str] = {
    "percolator-PMC4852986": (
        "the page URL names the PMCID (PMC4852986): cheapest rung first, the percolator matches "
        "pmcid:PMC4852986 from the URL and does not read the page for its DOI"
    ),
}


def _prefixes() -> DomainPrefixes:
    return DomainPrefixes(
        (host, prefix)
        for host, prefixes in TABLE["domains-prefixes"].items()
        for prefix, facts in prefixes.items()
        if facts.get("domain-recognised")
    )


def _cases(manifest: list[dict[str, Any]], *kinds: str, folder: str) -> list[Any]:
    return [
        param
        for kind in kinds
        for param in conformance.params(
            manifest, kind, f"{folder}/{kind} (pipeline)", DISAGREEMENTS
        )
    ]


class CaseNetwork:
    """The network as one case records it: the DOI registry and Crossref's PII search; any
    other request fails as if offline."""

    def __init__(self, case: dict[str, Any], registered: bool = True) -> None:
        self.known = {d.lower() for d in case.get("registered_dois", [])} if registered else set()
        self.has_registry = "registered_dois" in case or not registered
        self.mock = case.get("mock") or {}
        self.asked: list[str] = []

    async def doi_exists(self, doi: str) -> bool | None:
        self.asked.append(doi)
        return doi.lower() in self.known if self.has_registry else None

    async def fetch(self, url: str, **_: Any) -> FetchResult:
        if "/works?" in url and "crossref_works_alternative_id_items" in self.mock:
            items = [{"DOI": doi} for doi in self.mock["crossref_works_alternative_id_items"]]
            body = orjson.dumps({"message": {"items": items}})
            return FetchResult(url, url, 200, body=body, content_type="application/json")
        return FetchResult(url, url, error="offline", reason_code=Reason.DNS_ERROR)

    async def resolve(self, url: str, **_: Any) -> FetchResult:
        return FetchResult(url, url, error="offline", reason_code=Reason.DNS_ERROR)


def _percolator() -> Percolator:
    return Percolator(prefixes=_prefixes(), options=PercolatorOptions(shorteners=frozenset()))


@pytest.mark.parametrize("case", _cases(URL_CASES, "url_to_doi", folder="url_to_id"))
async def test_url_to_doi(case: dict[str, Any]) -> None:
    expected = case["expected"]["doi"].lower()
    network = CaseNetwork(case)
    result = await _percolator().percolate(Observation.of_url(case["input"]), network)
    dois = {m.identifier.value for m in result.matches if m.identifier.scheme == "doi"}
    if expected.startswith(EXAMPLE_PREFIX):
        assert dois == set()
        assert {(s.subject, s.reason) for s in result.skipped} >= {
            (f"doi:{expected}", "example-prefix")
        }
        return
    assert dois == {expected}
    [match] = [m for m in result.matches if m.identifier.value == expected]
    if case["expected"].get("verification") == "confirmed-domain-prefix":
        assert match.verification == "recognised-domain"
    if case["expected"].get("method") == "pii-lookup":
        assert match.detail.endswith(f"PII {case['expected']['pii']} via Crossref")
        assert match.verification == "resolver-confirmed"
    if "doi_when_not_registered" in case["expected"] and "registered_dois" in case:
        unknown = await _percolator().percolate(
            Observation.of_url(case["input"]), CaseNetwork(case, registered=False)
        )
        assert [m for m in unknown.matches if m.identifier.scheme == "doi"] == []


@pytest.mark.parametrize("case", _cases(URL_CASES, "url_to_doi_needs_page", folder="url_to_id"))
async def test_url_to_doi_needs_page(case: dict[str, Any]) -> None:
    result = await _percolator().percolate(Observation.of_url(case["input"]))
    dois = [m for m in result.matches if m.identifier.scheme == "doi"]
    if dois:
        assert [(m.identifier.value, m.method) for m in dois] == [
            (case["expected"]["doi"].lower(), "url-rule")
        ]
    else:
        assert [(s.subject, s.reason) for s in result.skipped] == [(case["input"], "not-fetched")]


# --- landing pages, fetched ---------------------------------------------------------------------


@pytest.fixture
async def pages_server() -> AsyncIterator[tuple[int, dict[str, tuple[Path, int]]]]:
    """Serves each case's file at its page URL's host and path (status from the case)."""
    routes: dict[str, tuple[Path, int]] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        key = f"{request.host.split(':')[0]}{request.path_qs}"
        if key not in routes:
            if key.startswith("doi.org/"):  # the resolver stand-in cannot tell
                return web.Response(status=503, text="resolver unavailable")
            return web.Response(status=404, text="not here")
        path, status = routes[key]
        return web.Response(body=path.read_bytes(), status=status, content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield port, routes
    finally:
        await runner.cleanup()


def _served_url(page_url: str, port: int) -> tuple[str, str]:
    parts = urlsplit(page_url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"http://{parts.hostname}:{port}{path}", f"{parts.hostname}{path}"


@pytest.mark.parametrize(
    "case",
    _cases(
        PAGE_CASES,
        "landing_page_doi",
        "landing_page_doi_and_canonical",
        "landing_page_canonical",
        "landing_page_error",
        folder="landing_pages",
    ),
)
async def test_landing_page_through_the_pipeline(case: dict[str, Any], pages_server) -> None:
    port, routes = pages_server
    url, key = _served_url(case["input"]["page_url"], port)
    routes[key] = (PAGES / case["input_file"], case["input"].get("http_status", 200))
    settings = Settings(
        fetch_allow_hosts=["127.0.0.1"],
        fetch_host_delay=0.0,
        doi_resolver_url=f"http://doi.org:{port}",
        contact_email="conformance@example.org",
    )
    async with SafeFetcher(settings, resolver=TableDNS(default="127.0.0.1")) as fetcher:
        result = await _percolator().percolate(Observation.of_url(url), fetcher)
    expected = case["expected"]
    dois = [m for m in result.matches if m.identifier.scheme == "doi"]
    values = {m.identifier.value for m in dois}
    for wrong in expected.get("must_not_return", []):
        assert wrong.lower() not in values
    reasons = {(s.subject, s.reason) for s in result.skipped}
    wanted = (expected.get("doi") or expected.get("doi_from_meta_tags") or "").lower()
    in_url = {f.identifier.value for f in find_identifiers(url) if f.identifier.scheme == "doi"} | {
        m.identifier.value for m in dois if m.method == "url-rule"
    }
    if case["kind"] == "landing_page_error":
        # a link to the resolver's "DOI Not Found" page: the resolver refuses the DOI
        assert result.matches == []
        assert any(reason == "doi-not-registered" for _, reason in reasons)
    elif expected.get("doi_prefix_is_example_prefix"):
        assert values == set()
        assert (f"doi:{wanted}", "example-prefix") in reasons
    elif wanted:
        assert values == {wanted}
        [match] = dois
        if wanted in in_url:  # the URL names the DOI: no page needed
            assert match.method in ("url-id", "url-rule")
        else:
            assert match.method == "landing-meta"
            assert match.landing_sha256 in result.pages
        if expected.get("percolator_verification") == "confirmed-domain-prefix":
            assert match.verification == "recognised-domain"
    else:  # canonical-only pages: no DOI tag; only a DOI written in the page URL counts
        assert values == in_url
    if "canonical_url" in expected and result.pages:
        [page] = result.pages.values()
        assert page.meta is not None
        assert page.meta.canonical_url == _served_canonical(expected["canonical_url"], url, port)


def _served_canonical(canonical: str, served: str, port: int) -> str:
    """The expected canonical URL as it reads when the page is served from our port (a
    relative or same-host canonical link picks the port up; other hosts are unchanged)."""
    if urlsplit(canonical).hostname == urlsplit(served).hostname and ":" not in (
        urlsplit(canonical).netloc
    ):
        parts = urlsplit(canonical)
        return parts._replace(netloc=f"{parts.hostname}:{port}").geturl()
    return canonical
