"""ISBN-10 and ISBN-13, written with any hyphenation or spaces.

Normal form: the 13 digits of the ISBN-13 without hyphens (an ISBN-10 is converted: prefix 978,
new check digit). Hyphen positions depend on the ISBN agencies' range table, which changes;
altscope does not print them. No resolver URL. Running text yields ISBNs only behind an ``ISBN``
label (``ISBN 0-13-054091-9``, ``ISBN-13: ...``, ``isbn=...``, ``{{ISBN|...}}``, ``/isbn/...``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier
from altscope.ids.checksums import ean13_check_digit, is_valid_ean13, is_valid_isbn10

_SEP = "[ \u00a0\u2010\u2011-]"
_PARSE_RE = re.compile(
    rf"\A(?:urn:isbn:|isbn(?:-?1[03])?\s?[:=]?\s?)?(\d(?:{_SEP}*[\dXx]){{9,12}})\Z", re.I
)
FIND_RE = re.compile(
    rf"(?<![a-z])isbn(?:-?1[03])?(?:\s?[:=/|]\s?|\s)\s?(\d(?:{_SEP}?[\dXx]){{9,12}})", re.I
)


def isbn10_to_13(isbn10: str) -> str:
    """The ISBN-13 of a (valid) ISBN-10."""
    body = "978" + isbn10[:9]
    return body + ean13_check_digit(body)


def _compact(text: str) -> str:
    return re.sub(_SEP, "", text).upper()


def is_isbn13(text: str) -> bool:
    """True when the string is a valid ISBN-13 (978/979 prefix, check digit)."""
    digits = _compact(text.strip())
    return digits[:3] in ("978", "979") and is_valid_ean13(digits)


def is_isbn10(text: str) -> bool:
    """True when the string is a valid ISBN-10 (check digit)."""
    return is_valid_isbn10(_compact(text.strip()))


def normalize(text: str) -> str | None:
    """The ISBN-13 digits for an ISBN-10 or ISBN-13 written any accepted way, else None."""
    match = _PARSE_RE.match(text.strip())
    if not match:
        return None
    digits = _compact(match.group(1))
    if len(digits) == 13 and digits[:3] in ("978", "979") and is_valid_ean13(digits):
        return digits
    if len(digits) == 10 and is_valid_isbn10(digits):
        return isbn10_to_13(digits)
    return None


def _select(run: str) -> tuple[str, int] | None:
    """From a run of digits and separators, the ISBN it starts with and its length in ``run``."""
    positions = [i for i, ch in enumerate(run) if ch not in " \u00a0\u2010\u2011-"]
    digits = "".join(run[i] for i in positions).upper()
    # An ISBN may be followed by more digits only after a separator.
    if (
        len(digits) >= 13
        and digits[:3] in ("978", "979")
        and is_valid_ean13(digits[:13])
        and (len(digits) == 13 or positions[13] > positions[12] + 1)
    ):
        return digits[:13], positions[12] + 1
    if (
        len(digits) >= 10
        and is_valid_isbn10(digits[:10])
        and (len(digits) == 10 or positions[10] > positions[9] + 1)
    ):
        return isbn10_to_13(digits[:10]), positions[9] + 1
    return None


def find(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in FIND_RE.finditer(text, pos, endpos):
        chosen = _select(match.group(1))
        if chosen:
            value, length = chosen
            yield match.start(), match.start(1) + length, Identifier("isbn", value)
