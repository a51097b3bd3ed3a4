"""The meta tags a landing page may carry, and what each one tells the percolator.

Tag names are compared in lower case, with `dcterms.` / `dct.` read as `dc.` and
`bepress_citation_` as `citation_` (bepress Digital Commons mirrors the Highwire tags).
Three kinds of tags matter:

- identifier tags declare the page's own identifier (`citation_doi`, `prism.doi`,
  `DC.Identifier.DOI`, `dc.identifier` with or without a `scheme`, `eprints.id_number` ...);
  each has a scheme hint (None: detect) and a rank (lower is more trusted);
- URL tags give a URL of the page itself (`og:url`, `prism.url`, `citation_*_url` ...): a DOI
  resolver URL there declares the DOI, a DOI inside any other URL is weaker evidence;
- bibliographic tags (title, authors, journal, date, ISSN, publisher, PDF URL ...).

`citation_reference` (a cited work) is counted and never read.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

__all__ = [
    "BIBLIO_TAGS",
    "GROUP_LABELS",
    "IDENTIFIER_TAGS",
    "URL_TAGS",
    "TagInfo",
    "canonical_key",
    "classify",
    "dc_identifier_hint",
    "tag_group",
]

# group -> how check-page names it
GROUP_LABELS = {
    "highwire": "Highwire Press citation_*",
    "dublin_core": "Dublin Core",
    "prism": "PRISM",
    "bepress": "bepress",
    "eprints": "EPrints",
    "open_graph": "Open Graph",
    "canonical": "canonical link",
    "signposting": "Signposting links",
    "json_ld": "schema.org JSON-LD",
    "coins": "COinS",
}

_GROUP_PREFIXES = (
    ("citation_", "highwire"),
    ("dc.", "dublin_core"),
    ("dcterms.", "dublin_core"),
    ("dct.", "dublin_core"),
    ("prism.", "prism"),
    ("bepress_", "bepress"),
    ("eprints.", "eprints"),
    ("og:", "open_graph"),
)

# canonical key -> (scheme hint, rank)
IDENTIFIER_TAGS: dict[str, tuple[str | None, int]] = {
    "citation_doi": ("doi", 0),
    "citation_pmid": ("pmid", 0),
    "citation_pmcid": ("pmcid", 0),
    "citation_arxiv_id": ("arxiv", 0),
    "citation_isbn": ("isbn", 0),
    "prism.doi": ("doi", 1),
    "dc.identifier.doi": ("doi", 1),
    "dc.identifier.pmid": ("pmid", 1),
    "dc.identifier.isbn": ("isbn", 1),
    "dc.identifier.arxiv": ("arxiv", 1),
    "dc.identifier": (None, 2),  # hint from the scheme attribute, if any
    "dc.identifier.uri": (None, 2),
    "doi": ("doi", 2),
    "dc.doi": ("doi", 2),
    "eprints.doi": ("doi", 2),
    "eprints.id_number": (None, 2),
}

# canonical key -> strength given to a DOI resolver URL found there ("url": never declares)
URL_TAGS: dict[str, str] = {
    "og:url": "meta",
    "prism.url": "meta",
    "eprints.official_url": "meta",
    "citation_abstract_html_url": "meta",
    "citation_fulltext_html_url": "meta",
    "citation_public_url": "meta",
    "citation_pdf_url": "url",
    "dc.source": "url",
}

# field -> canonical keys, most trusted first
BIBLIO_TAGS: dict[str, tuple[str, ...]] = {
    "title": ("citation_title", "eprints.title", "dc.title", "prism.title", "og:title"),
    "authors": (
        "citation_author",
        "citation_authors",
        "eprints.creators_name",
        "dc.creator",
        "dc.contributor",
    ),
    "journal": (
        "citation_journal_title",
        "citation_conference_title",
        "citation_inbook_title",
        "prism.publicationname",
        "eprints.publication",
        "dc.relation.ispartof",
    ),
    "date": (
        "citation_publication_date",
        "citation_date",
        "citation_online_date",
        "citation_cover_date",
        "prism.publicationdate",
        "prism.coverdate",
        "eprints.date",
        "dc.date.issued",
        "dc.issued",
        "dc.date",
    ),
    "issns": (
        "citation_issn",
        "prism.issn",
        "prism.eissn",
        "eprints.issn",
        "dc.source.issn",
        "dc.identifier.issn",
    ),
    "publisher": (
        "citation_publisher",
        "dc.publisher",
        "eprints.publisher",
        "citation_dissertation_institution",
        "citation_technical_report_institution",
    ),
    "pdf_url": ("citation_pdf_url", "eprints.document_url"),
    "volume": ("citation_volume", "prism.volume", "eprints.volume"),
    "issue": ("citation_issue", "prism.number", "eprints.number"),
    "first_page": ("citation_firstpage", "prism.startingpage"),
    "language": ("citation_language", "dc.language"),
}
_FIELD_OF = {key: name for name, keys in BIBLIO_TAGS.items() for key in keys}

# dc.identifier scheme="..." -> scheme hint; "issn" is the journal's, not the work's
_DC_SCHEMES = {
    "doi": "doi",
    "isbn": "isbn",
    "pmid": "pmid",
    "pubmed": "pmid",
    "pmcid": "pmcid",
    "arxiv": "arxiv",
    "handle": "handle",
    "hdl": "handle",
    "urn": "urn",
    "ark": "ark",
}
NOT_WORK_SCHEMES = frozenset({"issn", "eissn", "pissn", "isbn-of-series"})


def canonical_key(name: str) -> str:
    """The lower-case tag name with Dublin Core and bepress spellings unified."""
    key = name.strip().lower()
    if key.startswith("dcterms."):
        return "dc." + key[8:]
    if key.startswith("dct."):
        return "dc." + key[4:]
    if key.startswith("bepress_citation_"):
        return key[8:]
    return key


def tag_group(name: str) -> str | None:
    """The family a tag name belongs to (`highwire`, `dublin_core`, ...), or None."""
    key = name.strip().lower()
    for prefix, group in _GROUP_PREFIXES:
        if key.startswith(prefix):
            return group
    return None


def dc_identifier_hint(scheme_attribute: str | None) -> tuple[str | None, bool]:
    """(scheme hint, skip) for a `dc.identifier` tag's `scheme` attribute.

    Known identifier schemes give a hint; an ISSN scheme is the journal's and is skipped;
    anything else (`publisher-id`, `DCTERMS.URI`, none) means "detect from the value".
    """
    if not scheme_attribute:
        return None, False
    scheme = scheme_attribute.strip().lower().rsplit(".", 1)[-1]
    if scheme in NOT_WORK_SCHEMES:
        return None, True
    return _DC_SCHEMES.get(scheme), False


class TagInfo(NamedTuple):
    """What a meta tag name means; see `classify`."""

    name: str  # as written, trimmed
    group: str | None
    key: str
    identifier: tuple[str | None, int] | None  # (scheme hint, rank) of an identifier tag
    url_strength: str | None  # for URL tags
    field: str | None  # bibliographic field


@functools.lru_cache(maxsize=4096)
def classify(name: str) -> TagInfo | None:
    """The meaning of a `<meta name|property>` value, or None when altscope ignores the tag."""
    key = canonical_key(name)
    group = tag_group(name)
    identifier = IDENTIFIER_TAGS.get(key)
    if group is None and identifier is None:
        return None
    return TagInfo(name.strip(), group, key, identifier, URL_TAGS.get(key), _FIELD_OF.get(key))
