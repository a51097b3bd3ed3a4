"""File importers: identifier lists, CSV, BibTeX, RIS and ORCID works JSON.

:func:`read_file` reads a file of any supported format into :class:`ImportRecord` objects;
it raises :class:`ImportFileError` only when the file as a whole cannot be used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from altscope.sources.importers.base import (
    IdRef,
    ImportFileError,
    ImportRecord,
    binary_kind,
    decode,
    mark_bad_lines,
    read_bytes,
)
from altscope.sources.importers.bibtex import read_bibtex
from altscope.sources.importers.csvfile import IDENTIFIER_ROLES, column_role, read_csv
from altscope.sources.importers.idlist import read_identifier_list
from altscope.sources.importers.orcid import read_orcid_works
from altscope.sources.importers.ris import read_ris

__all__ = [
    "FORMATS",
    "IdRef",
    "ImportFileError",
    "ImportRecord",
    "ParsedFile",
    "detect_format",
    "parse_text",
    "read_file",
]

Reader = Callable[[str], Iterator[ImportRecord]]

FORMATS: dict[str, Reader] = {
    "ids": read_identifier_list,
    "csv": read_csv,
    "tsv": lambda text: read_csv(text, delimiter="\t"),
    "bibtex": read_bibtex,
    "ris": read_ris,
    "orcid": read_orcid_works,
}
FORMAT_HELP = {
    "ids": "one identifier per line (any scheme), '#' comments",
    "csv": "CSV with a header row (doi, pmid, pmcid, arxiv, isbn, handle, url, identifier...)",
    "tsv": "tab-separated, like csv",
    "bibtex": "BibTeX (.bib)",
    "ris": "RIS (.ris)",
    "orcid": "ORCID works JSON (public API v3.0)",
}
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".json": "orcid",
}
_BIBTEX_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_RIS_START = re.compile(r"^TY  ?- ", re.MULTILINE)


@dataclass(slots=True)
class ParsedFile:
    """The records of one file, the format they were read as and the text encoding."""

    path: Path
    format: str
    encoding: str
    records: list[ImportRecord]


def detect_format(path: Path, text: str) -> str:
    """The format of ``text``: an unmistakable start (JSON, RIS, BibTeX) first, then the file
    extension, then a header line that names identifier columns, else an identifier list."""
    head = text.lstrip("\ufeff \t\n")[:4096]
    if head.startswith(("{", "[")):
        return "orcid"
    if _RIS_START.match(head):
        return "ris"
    if _BIBTEX_START.search(head) and not _RIS_START.search(head):
        return "bibtex"
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    if _RIS_START.search(head):
        return "ris"
    first_line = next(
        (line for line in head.split("\n") if line.strip() and not line.startswith("#")), ""
    )
    for delimiter, name in ((",", "csv"), (";", "csv"), ("\t", "tsv")):
        cells = first_line.split(delimiter)
        if len(cells) > 1 and any(column_role(cell) in IDENTIFIER_ROLES for cell in cells):
            return name
    return "ids"


def parse_text(text: str, format: str) -> list[ImportRecord]:
    """Records of ``text`` read as ``format`` (one of :data:`FORMATS`)."""
    return list(FORMATS[format](text))


def read_file(path: Path | str, format: str | None = None) -> ParsedFile:
    """Read ``path`` as ``format`` (detected when ``None``).

    Raises :class:`ImportFileError` when the file is missing, binary, or of an unknown format.
    Broken entries do not raise: they come back as records with an ``error``.
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise ImportFileError(
            f"{path}: unknown format '{format}' (choose from {', '.join(FORMATS)})"
        )
    data = read_bytes(path)
    kind = binary_kind(data)
    if kind:
        expected = f"a {format} file" if format else "a text file"
        raise ImportFileError(f"{path}: this is {kind}, not {expected}")
    decoded = decode(data)
    chosen = format or detect_format(path, decoded.text)
    if chosen == "orcid" and decoded.bad_lines:
        line, problem = next(iter(decoded.bad_lines.items()))
        raise ImportFileError(f"{path}:{line}: {problem}")
    records = mark_bad_lines(parse_text(decoded.text, chosen), decoded.bad_lines)
    return ParsedFile(path=path, format=chosen, encoding=decoded.encoding, records=records)
