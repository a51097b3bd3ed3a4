"""CSV and TSV tables: a header row names the columns (case and punctuation do not matter).

Identifier columns: doi, pmid, pmcid, arxiv, isbn, handle, urn, ark, url, identifier.
Metadata columns: title, authors, journal, issn, publisher, year, date, type, abstract, language.
A table without a recognised header is read as identifiers in its first column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from altscope.records import OutputMetadata
from altscope.sources.importers.base import (
    IdRef,
    ImportRecord,
    author_from_name,
    clean,
    make_date,
    parse_loose_date,
)

_DELIMITERS = (",", ";", "\t", "|")
_MAX_ROW_LINES = 200  # a quoted field may span lines; an unclosed quote must not eat the file

_IDENTIFIER_COLUMNS = {
    "doi": "doi",
    "doiurl": "doi",
    "digitalobjectidentifier": "doi",
    "pmid": "pmid",
    "pubmed": "pmid",
    "pubmedid": "pmid",
    "pmcid": "pmcid",
    "pmc": "pmcid",
    "pubmedcentralid": "pmcid",
    "arxiv": "arxiv",
    "arxivid": "arxiv",
    "eprint": "arxiv",
    "isbn": "isbn",
    "isbn10": "isbn",
    "isbn13": "isbn",
    "handle": "handle",
    "hdl": "handle",
    "urn": "urn",
    "ark": "ark",
    "url": "url",
    "link": "url",
    "landingpage": "url",
    "identifier": "identifier",
    "identifiers": "identifier",
    "pid": "identifier",
    "persistentidentifier": "identifier",
}
IDENTIFIER_ROLES = frozenset(_IDENTIFIER_COLUMNS.values())
_METADATA_COLUMNS = {
    "title": "title",
    "articletitle": "title",
    "documenttitle": "title",
    "author": "authors",
    "authors": "authors",
    "creator": "authors",
    "creators": "authors",
    "journal": "journal",
    "journaltitle": "journal",
    "container": "journal",
    "containertitle": "journal",
    "source": "journal",
    "sourcetitle": "journal",
    "publication": "journal",
    "publicationtitle": "journal",
    "issn": "issn",
    "eissn": "issn",
    "publisher": "publisher",
    "year": "year",
    "pubyear": "year",
    "publicationyear": "year",
    "date": "date",
    "published": "date",
    "publicationdate": "date",
    "type": "type",
    "documenttype": "type",
    "abstract": "abstract",
    "language": "language",
}
_LIST_SPLIT = re.compile(r"\s*\|\s*|;\s+|\s*\n\s*")  # not a bare ';': SICI DOIs contain one


def column_role(name: str) -> str | None:
    """What a header cell means: an identifier scheme, a metadata field, or ``None``."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return _IDENTIFIER_COLUMNS.get(key) or _METADATA_COLUMNS.get(key)


def read_csv(text: str, delimiter: str | None = None) -> Iterator[ImportRecord]:
    """One record per data row; a broken row becomes an error and the next row is read."""
    lines = [line + "\n" for line in text.split("\n")]
    if lines[-1] == "\n":
        lines.pop()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return
    delimiter = delimiter or sniff_delimiter(first, lines[:20])
    header: list[str] | None = None
    roles: list[str | None] = []
    for line, end_line, cells, problem in _rows(lines, delimiter):
        if problem:
            yield ImportRecord(line=line, end_line=end_line, error=f"line {line}: {problem}")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if header is None and not roles:
            roles = [column_role(cell) for cell in cells]
            if any(role in IDENTIFIER_ROLES for role in roles):
                header = cells
                continue
            if any(roles):
                yield ImportRecord(
                    line=line,
                    error=f"line {line}: the header names no identifier column (expected one "
                    "of doi, pmid, pmcid, arxiv, isbn, handle, url, identifier)",
                )
                return
            roles = [None]  # no header: identifiers in the first column
        if header is None:
            yield ImportRecord(line=line, end_line=end_line, identifiers=[IdRef(cells[0].strip())])
            continue
        yield _record(line, end_line, header, roles, cells)


def _rows(lines: list[str], delimiter: str) -> Iterator[tuple[int, int, list[str], str | None]]:
    """(first line, last line, cells, problem) per row; quoted fields may span lines, but an
    unclosed quote only costs its own row."""
    index = 0
    while index < len(lines):
        reader = csv.reader(
            iter(lines[index : index + _MAX_ROW_LINES]), delimiter=delimiter, strict=True
        )
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = str(error)
            if "end of data" in problem or "newline inside string" in problem:
                problem = "unclosed quote"
            yield index + 1, index + 1, [], f"malformed row ({problem}); the row was skipped"
            index += 1
            continue
        consumed = max(reader.line_num, 1)
        yield index + 1, index + consumed, cells, None
        index += consumed


def _record(
    line: int, end_line: int, header: list[str], roles: list[str | None], cells: list[str]
) -> ImportRecord:
    if len(cells) > len(header):
        return ImportRecord(
            line=line,
            end_line=end_line,
            error=f"line {line}: {len(cells)} fields but the header has {len(header)} "
            "(an unquoted delimiter inside a value?)",
        )
    identifiers: list[IdRef] = []
    values: dict[str, str] = {}
    for role, cell in zip(roles, cells, strict=False):
        value = cell.strip()
        if not role or not value:
            continue
        if role == "identifier":
            identifiers.extend(IdRef(part) for part in _LIST_SPLIT.split(value) if part)
        elif role == "url":
            identifiers.append(IdRef(value, optional=True))
            values.setdefault("url", value)
        elif role in IDENTIFIER_ROLES:
            identifiers.append(IdRef(value, scheme=role))
        else:
            values.setdefault(role, value)
    if not identifiers:
        return ImportRecord(line=line, end_line=end_line, error=f"line {line}: no identifier")
    return ImportRecord(
        line=line, end_line=end_line, identifiers=identifiers, metadata=_metadata(values)
    )


def _metadata(values: dict[str, str]) -> OutputMetadata:
    authors = [
        author
        for name in re.split(r"\s*;\s*|\s+and\s+|\s*\|\s*", values.get("authors", ""))
        if (author := author_from_name(name))
    ]
    published = parse_loose_date(values.get("date")) or make_date(values.get("year"))
    issns = [part for part in re.split(r"[\s,;|]+", values.get("issn", "")) if part]
    return OutputMetadata(
        provider="csv",
        title=clean(values.get("title")),
        authors=authors,
        container_title=clean(values.get("journal")),
        issns=issns,
        publisher=clean(values.get("publisher")),
        type=clean(values.get("type")),
        published=published,
        abstract=clean(values.get("abstract")),
        language=clean(values.get("language")),
        url=clean(values.get("url")),
    )


def sniff_delimiter(header: str, sample: list[str]) -> str:
    """The delimiter that makes the first row a recognisable header, else csv.Sniffer's guess."""
    best, best_score = None, 0
    for delimiter in _DELIMITERS:
        cells = _split(header, delimiter) or []
        score = sum(1 for cell in cells if column_role(cell))
        if score > best_score or (score == best_score and score and len(cells) > 1):
            best, best_score = delimiter, score
    if best:
        return best
    try:
        return csv.Sniffer().sniff("".join(sample), delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return ","


def _split(row: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([row], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return None
