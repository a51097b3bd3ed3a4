"""What every importer yields, and the careful reading of a file's bytes into text."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from altscope.records import Author, OutputMetadata


class ImportFileError(Exception):
    """The whole file cannot be imported (missing, unreadable, not the format it claims)."""


@dataclass(frozen=True, slots=True)
class IdRef:
    """One identifier as written in a file, before it is parsed.

    ``scheme`` is a hint from the column or field it came from (``"doi"``, ``"pmid"``...) or
    ``None`` when the text must say what it is. An ``optional`` reference (a landing-page URL
    next to a DOI) is dropped quietly when it is not a persistent identifier.
    """

    text: str
    scheme: str | None = None
    optional: bool = False


@dataclass(slots=True)
class ImportRecord:
    """One entry of an import file: the identifiers of one output, what the file says about it,
    or why it could not be read. ``line`` is where the entry starts (1-based); for JSON files it
    is the entry's position in the file."""

    line: int
    identifiers: list[IdRef] = field(default_factory=list)
    metadata: OutputMetadata | None = None
    error: str | None = None
    end_line: int | None = None

    @property
    def last_line(self) -> int:
        return self.end_line or self.line


@dataclass(slots=True)
class DecodedText:
    """A file's text, and the lines whose bytes were not valid in the detected encoding."""

    text: str
    encoding: str
    bad_lines: dict[int, str] = field(default_factory=dict)


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Excel/Word file: export it as CSV first)"),
    (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (export it as CSV first)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
)


def binary_kind(data: bytes) -> str | None:
    """Describe ``data`` if it is a known binary format or not text at all, else ``None``."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "a binary file"
    return None


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or an :class:`ImportFileError` saying why they cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror or error})") from None


def decode(data: bytes) -> DecodedText:
    """Decode UTF-8 (with or without a BOM) or BOM-marked UTF-16.

    Lines that are not valid UTF-8 are decoded with U+FFFD replacement characters and listed in
    ``bad_lines`` (1-based line number → description) so the caller can reject just those entries.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedText(_normalize_newlines(data.decode("utf-16")), "utf-16")
        except UnicodeDecodeError:
            pass  # fall through to the line-by-line UTF-8 report
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return DecodedText(_normalize_newlines(data.decode(encoding)), encoding)
    except UnicodeDecodeError:
        pass
    if encoding == "utf-8-sig":
        data = data[len(codecs.BOM_UTF8) :]
    lines: list[str] = []
    bad: dict[int, str] = {}
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            byte = raw[error.start : error.start + 1].hex().upper()
            bad[number] = (
                f"byte 0x{byte} at column {error.start + 1} is not valid UTF-8 "
                "(save the file as UTF-8)"
            )
            lines.append(raw.decode("utf-8", errors="replace"))
    return DecodedText(_normalize_newlines("".join(lines)), "utf-8", bad)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def mark_bad_lines(records: list[ImportRecord], bad_lines: dict[int, str]) -> list[ImportRecord]:
    """Turn every record that covers an undecodable line into an error naming that line."""
    if not bad_lines:
        return records
    for record in records:
        for number in range(record.line, record.last_line + 1):
            if number in bad_lines:
                record.error = f"line {number}: {bad_lines[number]}"
                record.identifiers = []
                record.metadata = None
                break
    return records


def clean(value: object) -> str | None:
    """A stripped string, or ``None`` when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def author_from_name(text: str, orcid: str | None = None) -> Author | None:
    """An :class:`Author` from ``"Family, Given"`` or ``"Given Family"`` (or a lone name)."""
    name = clean(text)
    if not name:
        return None
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
        given_or_none = given or None
        display = f"{given} {family}".strip() if given else family
        return Author(name=display, given=given_or_none, family=family or None, orcid=orcid)
    parts = name.rsplit(" ", 1)
    if len(parts) == 2:
        return Author(name=name, given=parts[0], family=parts[1], orcid=orcid)
    return Author(name=name, orcid=orcid)


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def month_number(value: object) -> int | None:
    """1..12 from ``4``, ``"04"``, ``"apr"`` or ``"April"``; ``None`` otherwise."""
    text = clean(value)
    if not text:
        return None
    text = text.lower().rstrip(".")
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text)


def make_date(year: object, month: object = None, day: object = None) -> date | None:
    """A date from loose parts; a missing month or day becomes 1, an impossible date ``None``."""
    year_text = clean(year)
    if not year_text:
        return None
    match = re.match(r"\d{4}", year_text)
    if not match:
        return None
    month_value = month_number(month) or 1
    day_text = clean(day)
    day_value = int(day_text) if day_text and day_text.isdigit() else 1
    try:
        return date(int(match.group()), month_value, day_value)
    except ValueError:
        try:
            return date(int(match.group()), month_value, 1)
        except ValueError:
            return None


def parse_loose_date(text: object) -> date | None:
    """A date from ``2021``, ``2021-07``, ``2021-07-15``, ``2021/07/15/`` (RIS) or ``2021 Jul``."""
    value = clean(text)
    if not value:
        return None
    parts = [part for part in re.split(r"[-/\s.,]+", value) if part]
    if not parts:
        return None
    return make_date(
        parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None
    )
