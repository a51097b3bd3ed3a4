"""DataCite REST API: ``/dois/{doi}`` (JSON:API; ``data.attributes`` in schema 4 form)."""

from __future__ import annotations

import re
from typing import Any

from altscope.records import Author, OutputMetadata
from altscope.sources.http import BadResponse, PoliteClient, path_url
from altscope.sources.importers.base import author_from_name, make_date, parse_loose_date
from altscope.sources.markup import strip_markup

PROVIDER = "datacite"
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
# resourceTypeGeneral → the Crossref type vocabulary used across altscope
_TYPES = {
    "audiovisual": "audiovisual",
    "book": "book",
    "bookchapter": "book-chapter",
    "collection": "collection",
    "computationalnotebook": "software",
    "conferencepaper": "proceedings-article",
    "conferenceproceeding": "proceedings",
    "datapaper": "journal-article",
    "dataset": "dataset",
    "dissertation": "dissertation",
    "event": "event",
    "image": "image",
    "instrument": "instrument",
    "interactiveresource": "interactive-resource",
    "journal": "journal",
    "journalarticle": "journal-article",
    "model": "model",
    "outputmanagementplan": "report",
    "peerreview": "peer-review",
    "physicalobject": "physical-object",
    "preprint": "posted-content",
    "report": "report",
    "service": "service",
    "software": "software",
    "sound": "sound",
    "standard": "standard",
    "studyregistration": "study-registration",
    "text": "other",
    "workflow": "workflow",
    "other": "other",
}
# alternate / related identifier types that name the same work
_SAME_WORK = {"pmid": "pmid", "pmcid": "pmcid", "arxiv": "arxiv", "handle": "handle", "urn": "urn"}


class DataCiteClient:
    """Looks DOIs up in DataCite (datasets, software, arXiv and repository DOIs)."""

    def __init__(self, http: PoliteClient, base_url: str, mailto: str | None = None) -> None:
        self.http = http
        self.base_url = base_url
        self.params = {"mailto": mailto} if mailto else {}

    async def work(self, doi: str) -> OutputMetadata | None:
        """The DOI's metadata, or ``None`` when DataCite does not know it."""
        document = await self.http.get_json(path_url(self.base_url, "dois", doi), self.params)
        if document is None:
            return None
        data = document.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict):
            raise BadResponse(f"datacite: unexpected answer for {doi}", self.base_url)
        return parse_doi(data["attributes"])


def parse_doi(attributes: dict[str, Any]) -> OutputMetadata:
    """Map the ``attributes`` of one DataCite DOI record."""
    doi = attributes.get("doi")
    types = attributes.get("types") or {}
    general = str(types.get("resourceTypeGeneral") or "").replace(" ", "").lower()
    container = attributes.get("container") or {}
    identifiers = [f"doi:{doi}"] if doi else []
    for item in attributes.get("identifiers") or []:
        kind = str(item.get("identifierType") or "").lower()
        if kind in _SAME_WORK and item.get("identifier"):
            identifiers.append(f"{_SAME_WORK[kind]}:{item['identifier']}")
    return OutputMetadata(
        provider=PROVIDER,
        title=_title(attributes.get("titles")),
        authors=[author for item in attributes.get("creators") or [] if (author := _creator(item))],
        container_title=(container.get("title") or None) if isinstance(container, dict) else None,
        issns=_issns(container),
        publisher=_publisher(attributes.get("publisher")),
        type=_TYPES.get(general, general or None),
        published=_published(attributes),
        subjects=_subjects(attributes.get("subjects")),
        abstract=_abstract(attributes.get("descriptions")),
        language=attributes.get("language") or None,
        url=attributes.get("url") or None,
        identifiers=identifiers,
        # DataCite's citationCount only counts links DataCite itself knows (0 for most DOIs):
        # it is not a citation count, so the count stays unknown.
        citation_count=None,
    )


def parse_solr_doc(doc: dict[str, Any]) -> OutputMetadata:
    """Map one document of DataCite's former Solr search API (``response.docs[]``), the form of
    older DataCite dumps: flat ``doi``, ``title[]``, ``creator[]`` ("Family, Given") fields."""
    doi = doc.get("doi")
    general = str(doc.get("resourceTypeGeneral") or "").replace(" ", "").lower()
    titles = [t for t in doc.get("title") or [] if isinstance(t, str) and t.strip()]
    return OutputMetadata(
        provider=PROVIDER,
        title=strip_markup(titles[0]) if titles else None,
        authors=[a for name in doc.get("creator") or [] if (a := author_from_name(name))],
        publisher=doc.get("publisher") or None,
        type=_TYPES.get(general, general or None),
        published=make_date(doc.get("publicationYear")),
        identifiers=[f"doi:{doi}"] if doi else [],
    )


def _title(titles: Any) -> str | None:
    if not isinstance(titles, list):
        return None
    main = [t for t in titles if isinstance(t, dict) and not t.get("titleType")]
    for item in main or titles:
        if isinstance(item, dict) and (text := strip_markup(item.get("title"))):
            return text
    return None


def _creator(item: dict[str, Any]) -> Author | None:
    given = (item.get("givenName") or "").strip() or None
    family = (item.get("familyName") or "").strip() or None
    raw_name = (item.get("name") or "").strip()
    name = " ".join(p for p in (given, family) if p) or raw_name
    if not name:
        return None
    orcid = None
    for identifier in item.get("nameIdentifiers") or []:
        if str(identifier.get("nameIdentifierScheme") or "").upper() == "ORCID":
            match = _ORCID.search(identifier.get("nameIdentifier") or "")
            orcid = match.group(1).upper() if match else None
            break
    affiliations = tuple(
        text
        for entry in item.get("affiliation") or []
        if (text := (entry.get("name") if isinstance(entry, dict) else entry) or "").strip()
    )
    return Author(name=name, given=given, family=family, orcid=orcid, affiliations=affiliations)


def _publisher(value: Any) -> str | None:
    if isinstance(value, dict):  # the API's ?publisher=true form
        value = value.get("name")
    return value.strip() or None if isinstance(value, str) else None


def _issns(container: Any) -> list[str]:
    if not isinstance(container, dict):
        return []
    if str(container.get("identifierType") or "").upper() == "ISSN" and container.get("identifier"):
        return [str(container["identifier"]).upper()]
    return []


def _published(attributes: dict[str, Any]) -> Any:
    """The Issued date; when it is only a year, a fuller Available/Submitted date of that year."""
    by_type: dict[str, str] = {}
    for item in attributes.get("dates") or []:
        if isinstance(item, dict) and item.get("date"):
            by_type.setdefault(str(item.get("dateType")), str(item["date"])[:10])
    issued = by_type.get("Issued") or str(attributes.get("publicationYear") or "")
    for fuller in (by_type.get("Available"), by_type.get("Submitted")):
        if fuller and len(issued) == 4 and fuller.startswith(issued) and len(fuller) > 4:
            return parse_loose_date(fuller)
    return parse_loose_date(issued) or make_date(attributes.get("publicationYear"))


def _subjects(values: Any) -> list[str]:
    subjects: list[str] = []
    for item in values or []:
        text = (item.get("subject") or "").strip() if isinstance(item, dict) else ""
        if text and text not in subjects:
            subjects.append(text)
    return subjects


def _abstract(descriptions: Any) -> str | None:
    for item in descriptions or []:
        if isinstance(item, dict) and item.get("descriptionType") == "Abstract":
            text = item.get("description")
            if isinstance(text, list):
                text = " ".join(str(t) for t in text)
            return strip_markup(text, drop_heading=True)
    return None
