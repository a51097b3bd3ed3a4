"""Crossref REST API: ``/works/{doi}`` and ``/works/{doi}/agency`` (polite pool via ``mailto``)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from altscope.records import Author, OutputMetadata
from altscope.sources.http import BadResponse, PoliteClient, path_url
from altscope.sources.markup import strip_markup

PROVIDER = "crossref"
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


class CrossrefClient:
    """Looks works up by DOI. ``mailto`` puts the requests in Crossref's polite pool."""

    def __init__(self, http: PoliteClient, base_url: str, mailto: str | None = None) -> None:
        self.http = http
        self.base_url = base_url
        self.params = {"mailto": mailto} if mailto else {}

    async def work(self, doi: str) -> OutputMetadata | None:
        """The work's metadata, or ``None`` when Crossref has no record of ``doi``."""
        document = await self.http.get_json(path_url(self.base_url, "works", doi), self.params)
        if document is None:
            return None
        message = document.get("message")
        if document.get("message-type") != "work" or not isinstance(message, dict):
            raise BadResponse(f"crossref: unexpected answer for {doi}", self.base_url)
        return parse_work(message)

    async def agency(self, doi: str) -> str | None:
        """The registration agency of ``doi`` (``crossref``, ``datacite``, ``medra``...)."""
        document = await self.http.get_json(
            path_url(self.base_url, "works", doi, "agency"), self.params
        )
        if document is None:
            return None
        agency = (document.get("message") or {}).get("agency") or {}
        return str(agency.get("id")).lower() if agency.get("id") else None


def parse_work(message: dict[str, Any]) -> OutputMetadata:
    """Map one Crossref work (the ``message`` of ``/works/{doi}``, or a list item)."""
    doi = message.get("DOI")
    count = message.get("is-referenced-by-count")
    resource = (message.get("resource") or {}).get("primary") or {}
    return OutputMetadata(
        provider=PROVIDER,
        title=strip_markup(_first(message.get("title"))),
        authors=[author for item in message.get("author") or [] if (author := _author(item))],
        container_title=strip_markup(_first(message.get("container-title"))),
        issns=_issns(message),
        publisher=message.get("publisher") or None,
        type=message.get("type") or None,
        published=published_date(message),
        subjects=[s for s in message.get("subject") or [] if isinstance(s, str) and s.strip()],
        abstract=strip_markup(message.get("abstract"), drop_heading=True),
        language=message.get("language") or None,
        url=resource.get("URL") or message.get("URL") or None,
        identifiers=[f"doi:{doi}"] if doi else [],
        citation_count=count if isinstance(count, int) else None,
    )


def parse_work_list(document: dict[str, Any]) -> list[OutputMetadata]:
    """Map every item of a ``/works`` list answer (``message.items``)."""
    items = (document.get("message") or {}).get("items") or []
    return [parse_work(item) for item in items if isinstance(item, dict)]


def published_date(message: dict[str, Any]) -> date | None:
    """The issued date (falling back to print, then online publication); a missing month or day
    becomes 1. Crossref's ``created``/``deposited`` dates are not publication dates."""
    for key in ("issued", "published", "published-print", "published-online"):
        value = date_from_parts((message.get(key) or {}).get("date-parts"))
        if value:
            return value
    return None


def date_from_parts(parts: Any) -> date | None:
    """``[[2015, 5, 28]]`` → 2015-05-28; ``[[1884, 8]]`` → 1884-08-01; ``[[None]]`` → None."""
    if not parts or not isinstance(parts, list) or not isinstance(parts[0], list):
        return None
    numbers = [int(p) for p in parts[0][:3] if isinstance(p, int | str) and str(p).isdigit()]
    if not numbers or not 1000 <= numbers[0] <= 9999:
        return None
    year, month, day = [*numbers, 1, 1][:3]
    try:
        return date(year, month, day)
    except ValueError:
        try:
            return date(year, month, 1) if 1 <= month <= 12 else date(year, 1, 1)
        except ValueError:
            return None


def _author(item: dict[str, Any]) -> Author | None:
    given = (item.get("given") or "").strip() or None
    family = (item.get("family") or "").strip() or None
    name = " ".join(p for p in (given, family) if p) or (item.get("name") or "").strip()
    if not name:
        return None
    orcid_match = _ORCID.search(item.get("ORCID") or "")
    affiliations = tuple(
        a["name"].strip() for a in item.get("affiliation") or [] if (a.get("name") or "").strip()
    )
    return Author(
        name=name,
        given=given,
        family=family,
        orcid=orcid_match.group(1).upper() if orcid_match else None,
        affiliations=affiliations,
    )


def _issns(message: dict[str, Any]) -> list[str]:
    values = [entry.get("value") for entry in message.get("issn-type") or []]
    values += message.get("ISSN") or []
    issns: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        compact = value.replace("-", "").strip().upper()
        if len(compact) == 8:
            formatted = f"{compact[:4]}-{compact[4:]}"
            if formatted not in issns:
                issns.append(formatted)
    return issns


def _first(values: Any) -> str | None:
    if isinstance(values, list):
        return next((v for v in values if isinstance(v, str) and v.strip()), None)
    return values if isinstance(values, str) and values.strip() else None
