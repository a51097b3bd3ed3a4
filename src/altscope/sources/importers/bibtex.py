"""BibTeX files (read with bibtexparser v2): one record per entry.

Identifiers: ``doi``, ``eprint`` (arXiv when ``archiveprefix`` says so or is absent), ``arxivid``,
``pmid``, ``pmcid``, ``isbn``, ``url``. Metadata: title, author, journal/booktitle, year/month,
issn, publisher, abstract, keywords, language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import DuplicateBlockKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from altscope.records import Author, OutputMetadata
from altscope.sources.importers.base import IdRef, ImportRecord, clean, make_date

_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)

_TYPES = {
    "article": "journal-article",
    "book": "book",
    "inbook": "book-chapter",
    "incollection": "book-chapter",
    "inproceedings": "proceedings-article",
    "conference": "proceedings-article",
    "proceedings": "proceedings",
    "phdthesis": "dissertation",
    "mastersthesis": "dissertation",
    "thesis": "dissertation",
    "techreport": "report",
    "report": "report",
    "dataset": "dataset",
    "software": "software",
    "online": "web-page",
    "misc": "other",
    "unpublished": "other",
}


def read_bibtex(text: str) -> Iterator[ImportRecord]:
    """Entries in file order; blocks bibtexparser could not parse become errors."""
    try:
        library = _parse(text)
    except Exception as error:  # a parser bug must not stop the other files of an import
        yield ImportRecord(line=1, error=f"the BibTeX parser gave up: {error}")
        return
    results: list[ImportRecord] = [_from_entry(entry) for entry in library.entries]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            results.append(_from_entry(block.ignore_error_block))  # same key, still an entry
            continue
        line = (block.start_line or 0) + 1
        raw = block.raw or ""
        reason = getattr(block.error, "abort_reason", None) or str(block.error) or "cannot be read"
        results.append(
            ImportRecord(
                line=line,
                end_line=line + raw.count("\n"),
                error=f"line {line}: broken BibTeX entry {_entry_head(raw)}({reason.strip()})",
            )
        )
    yield from sorted(results, key=lambda record: record.line)


def _parse(text: str) -> Library:
    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # broken blocks are reported as records, not log noise
    try:
        return bibtexparser.parse_string(
            text,
            append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()],
        )
    finally:
        quiet.setLevel(level)


def _from_entry(entry: Entry) -> ImportRecord:
    line = (entry.start_line or 0) + 1
    return _record(entry, line, line + (entry.raw or "").count("\n"))


def _entry_head(raw: str) -> str:
    match = re.match(r"\s*(@\w+\s*[{(]\s*[^,\s]*)", raw)
    return f"{match.group(1)} " if match else ""


def _record(entry: Entry, line: int, end_line: int) -> ImportRecord:
    fields = {key.lower(): field.value for key, field in entry.fields_dict.items()}
    identifiers = _identifiers(fields, entry.entry_type.lower())
    if not identifiers:
        return ImportRecord(
            line=line,
            end_line=end_line,
            error=f"line {line}: entry {entry.key} has no doi, eprint, pmid, isbn or url",
        )
    return ImportRecord(
        line=line, end_line=end_line, identifiers=identifiers, metadata=_metadata(entry, fields)
    )


def _identifiers(all_fields: dict[str, object], entry_type: str) -> list[IdRef]:
    fields = {key: _verbatim(value) for key, value in all_fields.items() if key in _ID_FIELDS}
    refs: list[IdRef] = []
    if doi := _text(fields.get("doi")):
        refs.append(IdRef(doi, "doi"))
    prefix = (_text(fields.get("archiveprefix")) or _text(fields.get("eprinttype")) or "").lower()
    eprint = _text(fields.get("eprint"))
    if eprint and prefix in ("", "arxiv"):
        refs.append(IdRef(eprint, "arxiv", optional=not prefix))
    elif eprint and prefix == "pubmed":
        refs.append(IdRef(eprint, "pmid"))
    for key, scheme in (("arxivid", "arxiv"), ("pmid", "pmid"), ("pmcid", "pmcid")):
        if value := _text(fields.get(key)):
            refs.append(IdRef(value, scheme))
    if (isbn := _text(fields.get("isbn"))) and _is_book(all_fields, entry_type):
        refs.extend(IdRef(part, "isbn") for part in re.split(r"[,;\s]+", isbn) if part)
    if url := _text(fields.get("url")):
        refs.append(IdRef(url, optional=True))
    return refs


_ID_FIELDS = (
    "doi",
    "archiveprefix",
    "eprinttype",
    "eprint",
    "arxivid",
    "pmid",
    "pmcid",
    "isbn",
    "url",
)
_ESCAPED = re.compile(r"\\([_&%#$~])")


def _verbatim(value: object) -> str | None:
    """An identifier field: braces and LaTeX escapes (``\\_``) removed, nothing else touched."""
    if value is None or isinstance(value, list):
        return None
    return clean(_ESCAPED.sub(r"\1", str(value)).replace("{", "").replace("}", ""))


def _is_book(fields: dict[str, object], entry_type: str) -> bool:
    """An ISBN names the book: it identifies the entry only when the entry is the book."""
    if entry_type in ("inbook", "incollection", "inproceedings", "conference", "article"):
        return False
    return not any(fields.get(key) for key in ("booktitle", "journal", "chapter"))


def _metadata(entry: Entry, fields: dict[str, object]) -> OutputMetadata:
    entry_type = entry.entry_type.lower()
    container = _text(fields.get("journal")) or _text(fields.get("journaltitle"))
    container = container or _text(fields.get("booktitle"))
    return OutputMetadata(
        provider="bibtex",
        title=_text(fields.get("title")),
        authors=_authors(fields.get("author")),
        container_title=container,
        issns=[part for part in re.split(r"[,;\s]+", _text(fields.get("issn")) or "") if part],
        publisher=_text(fields.get("publisher")),
        type=_TYPES.get(entry_type, entry_type),
        published=_published(fields),
        subjects=[k for k in re.split(r"\s*[,;]\s*", _text(fields.get("keywords")) or "") if k],
        abstract=_text(fields.get("abstract")),
        language=_text(fields.get("language")),
        url=_verbatim(fields.get("url")),
    )


def _published(fields: dict[str, object]):
    date_text = _text(fields.get("date"))
    if date_text:
        parts = re.split(r"[-/]", date_text)
        return make_date(parts[0], *(parts[1:3]))
    return make_date(
        _text(fields.get("year")), _text(fields.get("month")), _text(fields.get("day"))
    )


def _authors(value: object) -> list[Author]:
    if not isinstance(value, list):
        return []
    authors: list[Author] = []
    for parts in value:
        given = _text(" ".join(parts.first)) if parts.first else None
        family = _text(" ".join([*parts.von, *parts.last])) if parts.last else None
        suffix = _text(" ".join(parts.jr)) if parts.jr else None
        if family and suffix:
            family = f"{family}, {suffix}"
        name = " ".join(part for part in (given, family) if part)
        if name:
            authors.append(Author(name=name, given=given, family=family))
    return authors


def _text(value: object) -> str | None:
    """A field's plain text: LaTeX accents and braces removed, whitespace collapsed."""
    if value is None or isinstance(value, list):
        return None
    raw = str(value)
    if "\\" in raw or "{" in raw or "$" in raw:
        try:
            raw = _LATEX.latex_to_text(raw)
        except Exception:  # pylatexenc is lenient, but never let a title stop an import
            raw = raw.replace("{", "").replace("}", "")
    return clean(raw)
