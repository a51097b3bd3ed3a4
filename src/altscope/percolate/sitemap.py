"""URL lists for tracked domains: sitemaps (``sitemap.xml``, gzipped or not, sitemap indexes)
and CSV/TSV lists of ``url,identifier`` rows.

Sitemaps are read with a plain scan for ``<loc>`` elements: no XML parser, so no entity
expansion, no external entities, and time linear in the size. A gzipped sitemap is inflated up
to :data:`MAX_SITEMAP_BYTES`.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from altscope.ids import Identifier, IdentifierError, parse

__all__ = [
    "MAX_SITEMAP_BYTES",
    "ListRow",
    "SitemapError",
    "read_sitemap",
    "read_url_list",
]

MAX_SITEMAP_BYTES = 64 * 1024 * 1024  # the sitemaps.org limit is 50 MB uncompressed
_LOC_RE = re.compile(rb"<(?:[a-zA-Z0-9_]+:)?loc\s*>\s*(.*?)\s*</(?:[a-zA-Z0-9_]+:)?loc\s*>", re.S)
_INDEX_RE = re.compile(rb"<(?:[a-zA-Z0-9_]+:)?sitemapindex[\s>]")


class SitemapError(ValueError):
    """A sitemap or URL list that cannot be read."""


def _inflate(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(31)
    try:
        out = inflater.decompress(data, MAX_SITEMAP_BYTES + 1)
    except zlib.error as error:
        raise SitemapError(f"broken gzip data: {error}") from error
    if len(out) > MAX_SITEMAP_BYTES or inflater.unconsumed_tail:
        raise SitemapError(f"sitemap larger than {MAX_SITEMAP_BYTES // (1024 * 1024)} MB")
    return out


def read_sitemap(data: bytes) -> tuple[list[str], bool]:
    """The ``<loc>`` URLs of a sitemap, and whether it is a sitemap index (its URLs are then
    further sitemaps, not pages)."""
    body = _inflate(data)
    if b"<" not in body[:4096]:
        raise SitemapError("not an XML sitemap")
    urls = []
    for match in _LOC_RE.finditer(body):
        text = html.unescape(match.group(1).decode("utf-8", errors="replace")).strip()
        if text.startswith("<![CDATA[") and text.endswith("]]>"):
            text = text[9:-3].strip()
        if text:
            urls.append(text)
    return urls, bool(_INDEX_RE.search(body[:65536]))


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of a URL list: the URL and its identifier, or why the row is unusable."""

    line: int
    url: str
    identifier: Identifier | None
    error: str | None = None


def _identifier(text: str, scheme: str | None) -> Identifier:
    value = text.strip()
    return parse(value, scheme) if scheme else parse(value)


def read_url_list(text: str, scheme: str | None = None) -> Iterator[ListRow]:
    """Rows of a CSV or TSV list ``url,identifier`` (a header row is skipped; the delimiter
    is guessed from the first line). Identifiers are written any way :func:`altscope.ids.parse`
    accepts, or bare values of ``scheme``."""
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and not cells[0].lower().startswith("http"):
            continue  # a header
        if len(cells) < 2 or not cells[1]:
            yield ListRow(number, cells[0], None, "no identifier in the second column")
            continue
        url, value = cells[0], cells[1]
        if not url.lower().startswith(("http://", "https://")):
            yield ListRow(number, url, None, "the first column is not an http(s) URL")
            continue
        try:
            yield ListRow(number, url, _identifier(value, scheme))
        except IdentifierError as error:
            yield ListRow(number, url, None, f"{value!r}: {error}")
