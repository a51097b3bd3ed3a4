"""The percolator's ladder: from an observation to the identifiers it names, cheapest first.

1. ``text-id``: identifiers written in the text;
2. ``url-id``: identifiers written inside the URLs it links to;
3. ``url-rule``: publisher and repository URL patterns (``percolate.rules``), with a PII turned
   into a DOI through Crossref when online;
4. ``domain-map``: URL patterns and URL lists of tracked domains (``percolate.domains``);
5. ``landing-meta``: the landing page's own metadata, fetched through the safe fetcher after
   unshortening and normalisation; a DOI only in the page body counts when it resolves back to
   the page's site (``landing-body-verified``);
6. ``title-match``: a tracked output's title, corroborated by an author or the journal.

Rungs 1-4 and 6 need no network: without a fetcher the percolator works offline. Links into a
tracked domain are always followed. Every candidate that gives no match leaves a
:class:`~altscope.percolate.match.Skip` with a reason code (the fetcher's, or ``no-identifier``,
``example-prefix``, ``doi-not-registered`` ...). See docs/percolator.md.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import orjson

from altscope.ids import Identifier, IdentifierError, find_identifiers, parse
from altscope.ids.arxiv import unversioned
from altscope.ids.doi import registry_candidates
from altscope.percolate.candidates import DOI_RESOLVER_HOSTS, find_urls
from altscope.percolate.domains import DomainTracker
from altscope.percolate.html import html_links, html_to_text
from altscope.percolate.landing import BODY, META, URL, LandingMeta, extract_landing
from altscope.percolate.match import (
    DOMAIN_MAP,
    LANDING_BODY_VERIFIED,
    LANDING_META,
    OUTPUT_SCHEMES,
    TEXT_ID,
    TITLE_MATCH,
    URL_ID,
    URL_RULE,
    Match,
    Skip,
)
from altscope.percolate.observation import Observation
from altscope.percolate.rules import NEEDS_LANDING_PAGE, RuleSet, default_rules
from altscope.percolate.titles import TitleIndex, TitleMatch, TitleSkip
from altscope.percolate.urls import is_http_url, normalize_url
from altscope.percolate.verify import (
    EXACT,
    RECOGNISED_DOMAIN,
    RESOLVER_CONFIRMED,
    UNVERIFIED,
    DomainPrefixes,
    is_example_doi,
    same_site,
)

__all__ = [
    "SHORTENER_HOSTS",
    "LandingPage",
    "PercolationResult",
    "Percolator",
    "PercolatorOptions",
    "TextStage",
]

log = logging.getLogger(__name__)

#: Hosts whose links only redirect elsewhere: resolved (HEAD) before anything else.
_SHORTENERS = """t.co bit.ly buff.ly ow.ly tinyurl.com goo.gl j.mp dlvr.it ift.tt lnkd.in trib.al
fb.me wp.me is.gd tiny.cc rb.gy shorturl.at s.id cutt.ly rebrand.ly bl.ink t.ly soo.gd doi.org
dx.doi.org www.doi.org"""
SHORTENER_HOSTS = frozenset(_SHORTENERS.split())


def _work(identifier: Identifier) -> Identifier:
    """The work an identifier names: an arXiv version counts as its paper."""
    if identifier.scheme == "arxiv":
        return Identifier("arxiv", unversioned(identifier.value))
    return identifier


class Fetcher(Protocol):
    """What the percolator needs of :class:`altscope.percolate.fetch.SafeFetcher`."""

    async def fetch(self, url: str) -> Any: ...

    async def resolve(self, url: str) -> Any: ...

    async def doi_exists(self, doi: str) -> bool | None: ...


@dataclass(frozen=True, slots=True)
class PercolatorOptions:
    """How far the percolator goes.

    ``title_window_days`` limits title matching to outputs published that many days before the
    observation (the news source uses 45). ``max_urls`` bounds the links of one observation
    that are looked at; ``follow_all_links`` fetches the landing page of every unmatched link
    (default: yes for text and URL observations; for HTML pages, whose navigation links are not
    worth a fetch, only tracked, rule-flagged and shortened links). ``shorteners`` are hosts
    whose links are resolved (redirects followed, no body read) before anything else.
    """

    fetch: bool = True
    verify_dois: bool = True
    title_matching: bool = True
    title_window_days: int | None = None
    max_urls: int = 20
    max_body_dois: int = 3
    follow_all_links: bool | None = None
    shorteners: frozenset[str] = SHORTENER_HOSTS


@dataclass(frozen=True, slots=True)
class LandingPage:
    """A page the percolator fetched and read; ``sha256`` is its fingerprint."""

    url: str
    final_url: str
    status: int | None
    content_type: str | None
    body: bytes
    sha256: str
    meta: LandingMeta | None = None


@dataclass(slots=True)
class PercolationResult:
    """What percolating one observation found (``matches``, one per identifier, cheapest rung
    first), what it refused and why (``skipped``), and the pages it read (``pages``, by
    fingerprint) so they can be kept as evidence."""

    observation: Observation
    matches: list[Match] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    pages: dict[str, LandingPage] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (what ``altscope percolate --json`` prints)."""
        return {
            "observation": {
                "kind": self.observation.kind,
                "source": self.observation.source,
                "native_id": self.observation.native_id,
                "url": self.observation.url,
            },
            "matches": [
                {
                    "identifier": str(m.identifier),
                    "scheme": m.identifier.scheme,
                    "value": m.identifier.value,
                    "method": m.method,
                    "verification": m.verification,
                    "url": m.url,
                    "landing_url": m.landing_url,
                    "landing_sha256": m.landing_sha256,
                    "detail": m.detail,
                    "output_id": m.output_id,
                }
                for m in self.matches
            ],
            "skipped": [
                {"subject": s.subject, "reason": s.reason, "detail": s.detail} for s in self.skipped
            ],
            "pages": [
                {
                    "url": p.url,
                    "final_url": p.final_url,
                    "status": p.status,
                    "sha256": p.sha256,
                    "bytes": len(p.body),
                }
                for p in self.pages.values()
            ],
            "urls": self.urls,
        }


class _Collected:
    """Matches (one per identifier, first wins) and skips, as the ladder finds them."""

    def __init__(self) -> None:
        self.matches: dict[Identifier, Match] = {}
        self.skipped: list[Skip] = []

    def add(self, match: Match) -> bool:
        identifier = match.identifier
        if identifier.scheme == "doi" and is_example_doi(identifier.value):
            self.skip(
                str(identifier),
                "example-prefix",
                "an example or test DOI prefix (10.5555, 10.5072)",
            )
            return False
        known = self.matches.get(identifier)
        if known is not None:
            if (
                known.landing_sha256 is None
                and match.landing_sha256
                and known.method == match.method
            ):
                # the same rung again, now with the page it was read from: keep the page
                self.matches[identifier] = replace(
                    known, landing_url=match.landing_url, landing_sha256=match.landing_sha256
                )
            return False
        self.matches[identifier] = match
        return True

    def skip(self, subject: str, reason: str, detail: str = "") -> None:
        skip = Skip(subject, reason, detail)
        if skip not in self.skipped:
            self.skipped.append(skip)

    def skipped_subject(self, subject: str) -> bool:
        return any(skip.subject == subject for skip in self.skipped)


@dataclass(slots=True)
class TextStage:
    """The offline identifier stage of one text: matches, and the links still to look at."""

    matches: list[Match]
    pending: list[str]
    flagged: set[str]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _doi_url(resolver: str, doi: str) -> str:
    return f"{resolver.rstrip('/')}/{quote(doi, safe='/:;()[]<>@!$&*+,=-._~')}"


class Percolator:
    """The ladder, configured: URL rules, tracked domains, tracked titles, known host prefixes.

    ``percolate`` runs every rung (the network ones only with a fetcher); ``text_stage`` is the
    offline text → identifier stage on its own (text-id, url-id, url-rule; no I/O).
    """

    def __init__(
        self,
        *,
        rules: RuleSet | None = None,
        tracker: DomainTracker | None = None,
        titles: TitleIndex | None = None,
        prefixes: DomainPrefixes | None = None,
        options: PercolatorOptions | None = None,
        doi_resolver_url: str | None = None,
        crossref_url: str | None = None,
    ) -> None:
        self.rules = rules if rules is not None else default_rules()
        self.tracker = tracker or DomainTracker()
        self.titles = titles
        self.prefixes = prefixes if prefixes is not None else DomainPrefixes.from_rules(self.rules)
        self.options = options or PercolatorOptions()
        self.doi_resolver_url = doi_resolver_url
        self.crossref_url = crossref_url

    def _service(self, fetcher: Fetcher, name: str, default: str) -> str:
        """A service URL: given to the percolator, else the fetcher's settings, else public."""
        given = getattr(self, name)
        if given:
            return given
        settings = getattr(fetcher, "settings", None)
        return getattr(settings, name, None) or default

    # --- offline rungs ------------------------------------------------------------------

    def url_matches(self, url: str) -> tuple[list[Match], list[Skip], bool]:
        """url-id, url-rule and domain-map for one URL: (matches, skips, needs_page).

        An identifier written in the URL is ``url-id``; a publisher rule's identifier is
        ``url-rule`` and wins over a longer written one (``10.1101/x.y`` over ``…v1``).

        ``needs_page``: a rule says the URL is a landing page worth reading, or a PII needs a
        lookup, or the URL is in a tracked domain (always followed).
        """
        matches: list[Match] = []
        skips: list[Skip] = []
        needs_page = False
        ruled: list[Match] = []
        for rule in self.rules.apply(url):
            if rule.lookup == NEEDS_LANDING_PAGE or rule.identifier is None:
                needs_page = True
                continue
            if rule.lookup == "pii-to-doi":
                needs_page = True
            detail = f"rule {rule.rule}"
            ruled.append(
                Match(rule.identifier, URL_RULE, RECOGNISED_DOMAIN, url=url, detail=detail)
            )
        for found in find_identifiers(url):
            identifier = found.identifier
            if identifier.scheme not in OUTPUT_SCHEMES or any(
                # the publisher's rule knows better (bioRxiv's "v1" is not part of the DOI)
                r.identifier != identifier
                and r.identifier.scheme == identifier.scheme
                and identifier.value.startswith(r.identifier.value)
                for r in ruled
            ):
                continue
            if identifier.scheme == "pii":
                needs_page = True  # its DOI needs a lookup
            verification = self._url_verification(url, identifier)
            matches.append(Match(identifier, URL_ID, verification, url=url))
        written = {m.identifier for m in matches}
        matches += [r for r in ruled if r.identifier not in written]
        if self.tracker and self.tracker.tracked_domain(url):
            needs_page = True
            hits, problems = self.tracker.identifiers(url)
            for hit in hits:
                matches.append(
                    Match(
                        hit.identifier,
                        DOMAIN_MAP,
                        RECOGNISED_DOMAIN,
                        url=url,
                        detail=f"{hit.domain}: {hit.how}",
                    )
                )
            for problem in problems:
                skips.append(Skip(url, "domain-map-invalid", problem))
        if not matches and _host(url) in DOI_RESOLVER_HOSTS:
            needs_page = True  # a shortDOI or an odd DOI link: the resolver knows
        return matches, skips, needs_page

    def _url_verification(self, url: str, identifier: Identifier) -> str:
        if identifier.scheme == "doi" and self.prefixes.recognised(url, identifier.value):
            return RECOGNISED_DOMAIN
        return EXACT

    def text_stage(
        self,
        text: str,
        links: Iterable[str] = (),
        *,
        html: str | None = None,
        base_url: str | None = None,
    ) -> TextStage:
        """text-id, url-id and url-rule (and domain-map) over a text and its links; no I/O.

        ``html``, when given, is the markup ``text`` was read from (its links are followed too).
        """
        matches: list[Match] = []
        seen: set[Identifier] = set()
        urls: list[str] = []
        if "://" in text:
            urls = find_urls(text)
        if html is not None:
            urls += html_links(html, base_url)
        urls += [link for link in links if link]
        urls = list(dict.fromkeys(urls))[: self.options.max_urls]
        pending: list[str] = []
        flagged: set[str] = set()
        url_found: list[Match] = []
        for url in urls:
            found, _, needs_page = self.url_matches(url)
            url_found += found
            if needs_page:
                flagged.add(url)
            if not found or needs_page:
                pending.append(url)
        from_urls = {_work(m.identifier) for m in url_found}
        for found in find_identifiers(text):
            identifier = found.identifier
            key = _work(identifier)
            if identifier.scheme in OUTPUT_SCHEMES and key not in seen and key not in from_urls:
                seen.add(key)
                matches.append(Match(identifier, TEXT_ID, EXACT))
        for match in url_found:
            if _work(match.identifier) not in seen:
                seen.add(_work(match.identifier))
                matches.append(match)
        return TextStage(matches, pending, flagged)

    # --- the whole ladder ---------------------------------------------------------------

    async def percolate(
        self, observation: Observation, fetcher: Fetcher | None = None
    ) -> PercolationResult:
        """Run the ladder over ``observation``; with ``fetcher`` (a SafeFetcher), online."""
        result = PercolationResult(observation)
        collected = _Collected()
        online = fetcher is not None and self.options.fetch
        text, stage = self._stage(observation)
        for match in stage.matches:
            collected.add(match)
        result.urls = list(dict.fromkeys(stage.pending))
        if online:
            assert fetcher is not None
            await self._verify_dois(collected, fetcher)
            follow_all = self.options.follow_all_links
            if follow_all is None:
                follow_all = observation.kind != "html"
            for url in stage.pending:
                if follow_all or url in stage.flagged or _host(url) in self.options.shorteners:
                    await self._follow(url, collected, result, fetcher)
                else:
                    collected.skip(url, "not-followed", "links of an HTML page are not fetched")
        else:
            for url in stage.pending:
                if not any(m.url == url for m in collected.matches.values()):
                    collected.skip(url, "not-fetched", "offline: the landing page was not read")
        self._title_rung(observation, text, collected)
        result.matches = list(collected.matches.values())
        result.skipped = collected.skipped
        return result

    def _stage(self, observation: Observation) -> tuple[str, TextStage]:
        if observation.kind == "url":
            url = observation.content
            if not is_http_url(url):
                stage = TextStage([], [], set())
                return "", stage
            return "", self.text_stage("", [url, *observation.links])
        if observation.kind == "html":
            text = html_to_text(observation.content)
            return text, self.text_stage(
                text, observation.links, html=observation.content, base_url=observation.url
            )
        return observation.content, self.text_stage(observation.content, observation.links)

    # --- title matching -----------------------------------------------------------------

    def _title_rung(self, observation: Observation, text: str, collected: _Collected) -> None:
        if not (self.titles and self.options.title_matching and text):
            return
        outcome = self.titles.find_in_text(
            text, at=observation.occurred_at, window_days=self.options.title_window_days
        )
        for found in outcome.matches:
            self._add_title(found, collected)
        for skip in outcome.skipped:
            collected.skip(skip.title, skip.reason, skip.detail)

    def _add_title(
        self,
        found: TitleMatch,
        collected: _Collected,
        page: LandingPage | None = None,
        url: str | None = None,
    ) -> None:
        identifier = found.identifier or Identifier("output", str(found.output_id))
        if any(m.output_id == found.output_id for m in collected.matches.values()):
            return
        collected.add(
            Match(
                identifier,
                TITLE_MATCH,
                UNVERIFIED,
                url=url,
                landing_url=page.final_url if page else None,
                landing_sha256=page.sha256 if page else None,
                detail=found.detail,
                output_id=found.output_id,
            )
        )

    # --- DOI checks -----------------------------------------------------------------------

    async def _verify_dois(self, collected: _Collected, fetcher: Fetcher) -> None:
        """Ask the resolver about the DOIs found offline: confirmed, trimmed to the registered
        DOI, or refused as not registered (``None``: could not tell, kept as found)."""
        if not self.options.verify_dois:
            return
        for identifier, match in list(collected.matches.items()):
            if identifier.scheme != "doi" or is_example_doi(identifier.value):
                continue
            known = await fetcher.doi_exists(identifier.value)
            if known is None:
                continue
            if known:
                if match.verification != RECOGNISED_DOMAIN:
                    collected.matches[identifier] = _with(match, verification=RESOLVER_CONFIRMED)
                continue
            del collected.matches[identifier]
            trimmed = await self._registered_prefix(identifier.value, fetcher)
            if trimmed is None:
                collected.skip(
                    str(identifier), "doi-not-registered", "the DOI resolver does not know it"
                )
                continue
            fixed = Identifier("doi", trimmed)
            collected.add(
                _with(
                    match,
                    identifier=fixed,
                    verification=RESOLVER_CONFIRMED,
                    detail=f"trimmed from {identifier.value}",
                )
            )

    async def _registered_prefix(self, doi: str, fetcher: Fetcher) -> str | None:
        for candidate in registry_candidates(doi)[1:]:
            if await fetcher.doi_exists(candidate):
                return candidate
        return None

    async def _check(self, doi: str, fetcher: Fetcher) -> bool | None:
        return await fetcher.doi_exists(doi) if self.options.verify_dois else None

    # --- following a link -----------------------------------------------------------------

    async def _follow(
        self, url: str, collected: _Collected, result: PercolationResult, fetcher: Fetcher
    ) -> None:
        """Unshorten, fetch and read the landing page behind ``url``."""
        try:
            target = normalize_url(url)
        except ValueError:
            collected.skip(url, "bad-url", "not a URL that can be fetched")
            return
        before = len(collected.matches)
        tracked = self.tracker.tracked_domain(target) if self.tracker else None
        if await self._pii_lookups(url, collected, fetcher) and not tracked:
            return
        if _host(target) in self.options.shorteners:
            hops = await fetcher.resolve(target)
            if hops.final_url and hops.final_url != target:
                matched = self._after_redirects(url, hops.chain[1:], collected)
                target = hops.final_url
                if matched and not self.tracker.tracked_domain(target):
                    return  # the redirects named the work: no need to read the page
            elif not hops.ok:
                collected.skip(url, str(hops.reason_code), hops.error or "")
                return
        page = await fetcher.fetch(target)
        final = page.final_url or target
        # A redirect may name the work already (a hop through a DOI resolver, a publisher URL
        # with a rule); the page is read all the same when it came.
        self._after_redirects(url, page.chain[1:], collected)
        if not page.ok or page.body is None:
            if len(collected.matches) == before:
                collected.skip(url, str(page.reason_code or "no-body"), page.error or "")
            return
        landing = LandingPage(
            url=url,
            final_url=final,
            status=page.status,
            content_type=page.content_type,
            body=page.body,
            sha256=_fingerprint(page.body),
        )
        meta = extract_landing(page.body, final, status=page.status, encoding=page.charset)
        landing = _landing_with_meta(landing, meta)
        result.pages[landing.sha256] = landing
        if meta.error:
            collected.skip(url, "error-page", meta.error)
            return
        await self._landing_rung(url, landing, meta, collected, fetcher)
        if len(collected.matches) == before:
            self._landing_title(url, landing, meta, collected, result.observation)
        if len(collected.matches) == before and not collected.skipped_subject(url):
            collected.skip(url, "no-identifier", f"the page at {final} names no identifier we use")

    def _after_redirects(self, url: str, hops: Iterable[str], collected: _Collected) -> bool:
        """The offline rungs on the URLs a link redirected through; True when one matched."""
        added = False
        for hop in hops:
            found, skips, _ = self.url_matches(hop)
            for match in found:
                detail = _join(match.detail, f"redirected through {hop}")
                added |= collected.add(_with(match, url=url, detail=detail))
            for skip in skips:
                collected.skip(skip.subject, skip.reason, skip.detail)
        return added

    def _piis(self, url: str) -> dict[str, tuple[str, str]]:
        """The PIIs of a URL (from a pii-to-doi rule, or written in it): value -> (method, how)."""
        found: dict[str, tuple[str, str]] = {}
        for rule in self.rules.apply(url):
            if rule.lookup == "pii-to-doi" and rule.identifier is not None:
                found.setdefault(rule.identifier.value, (URL_RULE, f"rule {rule.rule}"))
        for hit in find_identifiers(url):
            if hit.identifier.scheme == "pii":
                found.setdefault(hit.identifier.value, (URL_ID, "PII in the URL"))
        return found

    async def _pii_lookups(self, url: str, collected: _Collected, fetcher: Fetcher) -> bool:
        """PII → DOI through Crossref for the PIIs of a URL; True when a DOI was found."""
        matched = False
        for pii, (method, how) in self._piis(url).items():
            doi = await self._pii_to_doi(pii, fetcher)
            if doi is None:
                collected.skip(
                    f"pii:{pii}", "pii-unresolved", "Crossref names no single DOI for it"
                )
                continue
            known = await self._check(doi, fetcher)
            if known is False:
                collected.skip(f"doi:{doi}", "doi-not-registered", f"from PII {pii}")
                continue
            matched |= collected.add(
                Match(
                    Identifier("doi", doi),
                    method,
                    RESOLVER_CONFIRMED if known else UNVERIFIED,
                    url=url,
                    detail=f"{how}: PII {pii} via Crossref",
                )
            )
        return matched

    async def _pii_to_doi(self, pii: str, fetcher: Fetcher) -> str | None:
        crossref = self._service(fetcher, "crossref_url", "https://api.crossref.org")
        query = f"{crossref.rstrip('/')}/works?filter=alternative-id:{quote(pii)}&rows=2"
        answer = await fetcher.fetch(query, accept="application/json")
        if not answer.ok or not answer.body:
            return None
        try:
            items = orjson.loads(answer.body)["message"]["items"]
            dois = {parse(item["DOI"], "doi").value for item in items}
        except (orjson.JSONDecodeError, KeyError, TypeError, IdentifierError):
            return None
        return dois.pop() if len(dois) == 1 else None

    async def _landing_rung(
        self,
        url: str,
        page: LandingPage,
        meta: LandingMeta,
        collected: _Collected,
        fetcher: Fetcher,
    ) -> None:
        final = page.final_url
        tracked = self.tracker.tracked_domain(final) if self.tracker else None
        declared_dois = [
            p for p in meta.identifiers if p.strength == META and p.identifier.scheme == "doi"
        ]
        for found in meta.identifiers:
            identifier = found.identifier
            if identifier.scheme not in OUTPUT_SCHEMES or found.strength == BODY:
                continue
            where = ", ".join(found.sources)
            if found.example_prefix or (
                identifier.scheme == "doi" and is_example_doi(identifier.value)
            ):
                collected.skip(str(identifier), "example-prefix", f"declared in {where}")
                continue
            if identifier.scheme == "doi" and meta.ambiguous_doi:
                collected.skip(
                    str(identifier), "conflicting-dois", "the page declares several DOIs"
                )
                continue
            if found.strength == URL and declared_dois:
                continue  # a DOI inside one of the page's URLs, beside a declared one
            verification = await self._page_verification(identifier, final, tracked, fetcher)
            if verification is None:
                collected.skip(str(identifier), "doi-not-registered", f"declared in {where}")
                continue
            if found.strength == URL and verification in (UNVERIFIED, EXACT):
                collected.skip(str(identifier), "unverified-url-doi", f"only inside {where}")
                continue
            collected.add(
                Match(
                    identifier,
                    LANDING_META,
                    verification,
                    url=url,
                    landing_url=final,
                    landing_sha256=page.sha256,
                    detail=where,
                )
            )
        if tracked:
            for candidate in dict.fromkeys(u for u in (final, meta.canonical_url) if u):
                hits, problems = self.tracker.identifiers(candidate)
                for hit in hits:
                    collected.add(
                        Match(
                            hit.identifier,
                            DOMAIN_MAP,
                            RECOGNISED_DOMAIN,
                            url=url,
                            landing_url=final,
                            landing_sha256=page.sha256,
                            detail=f"{hit.domain}: {hit.how}",
                        )
                    )
                for problem in problems:
                    collected.skip(candidate, "domain-map-invalid", problem)
        if not any(m.landing_sha256 == page.sha256 for m in collected.matches.values()):
            await self._body_dois(url, page, meta, collected, fetcher)

    async def _page_verification(
        self, identifier: Identifier, page_url: str, tracked: str | None, fetcher: Fetcher
    ) -> str | None:
        """How sure a page's declared identifier is; ``None`` when the resolver refuses it."""
        if identifier.scheme != "doi":
            return RECOGNISED_DOMAIN if tracked else UNVERIFIED
        if tracked or self.prefixes.recognised(page_url, identifier.value):
            return RECOGNISED_DOMAIN
        known = await self._check(identifier.value, fetcher)
        if known is False:
            return None
        return RESOLVER_CONFIRMED if known else UNVERIFIED

    async def _body_dois(
        self,
        url: str,
        page: LandingPage,
        meta: LandingMeta,
        collected: _Collected,
        fetcher: Fetcher,
    ) -> None:
        """DOIs only in the body count when they resolve back to the page's site."""
        for found in meta.body_dois[: self.options.max_body_dois]:
            doi = found.identifier.value
            if is_example_doi(doi):
                collected.skip(str(found.identifier), "example-prefix", "in the page body")
                continue
            resolver = self._service(fetcher, "doi_resolver_url", "https://doi.org")
            hops = await fetcher.resolve(_doi_url(resolver, doi))
            landing = hops.final_url
            if not hops.redirects or not landing or _host(landing) in DOI_RESOLVER_HOSTS:
                reason = str(hops.reason_code) if hops.reason_code else "doi-unresolved"
                collected.skip(
                    str(found.identifier),
                    "body-doi-unverified",
                    f"{reason}: {hops.error or ''}".strip(": "),
                )
                continue
            if not same_site(landing, page.final_url):
                collected.skip(
                    str(found.identifier),
                    "body-doi-elsewhere",
                    f"resolves to {_host(landing)}, not {_host(page.final_url)}",
                )
                continue
            collected.add(
                Match(
                    found.identifier,
                    LANDING_BODY_VERIFIED,
                    RESOLVER_CONFIRMED,
                    url=url,
                    landing_url=page.final_url,
                    landing_sha256=page.sha256,
                    detail=f"{', '.join(found.sources)}; resolves to {landing}",
                )
            )

    def _landing_title(
        self,
        url: str,
        page: LandingPage,
        meta: LandingMeta,
        collected: _Collected,
        observation: Observation,
    ) -> None:
        if not (self.titles and self.options.title_matching and meta.title):
            return
        found = self.titles.match_metadata(
            meta.title,
            authors=meta.authors,
            journal=meta.journal,
            issns=meta.issns,
            at=observation.occurred_at,
            window_days=self.options.title_window_days,
        )
        if isinstance(found, TitleMatch):
            self._add_title(found, collected, page, url)
        elif isinstance(found, TitleSkip) and found.reason != "title-too-short":
            collected.skip(url, found.reason, f"{found.title[:80]}: {found.detail}")


def _with(match: Match, **changes: Any) -> Match:
    return replace(match, **changes)


def _join(*parts: str) -> str:
    """Non-empty parts joined with "; "."""
    return "; ".join(p for p in parts if p)


def _landing_with_meta(page: LandingPage, meta: LandingMeta) -> LandingPage:
    return replace(page, meta=meta)
