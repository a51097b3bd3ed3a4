"""OpenAlex: ``/works/{id}`` by ``doi:``, ``pmid:`` or ``pmcid:``; reveals cross-identifiers."""

from __future__ import annotations

import re
from typing import Any

from altscope.records import Author, OutputMetadata
from altscope.sources.http import BadResponse, PoliteClient, path_url
from altscope.sources.importers.base import make_date, parse_loose_date
from altscope.sources.markup import strip_markup

PROVIDER = "openalex"
LOOKUP_SCHEMES = ("doi", "pmid", "pmcid")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_TYPES = {
    "article": "journal-article",
    "book-chapter": "book-chapter",
    "book": "book",
    "dataset": "dataset",
    "dissertation": "dissertation",
    "preprint": "posted-content",
    "report": "report",
    "review": "journal-article",
    "letter": "journal-article",
    "editorial": "journal-article",
    "erratum": "journal-article",
    "paratext": "component",
    "peer-review": "peer-review",
    "standard": "standard",
    "other": "other",
}


class OpenAlexClient:
    """Looks works up in OpenAlex by DOI, PMID or PMCID."""

    def __init__(self, http: PoliteClient, base_url: str, mailto: str | None = None) -> None:
        self.http = http
        self.base_url = base_url
        self.params = {"mailto": mailto} if mailto else {}

    async def work(self, scheme: str, value: str) -> OutputMetadata | None:
        """The work known as ``scheme:value`` (scheme in :data:`LOOKUP_SCHEMES`), or ``None``."""
        if scheme not in LOOKUP_SCHEMES:
            raise ValueError(f"OpenAlex cannot look up {scheme} identifiers")
        document = await self.http.get_json(
            path_url(self.base_url, "works", f"{scheme}:{value}"), self.params
        )
        if document is None:
            return None
        if not isinstance(document.get("id"), str):
            raise BadResponse(f"openalex: unexpected answer for {scheme}:{value}", self.base_url)
        return parse_work(document)


def parse_work(work: dict[str, Any]) -> OutputMetadata:
    """Map one OpenAlex work object."""
    location = work.get("primary_location") or {}
    source = location.get("source") or {}
    count = work.get("cited_by_count")
    published = parse_loose_date(work.get("publication_date")) or make_date(
        work.get("publication_year")
    )
    return OutputMetadata(
        provider=PROVIDER,
        title=strip_markup(work.get("title") or work.get("display_name")),
        authors=[a for item in work.get("authorships") or [] if (a := _authorship(item))],
        container_title=source.get("display_name") or None,
        issns=[i for i in source.get("issn") or [] if isinstance(i, str)],
        publisher=source.get("host_organization_name") or None,
        type=_TYPES.get(str(work.get("type") or ""), work.get("type") or None),
        published=published,
        subjects=_subjects(work),
        abstract=abstract_from_index(work.get("abstract_inverted_index")),
        language=work.get("language") or None,
        url=location.get("landing_page_url") or None,
        identifiers=cross_identifiers(work),
        citation_count=count if isinstance(count, int) else None,
    )


def cross_identifiers(work: dict[str, Any]) -> list[str]:
    """``doi:``, ``pmid:`` and ``pmcid:`` strings from the work's ``ids``."""
    ids = work.get("ids") or {}
    found: list[str] = []
    doi = ids.get("doi") or work.get("doi")
    if isinstance(doi, str) and doi:
        found.append(f"doi:{_DOI_URL.sub('', doi)}")
    pmid = ids.get("pmid")
    if isinstance(pmid, str) and (match := re.search(r"(\d+)/?$", pmid)):
        found.append(f"pmid:{match.group(1)}")
    pmcid = ids.get("pmcid")
    if isinstance(pmcid, str) and (match := re.search(r"(?:PMC)?(\d+)/?$", pmcid, re.I)):
        found.append(f"pmcid:PMC{match.group(1)}")
    return found


def abstract_from_index(index: Any) -> str | None:
    """Rebuild the abstract from OpenAlex's inverted index ``{word: [positions]}``."""
    if not isinstance(index, dict) or not index:
        return None
    positions: dict[int, str] = {}
    for word, places in index.items():
        for place in places or []:
            if isinstance(place, int):
                positions[place] = word
    text = " ".join(positions[i] for i in sorted(positions))
    return strip_markup(text, drop_heading=True)


def _authorship(item: dict[str, Any]) -> Author | None:
    author = item.get("author") or {}
    name = (author.get("display_name") or item.get("raw_author_name") or "").strip()
    if not name:
        return None
    orcid_match = _ORCID.search(author.get("orcid") or "")
    affiliations = tuple(
        inst["display_name"]
        for inst in item.get("institutions") or []
        if isinstance(inst, dict) and inst.get("display_name")
    )
    return Author(
        name=name,
        orcid=orcid_match.group(1).upper() if orcid_match else None,
        affiliations=affiliations,
    )


def _subjects(work: dict[str, Any]) -> list[str]:
    subjects: list[str] = []
    for key in ("topics", "keywords", "concepts"):
        for item in work.get(key) or []:
            name = item.get("display_name") if isinstance(item, dict) else None
            if name and name not in subjects:
                subjects.append(name)
        if subjects:
            break
    return subjects
