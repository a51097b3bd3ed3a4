"""RIS files (read with rispy): one record per ``TY`` … ``ER`` reference.

Identifiers: DO (DOI), SN (ISBN for books, otherwise ISSN metadata), UR (URLs), AN (a PMID when
the database is PubMed/MEDLINE), C2 (a PMCID when it looks like one). Metadata: TI/T1, AU/A1,
JO/JF/T2, PY/DA/Y1, PB, AB, KW, LA.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rispy

from altscope.records import OutputMetadata
from altscope.sources.importers.base import (
    IdRef,
    ImportRecord,
    author_from_name,
    clean,
    parse_loose_date,
)

_TAG = re.compile(r"^([A-Z][A-Z0-9])  ?-( |$)")
_BOOK_TYPES = {"BOOK", "EBOOK", "EDBOOK", "CTLG", "MUSIC"}
_TYPES = {
    "JOUR": "journal-article",
    "JFULL": "journal",
    "EJOUR": "journal-article",
    "MGZN": "magazine-article",
    "NEWS": "newspaper-article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "edited-book",
    "CHAP": "book-chapter",
    "ECHAP": "book-chapter",
    "CONF": "proceedings-article",
    "CPAPER": "proceedings-article",
    "THES": "dissertation",
    "RPRT": "report",
    "DATA": "dataset",
    "COMP": "software",
    "PAT": "patent",
    "ELEC": "web-page",
    "GEN": "other",
}


def read_ris(text: str) -> Iterator[ImportRecord]:
    """References in file order; text outside a reference and broken references become errors."""
    for start, end, chunk, problem in _references(text.split("\n")):
        if problem:
            yield ImportRecord(line=start, end_line=end, error=f"line {start}: {problem}")
            continue
        try:
            entries = rispy.loads(chunk)
        except Exception as error:  # rispy raises plain exceptions on malformed tags
            yield ImportRecord(
                line=start, end_line=end, error=f"line {start}: broken RIS reference ({error})"
            )
            continue
        if not entries:
            yield ImportRecord(line=start, end_line=end, error=f"line {start}: empty reference")
            continue
        yield _record(entries[0], start, end)


def _references(lines: list[str]) -> Iterator[tuple[int, int, str, str | None]]:
    """(first line, last line, text, problem) for each TY..ER block."""
    start: int | None = None
    stray: int | None = None
    for number, line in enumerate(lines, start=1):
        tag_match = _TAG.match(line.lstrip("\ufeff"))
        tag = tag_match.group(1) if tag_match else None
        if tag == "TY":
            if start is not None:
                yield start, number - 1, "", "reference has no ER line before the next TY"
            start = number
        elif tag == "ER" and start is not None:
            chunk = "\n".join(lines[start - 1 : number]).lstrip("\ufeff") + "\n"
            yield start, number, chunk, None
            start = None
        elif start is None and line.strip() and stray is None:
            stray = number
            yield number, number, "", "text outside a reference (expected 'TY  - ')"
        if start is not None:
            stray = None
    if start is not None:
        yield start, len(lines), "", "reference not closed by an 'ER  - ' line"


def _record(entry: dict, line: int, end_line: int) -> ImportRecord:
    identifiers = _identifiers(entry)
    if not identifiers:
        return ImportRecord(
            line=line,
            end_line=end_line,
            error=f"line {line}: reference has no DO, SN (ISBN), AN (PMID) or UR",
        )
    return ImportRecord(
        line=line, end_line=end_line, identifiers=identifiers, metadata=_metadata(entry)
    )


def _identifiers(entry: dict) -> list[IdRef]:
    refs: list[IdRef] = []
    if doi := clean(entry.get("doi")):
        refs.append(IdRef(doi, "doi"))
    database = " ".join(
        clean(entry.get(key)) or "" for key in ("name_of_database", "database_provider")
    ).lower()
    accession = clean(entry.get("accession_number"))
    if (
        accession
        and re.fullmatch(r"(?i)(pmid:?\s*)?\d{1,9}", accession)
        and ("pubmed" in database or "medline" in database or "nlm" in database)
    ):
        refs.append(IdRef(re.sub(r"\D", "", accession), "pmid"))
    custom2 = clean(entry.get("custom2"))
    if custom2 and re.fullmatch(r"(?i)pmc\d+", custom2):
        refs.append(IdRef(custom2, "pmcid"))
    serial = clean(entry.get("issn"))
    if serial and entry.get("type_of_reference") in _BOOK_TYPES:
        refs.extend(IdRef(part, "isbn") for part in re.split(r"[,;\s]+", serial) if part)
    refs.extend(IdRef(url, optional=True) for url in _urls(entry))
    return refs


def _urls(entry: dict) -> list[str]:
    urls = []
    for value in entry.get("urls") or []:
        urls.extend(part for part in re.split(r"\s+|;\s*", value) if part)
    return urls


def _metadata(entry: dict) -> OutputMetadata:
    names = entry.get("authors") or entry.get("first_authors") or []
    ris_type = entry.get("type_of_reference")
    serial = clean(entry.get("issn"))
    issns = []
    if serial and ris_type not in _BOOK_TYPES:
        issns = [part for part in re.split(r"[,;\s]+", serial) if part]
    container = next(
        (
            value
            for key in ("journal_name", "alternate_title3", "secondary_title", "alternate_title1")
            if (value := clean(entry.get(key)))
        ),
        None,
    )
    urls = _urls(entry)
    return OutputMetadata(
        provider="ris",
        title=clean(entry.get("title")) or clean(entry.get("primary_title")),
        authors=[author for name in names if (author := author_from_name(name))],
        container_title=container,
        issns=issns,
        publisher=clean(entry.get("publisher")),
        type=_TYPES.get(ris_type or "", (ris_type or "").lower() or None),
        published=parse_loose_date(entry.get("date"))
        or parse_loose_date(entry.get("year"))
        or parse_loose_date(entry.get("publication_year")),
        subjects=[clean(k) for k in entry.get("keywords") or [] if clean(k)],
        abstract=clean(entry.get("abstract")) or clean(entry.get("notes_abstract")),
        language=clean(entry.get("language")),
        url=urls[0] if urls else None,
    )
