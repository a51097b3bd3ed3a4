"""Read what the percolator needs from HTML: visible text, links, feed links, canonical URL.

Every function accepts `str` or `bytes` (decoded with `decode_html`) and any markup at all:
broken, truncated, huge or wrongly encoded input gives a best-effort answer, never an exception.
Parsing is done by selectolax (lexbor), which builds the same tree a browser would, so markup
inside `<script>` strings or comments is never mistaken for links or text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from altscope.percolate.html_guard import defuse
from altscope.percolate.urls import is_http_url, normalize_url

__all__ = [
    "FEED_TYPES",
    "FeedLink",
    "HtmlInput",
    "canonical_url",
    "decode_html",
    "feed_links",
    "html_links",
    "html_to_text",
    "parse_html",
]

HtmlInput = str | bytes


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Elements whose content is never shown as text.
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "iframe", "object"]

# Elements rendered as blocks (or line breaks): their text never runs into a neighbour's.
_BLOCK_TAGS = _words(
    "address article aside blockquote br caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu "
    "nav ol option p pre section summary table tbody td tfoot th thead tr ul"
)
_BLOCK_SELECTOR = ",".join(sorted(_BLOCK_TAGS))
_BLOCK_MARK = "\ue000"  # private-use character marking block boundaries during extraction

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# WHATWG: these labels mean windows-1252; a UTF-16 declaration inside ASCII markup means UTF-8.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "x-user-defined": "cp1252",
}
_ASCII_WHITESPACE = " \t\n\r\f"
_URL_CONTROL_RE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class FeedLink:
    """A `<link>` to an RSS/Atom/JSON feed, its href made absolute where possible."""

    rel: str
    href: str
    type: str
    title: str | None = None


def _text_codec(label: str | None) -> str | None:
    """The Python codec for an encoding label, or None when unknown or not a text encoding."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _LABEL_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
        "a".encode(codec)  # rejects rot13, base64 and other codecs that are not text encodings
    except (LookupError, ValueError):
        return None
    return codec


def decode_html(data: bytes, declared_encoding: str | None = None) -> str:
    """Decode an HTML document as a browser would, never failing.

    Order: byte-order mark, `declared_encoding` (the HTTP Content-Type charset), a `<meta>`
    charset in the first 1024 bytes, UTF-8 if the bytes are valid UTF-8, else windows-1252.
    Undecodable bytes become U+FFFD.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    codec = _text_codec(declared_encoding)
    if codec is None:
        match = _META_CHARSET_RE.search(data[:1024])
        codec = _text_codec(match.group(1).decode("ascii")) if match else None
    if codec is not None and codec != "utf-8":
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if codec == "utf-8":
            return data.decode("utf-8", errors="replace")
        return data.decode("cp1252", errors="replace")


def parse_html(html: HtmlInput | None) -> LexborHTMLParser:
    """Parse a document or fragment; `bytes` are decoded with `decode_html`."""
    if html is None:
        html = ""
    if isinstance(html, bytes | bytearray | memoryview):
        html = decode_html(bytes(html))
    # scripting=True: <noscript> is one text node, so it cannot push <head> links into <body>.
    return LexborHTMLParser(defuse(html), scripting=True)


def html_to_text(html: HtmlInput | None) -> str:
    """Visible text of the document body: scripts, styles and markup dropped, entities decoded.

    Whitespace runs collapse to one space; block elements (paragraphs, cells, list items, line
    breaks) end a line, so words of neighbouring blocks never run together.
    """
    tree = parse_html(html)
    body = tree.body
    if body is None:
        return ""
    body.strip_tags(_INVISIBLE_TAGS)
    for node in body.css(_BLOCK_SELECTOR):
        node.insert_before(_BLOCK_MARK)
        node.insert_after(_BLOCK_MARK)
    text = body.text(deep=True)
    lines = (" ".join(segment.split()) for segment in text.split(_BLOCK_MARK))
    return "\n".join(line for line in lines if line)


def _clean_href(value: str | None) -> str:
    """An attribute URL as a browser reads it: trimmed, tabs and newlines removed."""
    if not value:
        return ""
    return _URL_CONTROL_RE.sub("", value.strip(_ASCII_WHITESPACE))


def _document_base(tree: LexborHTMLParser, base_url: str | None) -> str | None:
    """The base for relative URLs: the first `<base href>` resolved against `base_url`."""
    base = tree.css_first("base[href]")
    href = _clean_href(base.attributes.get("href")) if base is not None else ""
    if href:
        joined = _join(base_url, href)
        if joined is not None and is_http_url(joined):
            return joined
    return base_url or None


def _join(base: str | None, href: str) -> str | None:
    """Resolve `href` against `base`; None when it cannot be made into a URL."""
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return None


def _absolute_http(base: str | None, href: str) -> str | None:
    if not href:
        return None
    joined = _join(base, href)
    return joined if joined is not None and is_http_url(joined) else None


def html_links(html: HtmlInput | None, base_url: str | None = None) -> list[str]:
    """Absolute http(s) targets of `<a href>` and `<area href>`, in document order, deduplicated.

    Relative links are resolved against the document's `<base>` and `base_url`; those that
    cannot be made absolute, fragment-only links and other schemes (mailto:, javascript:)
    are dropped.
    """
    tree = parse_html(html)
    base = _document_base(tree, base_url)
    seen: dict[str, None] = {}
    for node in tree.css("a[href], area[href]"):
        href = _clean_href(node.attributes.get("href"))
        if href.startswith("#"):
            continue
        url = _absolute_http(base, href)
        if url is not None:
            seen.setdefault(url, None)
    return list(seen)


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def feed_links(html: HtmlInput | None, base_url: str | None = None) -> list[FeedLink]:
    """`<link>` elements of an RSS, Atom, RDF or JSON Feed type, hrefs made absolute.

    Every rel is kept and reported (alternate, feed, service.post, ...), as the Crossref
    percolator does; callers that want only subscribable feeds filter on `rel`.
    """
    tree = parse_html(html)
    base = _document_base(tree, base_url)
    found: dict[tuple[str, str], FeedLink] = {}
    for node in tree.css("link[type][href]"):
        media_type = _media_type(node.attributes.get("type"))
        if media_type not in FEED_TYPES:
            continue
        href = _clean_href(node.attributes.get("href"))
        url = _absolute_http(base, href)
        if url is None:
            continue
        rel = " ".join((node.attributes.get("rel") or "").lower().split())
        title = node.attributes.get("title")
        found.setdefault((rel, url), FeedLink(rel=rel, href=url, type=media_type, title=title))
    return list(found.values())


def _has_rel(node: LexborNode, token: str) -> bool:
    return token in (node.attributes.get("rel") or "").lower().split()


def _single_url(base: str | None, hrefs: list[str]) -> str | None:
    """The one URL the hrefs agree on, or None when none is usable or they disagree."""
    chosen: dict[str, str] = {}
    for href in hrefs:
        url = _absolute_http(base, _clean_href(href))
        if url is None:
            continue
        try:
            chosen.setdefault(normalize_url(url), url)
        except ValueError:
            continue
    return next(iter(chosen.values())) if len(chosen) == 1 else None


def canonical_url(html: HtmlInput | None, page_url: str | None = None) -> str | None:
    """The page's canonical URL, absolute, or None.

    Taken from `<link rel="canonical">` in `<head>`, resolved against `<base>` and `page_url`.
    Several canonical links that disagree are ambiguous: None. Empty, unresolvable and
    non-http(s) hrefs are ignored. Without any canonical link, `<meta property="og:url">` is used
    under the same rules.
    """
    tree = parse_html(html)
    head = tree.head
    if head is None:
        return None
    base = _document_base(tree, page_url)
    canonicals = [
        node.attributes.get("href") or ""
        for node in head.css("link[rel][href]")
        if _has_rel(node, "canonical")
    ]
    if any(_clean_href(href) for href in canonicals):
        return _single_url(base, canonicals)
    og_urls = [
        node.attributes.get("content") or ""
        for node in head.css("meta[property][content]")
        if (node.attributes.get("property") or "").strip().lower() == "og:url"
    ]
    return _single_url(base, og_urls)
