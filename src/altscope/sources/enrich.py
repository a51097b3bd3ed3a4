"""Which metadata service to ask about an output, in which order.

* A DOI: Crossref; when Crossref has no record (404), DataCite (datasets, software, preprints).
* An arXiv id without a DOI: DataCite, under arXiv's own DOI ``10.48550/arXiv.<id>``.
* Then OpenAlex (by DOI, else PMID, else PMCID) for the cross-identifiers (PMID, PMCID, DOI)
  that let the store merge aliases; when OpenAlex reveals the DOI of a PMID-only output, Crossref
  is asked about that DOI too.

Results come back least authoritative first (OpenAlex, then Crossref/DataCite), so applying them
in order leaves the registration agency's values in place.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from altscope.config import Settings
from altscope.records import OutputMetadata
from altscope.sources.crossref import CrossrefClient
from altscope.sources.datacite import DataCiteClient
from altscope.sources.http import PoliteClient, PolitePolicy, SourceError
from altscope.sources.openalex import OpenAlexClient


class SchemeValue(Protocol):
    """Anything with a scheme and a normalised value (``altscope.ids.Identifier``)."""

    @property
    def scheme(self) -> str: ...

    @property
    def value(self) -> str: ...


@dataclass(slots=True)
class Enrichment:
    """What the services said about one output. ``errors`` are failures worth retrying later;
    an empty ``records`` with no ``errors`` means no service knows the output."""

    records: list[OutputMetadata] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors

    @property
    def providers(self) -> list[str]:
        return [record.provider for record in self.records]


def arxiv_doi(arxiv_id: str) -> str:
    """arXiv's DataCite DOI for an arXiv id (versions dropped): ``10.48550/arXiv.1706.03762``."""
    bare = re.sub(r"(?i)^arxiv:", "", arxiv_id.strip())
    bare = re.sub(r"v\d+$", "", bare)
    return f"10.48550/arXiv.{bare}"


class Enricher:
    """Asks Crossref, DataCite and OpenAlex about outputs. Use as an async context manager."""

    def __init__(self, settings: Settings, policy: PolitePolicy | None = None) -> None:
        self.settings = settings
        self.policy = policy or PolitePolicy(
            timeout=settings.http_timeout,
            retries=settings.http_retries,
            concurrency=settings.enrich_concurrency,
        )
        self.http = PoliteClient(settings.user_agent, self.policy)
        mailto = settings.contact_email
        self.crossref = CrossrefClient(self.http, settings.crossref_url, mailto)
        self.datacite = DataCiteClient(self.http, settings.datacite_url, mailto)
        self.openalex = OpenAlexClient(self.http, settings.openalex_url, mailto)

    async def __aenter__(self) -> Enricher:
        await self.http.__aenter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.http.close()

    async def enrich(self, identifiers: Iterable[SchemeValue]) -> Enrichment:
        """Metadata of the output known by ``identifiers``."""
        known: dict[str, str] = {}
        for identifier in identifiers:
            known.setdefault(identifier.scheme, identifier.value)
        result = Enrichment()
        doi = known.get("doi")
        primary: OutputMetadata | None = None
        if doi:
            primary = await self._by_doi(doi, result)
        elif "arxiv" in known:
            doi = arxiv_doi(known["arxiv"])
            primary = await self._ask(self.datacite.work(doi), "datacite", result)
        openalex = await self._openalex(known, doi, result)
        if primary is None and openalex is not None and not known.get("doi"):
            revealed = next(
                (i.removeprefix("doi:") for i in openalex.identifiers if i.startswith("doi:")),
                None,
            )
            if revealed:
                primary = await self._by_doi(revealed, result)
        result.records = [record for record in (openalex, primary) if record is not None]
        return result

    async def enrich_many(self, outputs: Sequence[Sequence[SchemeValue]]) -> list[Enrichment]:
        """:meth:`enrich` for each output, ``settings.enrich_concurrency`` at a time."""
        gate = asyncio.Semaphore(max(1, self.policy.concurrency))

        async def one(identifiers: Sequence[SchemeValue]) -> Enrichment:
            async with gate:
                return await self.enrich(identifiers)

        return list(await asyncio.gather(*(one(ids) for ids in outputs)))

    async def _by_doi(self, doi: str, result: Enrichment) -> OutputMetadata | None:
        failures = len(result.errors)
        record = await self._ask(self.crossref.work(doi), "crossref", result)
        if record is None and len(result.errors) == failures:  # a clean 404: not a Crossref DOI
            record = await self._ask(self.datacite.work(doi), "datacite", result)
        return record

    async def _openalex(
        self, known: dict[str, str], doi: str | None, result: Enrichment
    ) -> OutputMetadata | None:
        if doi:
            return await self._ask(self.openalex.work("doi", doi), "openalex", result)
        for scheme in ("pmid", "pmcid"):
            if scheme in known:
                return await self._ask(
                    self.openalex.work(scheme, known[scheme]), "openalex", result
                )
        return None

    @staticmethod
    async def _ask(call, service: str, result: Enrichment) -> OutputMetadata | None:
        try:
            return await call
        except SourceError as error:
            result.errors.append(f"{service}: {error}")
            return None
