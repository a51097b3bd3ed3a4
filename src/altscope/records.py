"""Plain records passed between layers: what sources and importers know about an output.

They carry no database state, so importers and metadata clients can build them and the store
can save them without either side knowing the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Author:
    """One author (or editor) of an output, in the order given by the source."""

    name: str
    given: str | None = None
    family: str | None = None
    orcid: str | None = None
    affiliations: tuple[str, ...] = ()


@dataclass(slots=True)
class OutputMetadata:
    """Bibliographic metadata of one research output, from one provider.

    ``provider`` names where it came from (``crossref``, ``datacite``, ``openalex``, ``bibtex``,
    ``ris``, ``csv``, ``orcid``...). Unknown values stay ``None`` or empty: never guessed.
    ``identifiers`` are further identifier strings the provider knows for the same work
    (``"pmid:123"``, ``"doi:10..."``), which lets the store merge aliases.
    """

    provider: str
    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    container_title: str | None = None
    issns: list[str] = field(default_factory=list)
    publisher: str | None = None
    type: str | None = None
    published: date | None = None
    subjects: list[str] = field(default_factory=list)
    abstract: str | None = None
    language: str | None = None
    url: str | None = None
    identifiers: list[str] = field(default_factory=list)
    citation_count: int | None = None
