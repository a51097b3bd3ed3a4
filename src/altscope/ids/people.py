"""Researchers and organisations: ORCID iDs and ROR ids.

ORCID normal form ``0000-0002-1825-0097`` (ISO 7064 MOD 11-2 check; ORCID blocks start 0000 or
0009, which tells an ORCID from other ISNIs); resolver ``https://orcid.org/<id>``. Running text
yields ORCIDs written with hyphens (bare, labelled or in an orcid.org URL).
ROR normal form ``03yrm5c26`` (0 + six Crockford base32 characters + MOD 97-10 checksum);
resolver ``https://ror.org/<id>``; found in text as ror.org URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier
from altscope.ids.checksums import is_valid_mod11_2, ror_checksum

_ORCID_URL = r"(?:https?://)?(?:www\.|sandbox\.)?orcid\.org/"
_ORCID_PARSE_RE = re.compile(
    rf"\A(?:{_ORCID_URL}|orcid(?:\s?id)?\s?:\s?)?(\d{{4}})-?(\d{{4}})-?(\d{{4}})-?(\d{{3}}[\dXx])/?\Z",
    re.I,
)
ORCID_FIND_RE = re.compile(
    rf"(?:{_ORCID_URL}|\borcid(?:\s?id)?\s?[:=]?\s?)?(?<![\d-])(000[09])-(\d{{4}})-(\d{{4}})-(\d{{3}}[\dXx])(?![\dXx-])",
    re.I,
)
_ROR_BODY = r"(0[0-9a-hjkmnp-tv-z]{6})(\d{2})"
_ROR_PARSE_RE = re.compile(rf"\A(?:(?:https?://)?(?:www\.)?ror\.org/|ror:)?{_ROR_BODY}/?\Z", re.I)
ROR_FIND_RE = re.compile(rf"(?:https?://)?(?:www\.)?ror\.org/{_ROR_BODY}(?![\w-])", re.I)


def _orcid(blocks: tuple[str, ...]) -> str | None:
    digits = "".join(blocks).upper()
    if digits[:4] not in ("0000", "0009") or not is_valid_mod11_2(digits):
        return None
    return "-".join(b.upper() for b in blocks)


def normalize_orcid(text: str) -> str | None:
    """``0000-0002-1825-0097`` for an ORCID iD in any accepted spelling, else None."""
    match = _ORCID_PARSE_RE.match(text.strip())
    return _orcid(match.groups()) if match else None


def normalize_ror(text: str) -> str | None:
    """The nine-character ROR id (lower case) with a valid checksum, else None."""
    match = _ROR_PARSE_RE.match(text.strip())
    if not match:
        return None
    body, check = match.group(1).lower(), match.group(2)
    return body + check if ror_checksum(body) == check else None


def find_orcid(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in ORCID_FIND_RE.finditer(text, pos, endpos):
        value = _orcid(match.groups())
        if value:
            yield match.start(), match.end(), Identifier("orcid", value)


def find_ror(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in ROR_FIND_RE.finditer(text, pos, endpos):
        body, check = match.group(1).lower(), match.group(2)
        if ror_checksum(body) == check:
            yield match.start(), match.end(), Identifier("ror", body + check)
