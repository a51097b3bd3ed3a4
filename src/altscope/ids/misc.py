"""Single-purpose schemes: ClinicalTrials.gov NCT numbers, Elsevier PIIs and plain URLs.

- NCT: ``NCT01234567``; resolver clinicaltrials.gov/study/<id>; found in text as written.
- PII (Elsevier Publisher Item Identifier): normal form ``S0169534701023801`` (S + ISSN + year +
  item + check, punctuation removed, upper case); resolver ScienceDirect. Found in text in its
  compact or formatted spelling (``S0169-5347(01)02380-1``).
- URL: any http(s) URL, kept as written (a ``http:/host`` typo is repaired); its own resolver.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier

_NCT_PARSE_RE = re.compile(
    r"\A(?:(?:https?://)?(?:www\.)?clinicaltrials\.gov/(?:ct2/show/|study/)?)?(nct\d{8})/?\Z", re.I
)
NCT_FIND_RE = re.compile(r"\bNCT\d{8}\b")

_PII_SHAPE = r"S\d{4}-?\d{3}[\dXx]\(?\d{2}\)?\d{5}-?[\dXx]"
_PII_PARSE_RE = re.compile(
    rf"\A(?:pii:\s?|(?:https?://)?(?:www\.)?sciencedirect\.com/science/article/(?:abs/)?pii/)?"
    rf"({_PII_SHAPE})\Z",
    re.I,
)
PII_FIND_RE = re.compile(rf"(?<![A-Za-z0-9])({_PII_SHAPE})(?![A-Za-z0-9])")

_URL_PARSE_RE = re.compile(r"\A(https?):/{1,2}([^\s/][^\s]*)\Z", re.I)


def normalize_nct(text: str) -> str | None:
    match = _NCT_PARSE_RE.match(text.strip())
    return match.group(1).upper() if match else None


def nct_url(value: str) -> str:
    return f"https://clinicaltrials.gov/study/{value}"


def compact_pii(pii: str) -> str:
    return re.sub(r"[-()]", "", pii).upper()


def normalize_pii(text: str) -> str | None:
    match = _PII_PARSE_RE.match(text.strip())
    return compact_pii(match.group(1)) if match else None


def pii_url(value: str) -> str:
    return f"https://www.sciencedirect.com/science/article/pii/{value}"


def normalize_url(text: str) -> str | None:
    match = _URL_PARSE_RE.match(text.strip())
    if not match:
        return None
    return f"{match.group(1).lower()}://{match.group(2)}"


def find_nct(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in NCT_FIND_RE.finditer(text, pos, endpos):
        yield match.start(), match.end(), Identifier("nct", match.group())


def find_pii(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in PII_FIND_RE.finditer(text, pos, endpos):
        yield match.start(), match.end(), Identifier("pii", compact_pii(match.group(1)))
