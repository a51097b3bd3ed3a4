"""ORCID works JSON (public API v3.0): a ``/works`` answer (``group[].work-summary[]``), a full
record (``activities-summary.works``), a single ``/work/{put-code}``, or a ``bulk`` answer.

Only external ids whose relationship is ``self`` identify the work itself (``part-of`` is the
journal's ISSN or the book's ISBN). One record per group: ORCID groups the summaries of one work.
Records are numbered by their position in the file (JSON has no useful line numbers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from altscope.records import Author, OutputMetadata
from altscope.sources.importers.base import IdRef, ImportRecord, clean, make_date

_SCHEMES = {
    "doi": "doi",
    "pmid": "pmid",
    "pmc": "pmcid",
    "arxiv": "arxiv",
    "isbn": "isbn",
    "handle": "handle",
    "urn": "urn",
    "ark": "ark",
}
_OPTIONAL = {"uri"}


class NotOrcidWorks(ValueError):
    """The JSON document is not one of the ORCID works shapes."""


def read_orcid_works(text: str) -> Iterator[ImportRecord]:
    """One record per work (group of summaries) in the document."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        line = text.count("\n", 0, error.pos) + 1 if error.pos is not None else 1
        yield ImportRecord(line=line, error=f"line {line}: not valid JSON ({error.msg})")
        return
    try:
        works = list(_works(document))
    except NotOrcidWorks as error:
        yield ImportRecord(line=1, error=str(error))
        return
    for number, summaries in enumerate(works, start=1):
        yield _record(number, summaries)


def _works(document: Any) -> Iterator[list[dict]]:
    """The summaries of each work, whatever shape the document has."""
    if isinstance(document, dict) and "activities-summary" in document:
        document = (document.get("activities-summary") or {}).get("works") or {}
    if isinstance(document, dict) and isinstance(document.get("group"), list):
        for group in document["group"]:
            summaries = (group or {}).get("work-summary") or []
            yield [s for s in summaries if isinstance(s, dict)]
        return
    if isinstance(document, dict) and isinstance(document.get("bulk"), list):
        for item in document["bulk"]:
            work = (item or {}).get("work")
            if isinstance(work, dict):
                yield [work]
            else:
                yield []
        return
    if isinstance(document, dict) and ("external-ids" in document or "put-code" in document):
        yield [document]
        return
    if (
        isinstance(document, list)
        and document
        and all(isinstance(item, dict) and _looks_like_work(item) for item in document)
    ):
        for item in document:
            yield [item]
        return
    raise NotOrcidWorks(
        "not an ORCID works document (expected 'group' with 'work-summary', "
        "'activities-summary', 'bulk' or a single work)"
    )


def _looks_like_work(item: dict) -> bool:
    return any(key in item for key in ("external-ids", "put-code", "title"))


def _record(number: int, summaries: list[dict]) -> ImportRecord:
    if not summaries:
        return ImportRecord(line=number, error=f"work {number}: empty group")
    identifiers: list[IdRef] = []
    seen: set[tuple[str, str | None]] = set()
    for summary in summaries:
        for ref in _identifiers(summary):
            if (ref.text, ref.scheme) not in seen:
                seen.add((ref.text, ref.scheme))
                identifiers.append(ref)
    preferred = min(summaries, key=_display_index)
    metadata = _metadata(preferred)
    put_code = preferred.get("put-code")
    label = f"work {number}" + (f" (put-code {put_code})" if put_code is not None else "")
    if not identifiers:
        title = f" '{metadata.title}'" if metadata.title else ""
        return ImportRecord(line=number, error=f"{label}{title}: no DOI, PMID, PMC, arXiv or ISBN")
    return ImportRecord(line=number, identifiers=identifiers, metadata=metadata)


def _display_index(summary: dict) -> int:
    try:
        return -int(summary.get("display-index") or 0)  # ORCID shows the highest index first
    except (TypeError, ValueError):
        return 0


def _identifiers(work: dict) -> Iterator[IdRef]:
    external = (work.get("external-ids") or {}).get("external-id") or []
    for item in external:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("external-id-type") or "").lower()
        if str(item.get("external-id-relationship") or "self").lower() != "self":
            continue
        value = clean(_value(item.get("external-id-normalized"))) or clean(
            item.get("external-id-value")
        )
        if not value:
            continue
        if kind in _SCHEMES:
            yield IdRef(value, _SCHEMES[kind])
        elif kind in _OPTIONAL:
            yield IdRef(value, optional=True)


def _metadata(work: dict) -> OutputMetadata:
    title_block = work.get("title") or {}
    contributors = (work.get("contributors") or {}).get("contributor") or []
    return OutputMetadata(
        provider="orcid",
        title=clean(_value(title_block.get("title"))),
        authors=[author for item in contributors if (author := _contributor(item))],
        container_title=clean(_value(work.get("journal-title"))),
        type=clean(work.get("type")),
        published=_date(work.get("publication-date")),
        abstract=clean(work.get("short-description")),
        language=clean(work.get("language-code")),
        url=clean(_value(work.get("url"))),
    )


def _contributor(item: dict) -> Author | None:
    if not isinstance(item, dict):
        return None
    name = clean(_value(item.get("credit-name")))
    if not name:
        return None
    orcid = (item.get("contributor-orcid") or {}).get("path")
    return Author(name=name, orcid=clean(orcid))


def _date(block: Any) -> Any:
    if not isinstance(block, dict):
        return None
    return make_date(
        _value(block.get("year")), _value(block.get("month")), _value(block.get("day"))
    )


def _value(block: Any) -> Any:
    """ORCID wraps most scalars as ``{"value": ...}``."""
    if isinstance(block, dict):
        return block.get("value")
    return block
