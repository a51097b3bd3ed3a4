"""Landing pages: the identifiers and bibliographic metadata a page declares about itself.

`extract_landing(html, page_url)` reads Highwire `citation_*` tags, Dublin Core in every
spelling, PRISM, bepress, EPrints, Open Graph, `<link rel=canonical>` and Signposting
`cite-as`, schema.org JSON-LD and COinS. Each identifier comes back with where it was found
and a strength:

- ``meta``: declared by the page (an identifier tag, a JSON-LD `identifier`, a COinS
  `rft_id`, or a DOI resolver URL in one of the page's own URL tags);
- ``url``: seen inside a URL the page gives for itself (`prism.url`, `citation_pdf_url`,
  canonical link, ...) but not declared;
- ``body``: seen only in the visible text or links. The body is read only when the page
  declares no DOI (or when asked): such DOIs are unverified candidates that may name other
  works (references, related articles); a caller may confirm one by resolving it.

Traps handled: `citation_reference` tags (cited works) are never read; DOIs in scripts,
comments and unknown meta tags are never seen; an OJS `DC.Identifier` holding an article
number is not an identifier; Crossref's example prefix 10.5555 is extracted but flagged, and
the `doi` property refuses it; error pages (HTTP status >= 400, the DOI resolver's "DOI Not
Found" page, a page served by the resolver itself) yield no identifiers at all.

Only the head is parsed as a whole; JSON-LD scripts and COinS spans of the body are picked out
by `landing_parts`, so time grows with the page size at substring-search speed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from altscope.ids import Identifier, IdentifierError, find_identifiers, parse
from altscope.percolate.candidates import DOI_RESOLVER_HOSTS
from altscope.percolate.coins import read_coins
from altscope.percolate.html import (
    HtmlInput,
    canonical_url,
    decode_html,
    html_to_text,
    parse_html,
)
from altscope.percolate.jsonld import WORK_SCHEMES, read_jsonld
from altscope.percolate.landing_parts import body_fragments, split_head
from altscope.percolate.landing_tags import BIBLIO_TAGS, classify, dc_identifier_hint
from altscope.percolate.urls import url_equality
from altscope.records import Author, OutputMetadata

__all__ = [
    "BODY",
    "EXAMPLE_DOI_PREFIXES",
    "META",
    "URL",
    "LandingMeta",
    "PageIdentifier",
    "extract_landing",
    "is_example_doi",
]

Strength = Literal["meta", "url", "body"]
META: Strength = "meta"
URL: Strength = "url"
BODY: Strength = "body"
_STRENGTH_ORDER = {META: 0, URL: 1, BODY: 2}

# Crossref's example prefix (documentation, test deposits) and DataCite's test prefix.
EXAMPLE_DOI_PREFIXES = frozenset({"10.5555", "10.5072"})
MAX_BODY_DOIS = 25  # unverified body candidates returned at most
MAX_VALUE_CHARS = 2048  # longer tag contents are not read as identifiers
_MAX_VALUES_PER_FIELD = 500

_RANK_JSONLD_ID = 2
_RANK_JSONLD_URL = 3
_RANK_COINS = 3
_RANK_CITE_AS = 1
_RANK_URL_TAG = 3

_DOI_NOT_FOUND_RE = re.compile(r"\bDOI\s+Not\s+Found\b", re.IGNORECASE)
# A title that only an error page has: "404 Not Found", "Error 500", "Page not found | Site".
_SOFT_ERROR_TITLE_RE = re.compile(
    r"^\s*(?:error\s*$|(?:error\s*:?\s*)?[45]\d\d\b.*\b(?:not\s+found|error|forbidden|gone"
    r"|unavailable)\b|(?:page|document|file|item)?\s*not\s+found\b|.*\bpage\s+not\s+found\b)",
    re.IGNORECASE,
)
# A metadata tag written after <body> (a theme that prints them in the page body).
_BODY_META_RE = re.compile(
    r"<meta\b[^>]{0,300}?\b(?:name|property)\s*=\s*[\"']?"
    r"(?:citation_|dc\.|dcterms\.|prism\.|eprints\.)",
    re.IGNORECASE,
)
_DATE_RE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def is_example_doi(identifier: Identifier) -> bool:
    """True for a DOI under an example or test prefix (10.5555, 10.5072)."""
    return identifier.scheme == "doi" and identifier.value.split("/", 1)[0] in EXAMPLE_DOI_PREFIXES


@dataclass(frozen=True, slots=True)
class PageIdentifier:
    """An identifier a page carries: where it was seen (tag names as written) and how strongly."""

    identifier: Identifier
    strength: Strength
    sources: tuple[str, ...]
    example_prefix: bool = False

    def __str__(self) -> str:
        return f"{self.identifier} ({self.strength}: {', '.join(self.sources)})"


@dataclass(frozen=True, slots=True)
class LandingMeta:
    """What a landing page says about itself.

    ``identifiers`` are ordered strongest first (meta by tag rank, then url, then body).
    ``tags`` maps a tag family (see `landing_tags.GROUP_LABELS`) to the tag names present,
    as written. ``error`` says why the page is an error page (then no identifiers are given).
    ``notes`` lists oddities worth telling a repository manager.
    """

    page_url: str | None
    identifiers: tuple[PageIdentifier, ...] = ()
    canonical_url: str | None = None
    canonical_source: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    date: str | None = None
    issns: tuple[str, ...] = ()
    publisher: str | None = None
    pdf_url: str | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    language: str | None = None
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    citation_references: int = 0
    status: int | None = None
    error: str | None = None
    ambiguous_doi: bool = False
    body_scanned: bool = False
    notes: tuple[str, ...] = ()

    def declared(self, scheme: str) -> PageIdentifier | None:
        """The most trusted identifier of `scheme` the page declares (strength meta)."""
        for found in self.identifiers:
            if found.strength == META and found.identifier.scheme == scheme:
                return found
        return None

    @property
    def declared_doi(self) -> PageIdentifier | None:
        """The DOI the page declares, example prefixes included."""
        return self.declared("doi")

    @property
    def doi(self) -> Identifier | None:
        """The page's DOI for matching: declared, unambiguous, not an example or test DOI,
        not on an error page. Body and URL-only DOIs never qualify."""
        found = self.declared_doi
        if found is None or found.example_prefix or self.ambiguous_doi or self.error:
            return None
        return found.identifier

    @property
    def conflicting_dois(self) -> tuple[Identifier, ...]:
        """Other DOIs declared by the page's metadata besides `declared_doi`."""
        declared = self.declared_doi
        return tuple(
            found.identifier
            for found in self.identifiers
            if found.strength == META and found.identifier.scheme == "doi" and found is not declared
        )

    def with_strength(self, strength: Strength) -> tuple[PageIdentifier, ...]:
        return tuple(found for found in self.identifiers if found.strength == strength)

    @property
    def body_dois(self) -> tuple[PageIdentifier, ...]:
        """Unverified DOIs seen only in the visible text or links."""
        return self.with_strength(BODY)

    @property
    def canonical_matches_page_url(self) -> bool | None:
        """Whether the canonical URL is the page URL (None when either is unknown)."""
        if not self.canonical_url or not self.page_url:
            return None
        return url_equality(self.canonical_url, self.page_url) is not None

    def to_output_metadata(self) -> OutputMetadata:
        """The page's bibliographic metadata as the shared record (provider ``landing-page``)."""
        # Only what is safe to merge aliases on: the matching DOI and other declared schemes.
        identifiers = [str(self.doi)] if self.doi is not None else []
        identifiers += [
            str(found.identifier)
            for found in self.identifiers
            if found.strength == META and found.identifier.scheme != "doi"
        ]
        return OutputMetadata(
            provider="landing-page",
            title=self.title,
            authors=[Author(name=name) for name in self.authors],
            container_title=self.journal,
            issns=list(self.issns),
            publisher=self.publisher,
            published=_parse_date(self.date),
            language=self.language,
            url=self.canonical_url or self.page_url,
            identifiers=identifiers,
        )


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    match = _DATE_RE.search(text)
    if match is None:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        try:
            return date(year, 1, 1)
        except ValueError:
            return None


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


class _Collector:
    """Accumulates what the parts of a page say, then builds the LandingMeta."""

    def __init__(self) -> None:
        # identifier -> [strength, rank, {source: (strength order, rank)}, first seen]
        self.found: dict[Identifier, list] = {}
        self.fields: dict[str, dict[str, list[str]]] = {name: {} for name in BIBLIO_TAGS}
        self.tags: dict[str, dict[str, str]] = {}
        self.citation_references = 0
        self.notes: list[str] = []
        self.has_og_url = False
        self.has_canonical_link = False

    # -- identifiers --------------------------------------------------------------------------
    def add(self, identifier: Identifier, strength: Strength, rank: int, source: str) -> None:
        key = (_STRENGTH_ORDER[strength], rank)
        entry = self.found.get(identifier)
        if entry is None:
            self.found[identifier] = [strength, rank, {source: key}, len(self.found)]
            return
        if key < (_STRENGTH_ORDER[entry[0]], entry[1]):
            entry[0], entry[1] = strength, rank
        sources = entry[2]
        if source not in sources or key < sources[source]:
            sources[source] = key

    def tag(self, group: str, name: str) -> None:
        self.tags.setdefault(group, {}).setdefault(name.lower(), name)

    def identifier_value(
        self, value: str, hint: str | None, rank: int, source: str, *, quiet: bool = False
    ) -> None:
        """A value of an identifier tag: parsed with `hint` (or detected)."""
        if not value or len(value) > MAX_VALUE_CHARS:
            return
        try:
            identifier = parse(value, hint)
        except IdentifierError:
            if not quiet:
                self.notes.append(
                    f"{source} holds {value[:80]!r}, which is not a persistent identifier (ignored)"
                )
            return
        if identifier.scheme in WORK_SCHEMES:
            self.add(identifier, META, rank, source)
        elif identifier.scheme == "url":
            self.url_value(value, META, source)
        elif not quiet:
            self.notes.append(f"{source} holds a {identifier.scheme}, not the work's identifier")

    def url_value(self, value: str, resolver_strength: Strength, source: str) -> None:
        """A URL of the page: a resolver URL declares its identifier, a DOI inside is weaker."""
        if not value or len(value) > MAX_VALUE_CHARS:
            return
        try:
            identifier = parse(value)
        except IdentifierError:
            identifier = None
        if identifier is not None and identifier.scheme in WORK_SCHEMES:
            self.add(identifier, resolver_strength, _RANK_URL_TAG, source)
            return
        for found in find_identifiers(value):
            if found.identifier.scheme == "doi":
                self.add(found.identifier, URL, _RANK_URL_TAG, source)
                return

    # -- meta tags ----------------------------------------------------------------------------
    def meta(self, attributes: dict[str, str | None]) -> None:
        name = attributes.get("name") or attributes.get("property")
        info = classify(name) if name else None
        if info is None:
            return
        if info.group:
            self.tag(info.group, info.name)
        if info.key == "citation_reference":
            self.citation_references += 1
            return
        content = attributes.get("content")
        value = content.strip() if content else ""
        if not value:
            return
        if info.key == "og:url":
            self.has_og_url = True
        if info.identifier is not None:
            hint, rank = info.identifier
            quiet = False
            if info.key == "dc.identifier":
                scheme = attributes.get("scheme")
                hint, skip = dc_identifier_hint(scheme)
                if skip:
                    return
                # A scheme other than a known identifier one (publisher-id) is no mistake.
                quiet = bool(scheme) and hint is None and "uri" not in scheme.lower()
            self.identifier_value(value, hint, rank, info.name, quiet=quiet)
        if info.url_strength is not None:
            self.url_value(value, info.url_strength, info.name)  # type: ignore[arg-type]
        if info.field is not None:
            values = self.fields[info.field].setdefault(info.key, [])
            if len(values) < _MAX_VALUES_PER_FIELD:
                values.append(_clean(value))

    # -- links, JSON-LD, COinS ----------------------------------------------------------------
    def link(self, rel: str, href: str) -> None:
        tokens = rel.lower().split()
        if "canonical" in tokens:
            self.has_canonical_link = True
            self.tag("canonical", "link rel=canonical")
            self.url_value(href, URL, "link rel=canonical")
        if "cite-as" in tokens or "identifier" in tokens:
            label = "link rel=cite-as" if "cite-as" in tokens else "link rel=identifier"
            self.tag("signposting", label)
            try:
                identifier = parse(href.strip()) if len(href) <= MAX_VALUE_CHARS else None
            except IdentifierError:
                identifier = None
            if identifier is not None and identifier.scheme in WORK_SCHEMES:
                self.add(identifier, META, _RANK_CITE_AS, label)

    def jsonld(self, blocks: list[str]) -> None:
        if not blocks:
            return
        result = read_jsonld(blocks)
        for name in result.types or ("(no @type)",):
            self.tag("json_ld", name)
        self.notes.extend(result.notes)
        for work in result.works:
            for identifier, where, strength in work.identifiers:
                rank = (
                    _RANK_JSONLD_ID if where in ("identifier", "doi", "isbn") else _RANK_JSONLD_URL
                )
                self.add(identifier, strength, rank, f"JSON-LD {where}")  # type: ignore[arg-type]
            fallbacks = {
                "title": [work.title] if work.title else [],
                "authors": list(work.authors),
                "date": [work.date] if work.date else [],
                "journal": [work.journal] if work.journal else [],
                "issns": list(work.issns),
                "publisher": [work.publisher] if work.publisher else [],
            }
            for field_name, values in fallbacks.items():
                if values:
                    self.fields[field_name].setdefault("json-ld", values)

    def coins(self, titles: list[str]) -> None:
        spans = [coins for coins in map(read_coins, titles) if coins is not None]
        if not spans:
            return
        self.tag("coins", "span.Z3988")
        distinct = {identifier for span in spans for identifier, _ in span.identifiers}
        # One described item: its identifiers are declared. Several different ones: the
        # spans describe a list (references, search results), so they are body candidates.
        single = len(spans) == 1 or len({span.identifiers for span in spans}) == 1
        if not single and distinct:
            self.notes.append(f"{len(spans)} COinS spans name different works; none is trusted")
        for span in spans:
            for identifier, where in span.identifiers:
                strength: Strength = META if single else BODY
                if strength == BODY and identifier.scheme != "doi":
                    continue
                self.add(identifier, strength, _RANK_COINS, f"COinS {where}")
        first = spans[0]
        if single:
            for field_name, value in (
                ("title", first.title),
                ("journal", first.journal),
                ("date", first.date),
            ):
                if value:
                    self.fields[field_name].setdefault("coins", [value])
            if first.authors:
                self.fields["authors"].setdefault("coins", list(first.authors))
            if first.issns:
                self.fields["issns"].setdefault("coins", list(first.issns))

    # -- result -------------------------------------------------------------------------------
    def field(self, name: str) -> list[str]:
        """Values of a bibliographic field from its most trusted tag that has any."""
        by_key = self.fields[name]
        for key in (*BIBLIO_TAGS[name], "json-ld", "coins"):
            values = [value for value in by_key.get(key, ()) if value]
            if values:
                if key == "citation_authors":
                    return _split_authors(values)
                return values
        return []

    def identifiers(self) -> tuple[PageIdentifier, ...]:
        ordered = sorted(
            self.found.items(),
            key=lambda item: (_STRENGTH_ORDER[item[1][0]], item[1][1], item[1][3]),
        )
        return tuple(
            PageIdentifier(
                identifier,
                entry[0],
                tuple(sorted(entry[2], key=entry[2].__getitem__)),  # stable: strongest first
                is_example_doi(identifier),
            )
            for identifier, entry in ordered
        )

    def ambiguous_doi(self) -> bool:
        """True when the most trusted declared DOIs (same rank) disagree."""
        ranks = [
            (entry[1], identifier)
            for identifier, entry in self.found.items()
            if entry[0] == META and identifier.scheme == "doi"
        ]
        if not ranks:
            return False
        best = min(rank for rank, _ in ranks)
        return len({identifier for rank, identifier in ranks if rank == best}) > 1


def _split_authors(values: list[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        separator = ";" if ";" in value else ","
        names.extend(part.strip() for part in value.split(separator) if part.strip())
    return names


def _script_type(attributes: Mapping[str, str | None]) -> str:
    return (attributes.get("type") or "").split(";", 1)[0].strip().lower()


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _error_reason(
    status: int | None, page_url: str | None, title: str, declares: bool
) -> str | None:
    if status is not None and status >= 400:
        return f"HTTP status {status}"
    if _DOI_NOT_FOUND_RE.search(title):
        return "the DOI resolver's 'DOI Not Found' page"
    if _host(page_url) in DOI_RESOLVER_HOSTS:
        return "a page of the DOI resolver itself (the DOI did not redirect to a landing page)"
    if not declares and _SOFT_ERROR_TITLE_RE.match(title):
        return f"an error page (title {title[:80]!r})"
    return None


def _parse_fragments(fragments: Iterable[str]) -> LexborHTMLParser | None:
    markup = "".join(fragments)
    return parse_html(markup) if markup else None


def _body_dois(text: str, known: set[Identifier]) -> list[tuple[Identifier, str]]:
    """DOIs of the visible text, then of the links, not already known, in order, capped."""
    found: dict[Identifier, str] = {}
    for hit in find_identifiers(html_to_text(text)):
        if hit.identifier.scheme == "doi" and hit.identifier not in known:
            found.setdefault(hit.identifier, "body text")
    if len(found) >= MAX_BODY_DOIS:
        return list(found.items())[:MAX_BODY_DOIS]
    # Link targets as written: a DOI needs no base URL to be read.
    for node in parse_html(text).css('a[href*="10."], area[href*="10."]'):
        if len(found) >= MAX_BODY_DOIS:
            break
        href = node.attributes.get("href") or ""
        if href.lstrip().lower().startswith("javascript:"):
            continue
        for hit in find_identifiers(href):
            if hit.identifier.scheme == "doi" and hit.identifier not in known:
                found.setdefault(hit.identifier, "body link")
    return list(found.items())[:MAX_BODY_DOIS]


def _canonical(head: LexborHTMLParser, page_url: str | None) -> str | None:
    """`percolate.html.canonical_url` of the head, given only the elements it reads."""
    head_node = head.head
    if head_node is None:
        return None
    parts = [node.html or "" for node in head.css("base[href]")[:1]]
    for node in head_node.css("link[rel][href], meta[property][content]"):
        attributes = node.attributes
        if node.tag == "link":
            if "canonical" in (attributes.get("rel") or "").lower().split():
                parts.append(node.html or "")
        elif (attributes.get("property") or "").strip().lower() == "og:url":
            parts.append(node.html or "")
    return canonical_url("<head>" + "".join(parts) + "</head>", page_url)


def extract_landing(
    html: HtmlInput | None,
    page_url: str | None = None,
    *,
    status: int | None = None,
    encoding: str | None = None,
    scan_body: bool | None = None,
) -> LandingMeta:
    """Read what a landing page declares about itself (see the module docstring).

    `html` is the page (bytes are decoded as a browser would, `encoding` being the HTTP
    charset); `page_url` is where it was fetched (resolves relative canonical links);
    `status` is the HTTP status it came with. `scan_body`: None reads the visible text for
    DOIs only when the page declares none; True always; False never.
    """
    if isinstance(html, bytes | bytearray | memoryview):
        text = decode_html(bytes(html), encoding)
    else:
        text = html or ""
    cut = split_head(text)
    head_html = text[:cut]
    head = parse_html(head_html)
    collector = _Collector()

    for node in head.css("meta"):
        collector.meta(node.attributes)
    for node in head.css("link[rel][href]"):
        collector.link(node.attributes.get("rel") or "", node.attributes.get("href") or "")

    scripts = [node for node in head.css("script[type]")]
    spans = [node for node in head.css("span.Z3988[title]")]
    if cut < len(text):
        body = _parse_fragments(
            body_fragments(text, cut, "ld+json", "script")
            + body_fragments(text, cut, "Z3988", "span")
        )
        if body is not None:
            scripts += body.css("script[type]")
            spans += body.css("span.Z3988[title]")
    if cut < len(text) and text.find("citation_", cut) >= 0:
        late = len(_BODY_META_RE.findall(text, cut))
        if late:
            collector.notes.append(
                f"{late} metadata tag(s) after <body> are not read: move them into <head>"
            )
    collector.jsonld(
        [
            node.text(deep=True)
            for node in scripts
            if _script_type(node.attributes).endswith("ld+json")
        ]
    )
    collector.coins([node.attributes.get("title") or "" for node in spans])

    canonical = None
    source = None
    if collector.has_canonical_link or collector.has_og_url:
        canonical = _canonical(head, page_url)
        if canonical is not None:
            source = "link rel=canonical" if collector.has_canonical_link else "og:url"

    title_node = head.css_first("title")
    page_title = _clean(title_node.text()) if title_node is not None else ""
    declares = any(entry[0] == META for entry in collector.found.values())
    error = _error_reason(status, page_url, page_title, declares)

    identifiers: tuple[PageIdentifier, ...] = ()
    body_scanned = False
    if error is None:
        wants_body = (
            scan_body
            if scan_body is not None
            else not any(
                entry[0] == META and identifier.scheme == "doi"
                for identifier, entry in collector.found.items()
            )
        )
        if wants_body:
            body_scanned = True
            for identifier, where in _body_dois(text, set(collector.found)):
                collector.add(identifier, BODY, 9, where)
        identifiers = collector.identifiers()

    issns: list[str] = []
    for value in collector.field("issns"):
        try:
            issns.append(parse(value, "issn").value)
        except IdentifierError:
            continue

    def first(name: str) -> str | None:
        values = collector.field(name)
        return values[0] if values else None

    return LandingMeta(
        page_url=page_url,
        identifiers=identifiers,
        canonical_url=canonical,
        canonical_source=source,
        title=first("title") or (page_title or None),
        authors=tuple(dict.fromkeys(collector.field("authors"))),
        journal=first("journal"),
        date=first("date"),
        issns=tuple(dict.fromkeys(issns)),
        publisher=first("publisher"),
        pdf_url=first("pdf_url"),
        volume=first("volume"),
        issue=first("issue"),
        first_page=first("first_page"),
        language=first("language"),
        tags=MappingProxyType(
            {group: tuple(names.values()) for group, names in collector.tags.items()}
        ),
        citation_references=collector.citation_references,
        status=status,
        error=error,
        ambiguous_doi=error is None and collector.ambiguous_doi(),
        body_scanned=body_scanned,
        notes=tuple(dict.fromkeys(collector.notes)),
    )
