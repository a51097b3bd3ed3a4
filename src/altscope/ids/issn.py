"""ISSN (serials): ``1234-567X`` with its check digit.

Normal form ``1234-567X`` (upper-case X). No resolver URL. Running text yields ISSNs only behind
an ``ISSN`` / ``eISSN`` / ``pISSN`` label or in an ISSN portal URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier
from altscope.ids.checksums import is_valid_issn

_NUMBER = r"(\d{4})[ \u2010-]?(\d{3}[\dXx])"
_PARSE_RE = re.compile(rf"\A(?:(?:[ep]-?)?issn\s?[:=]?\s?)?{_NUMBER}\Z", re.I)
FIND_RE = re.compile(rf"(?<![a-z])(?:[ep]-?)?issn(?:\s?[:=/|]\s?|\s)\s?{_NUMBER}(?![\dXx])", re.I)


def normalize(text: str) -> str | None:
    """``1234-567X`` for a valid ISSN written with or without hyphen or label, else None."""
    match = _PARSE_RE.match(text.strip())
    if not match or not is_valid_issn(match.group(1) + match.group(2)):
        return None
    return f"{match.group(1)}-{match.group(2).upper()}"


def find(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in FIND_RE.finditer(text, pos, endpos):
        if is_valid_issn(match.group(1) + match.group(2)):
            value = f"{match.group(1)}-{match.group(2).upper()}"
            yield match.start(), match.end(), Identifier("issn", value)
