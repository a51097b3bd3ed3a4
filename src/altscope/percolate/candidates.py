"""Candidates: what in an observation might name a research output, before any validation.

Modelled on the Crossref Event Data percolator. A candidate has a type and a value:

- ``plain-doi``: a DOI written in text or inside a URL (value: the DOI in normal form);
- ``doi-url`` / ``shortdoi-url``: a link to a DOI resolver (value: the URL as written);
- ``pii``: an Elsevier PII (value: as written);
- ``landing-page-url``: a URL on a host known to publish landing pages (value: as written);
- any other identifier scheme of `altscope.ids` (``pmid``, ``arxiv``, ``isbn``, ...; value: its
  normal form).

Later stages validate candidates (does the DOI exist, does the landing page name a DOI) and
collapse duplicates; this module only finds them, and never touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from altscope.ids import Found, Identifier, IdentifierError, find_identifiers, parse
from altscope.percolate.html import (
    HtmlInput,
    canonical_url,
    decode_html,
    html_links,
    html_to_text,
)
from altscope.percolate.urls import is_http_url

__all__ = [
    "DOI_RESOLVER_HOSTS",
    "Candidate",
    "HtmlCandidates",
    "candidates_from_html",
    "candidates_from_text",
    "candidates_from_url",
    "extract_html",
    "find_urls",
]

DOI_RESOLVER_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org", "dx.crossref.org"})

# Candidate type per identifier scheme; schemes not listed use their own name.
_TYPE_BY_SCHEME = {"doi": "plain-doi", "shortdoi": "shortdoi-url", "pii": "pii"}

_URL_RE = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\"*…"
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_DOI_PATH_RE = re.compile(r"^/+10\.\d+(?:/|%2F)", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """One candidate. ``identifier`` is the parsed identifier when the candidate names one."""

    type: str
    value: str
    identifier: Identifier | None = None


@dataclass(frozen=True)
class HtmlCandidates:
    """Everything the percolator reads from one HTML observation."""

    candidates: list[Candidate]
    canonical_url: str | None


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from the end of a URL."""
    closes = {close: url.count(close) for close in _BRACKETS}
    opens = {close: url.count(open_) for close, open_ in _BRACKETS.items()}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING_PUNCTUATION:
            end -= 1
        elif last in closes and closes[last] > opens[last]:
            closes[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def _url_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _URL_RE.finditer(text):
        url = _trim_url(match.group())
        if is_http_url(url):
            spans.append((match.start(), match.start() + len(url), url))
    return spans


def find_urls(text: str) -> list[str]:
    """The http(s) URLs written in a text, trailing punctuation removed, in order."""
    return [url for _, _, url in _url_spans(text)]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _resolver_candidate(url: str) -> Candidate | None:
    """A doi-url or shortdoi-url candidate when `url` points at a DOI resolver."""
    if _host(url) not in DOI_RESOLVER_HOSTS:
        return None
    path = urlsplit(url).path
    if _DOI_PATH_RE.match(path):
        return Candidate("doi-url", url, _parse_or_none(url, "doi"))
    shortdoi = _parse_or_none(url, "shortdoi")
    if shortdoi is not None:
        return Candidate("shortdoi-url", url, shortdoi)
    return None


def _parse_or_none(text: str, scheme: str) -> Identifier | None:
    try:
        return parse(text, scheme)
    except IdentifierError:
        return None


def _identifier_candidate(found: Found) -> Candidate:
    identifier = found.identifier
    kind = _TYPE_BY_SCHEME.get(identifier.scheme, identifier.scheme)
    if identifier.scheme == "pii":
        return Candidate(kind, found.text, identifier)
    if identifier.scheme == "shortdoi":
        url = found.text if is_http_url(found.text) else identifier.url or found.text
        return Candidate(kind, url, identifier)
    return Candidate(kind, identifier.value, identifier)


def _landing_domains(domains: Collection[str]) -> frozenset[str]:
    return frozenset(domain.rstrip(".").lower() for domain in domains)


def _url_candidates(url: str, domains: frozenset[str]) -> list[Candidate]:
    resolver = _resolver_candidate(url)
    if resolver is not None:
        return [resolver]
    found = [_identifier_candidate(hit) for hit in find_identifiers(url)]
    if _host(url) in domains:
        found.append(Candidate("landing-page-url", url))
    return found


def _unique(candidates: Iterable[Candidate]) -> list[Candidate]:
    seen: dict[tuple[str, str], Candidate] = {}
    for candidate in candidates:
        seen.setdefault((candidate.type, candidate.value), candidate)
    return list(seen.values())


def candidates_from_url(url: str | None, landing_domains: Collection[str] = ()) -> list[Candidate]:
    """Candidates of a URL observation: a DOI resolver link, identifiers written in the URL,
    and the URL itself when its host is one of `landing_domains`."""
    if not url or not is_http_url(url):
        return []
    return _unique(_url_candidates(url.strip(), _landing_domains(landing_domains)))


def candidates_from_text(
    text: str | None, landing_domains: Collection[str] = ()
) -> list[Candidate]:
    """Candidates of a plain-text observation: identifiers in the text, then its URLs."""
    if not text:
        return []
    domains = _landing_domains(landing_domains)
    url_spans = _url_spans(text)
    resolver_spans = [(s, e) for s, e, url in url_spans if _host(url) in DOI_RESOLVER_HOSTS]
    from_identifiers = [
        _identifier_candidate(hit)
        for hit in find_identifiers(text)
        if not any(s <= hit.start and hit.end <= e for s, e in resolver_spans)
    ]
    from_urls: list[Candidate] = []
    for _, _, url in url_spans:
        resolver = _resolver_candidate(url)
        if resolver is not None:
            from_urls.append(resolver)
        elif _host(url) in domains:
            from_urls.append(Candidate("landing-page-url", url))
    return _unique(from_identifiers + from_urls)


def candidates_from_html(
    html: HtmlInput | None, landing_domains: Collection[str] = (), base_url: str | None = None
) -> list[Candidate]:
    """Candidates of an HTML observation: from its visible text, then from its links."""
    domains = _landing_domains(landing_domains)
    from_text = candidates_from_text(html_to_text(html), domains)
    links = html_links(html, base_url)
    from_links = [candidate for link in links for candidate in _url_candidates(link, domains)]
    return _unique(from_text + from_links)


def extract_html(
    html: HtmlInput | None, page_url: str | None = None, landing_domains: Collection[str] = ()
) -> HtmlCandidates:
    """Candidates and canonical URL of an HTML observation seen at `page_url`."""
    if isinstance(html, bytes | bytearray | memoryview):
        html = decode_html(bytes(html))  # decode once for both passes
    return HtmlCandidates(
        candidates=candidates_from_html(html, landing_domains, page_url),
        canonical_url=canonical_url(html, page_url),
    )
