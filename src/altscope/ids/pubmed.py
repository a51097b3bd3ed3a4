"""PubMed ids (PMID) and PubMed Central ids (PMCID).

A PMID is a bare number, so running text yields one only where the context says so: a
``PMID:`` / ``PubMed ID`` label or a PubMed / Europe PMC URL. Normal forms: ``12082125`` and
``PMC2631623``. Resolvers: pubmed.ncbi.nlm.nih.gov and pmc.ncbi.nlm.nih.gov.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier

_PMID = r"[1-9]\d{0,8}"
_PMID_URL = (
    r"(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/"
    r"|europepmc\.org/(?:abstract|article)/med/)"
)
_PMID_LABEL = r"(?:pmid|pubmed(?:\s?id)?)(?:\s?[:=/]\s?|\s)"
_PMID_PARSE_RE = re.compile(rf"\A(?:{_PMID_URL}|{_PMID_LABEL})?({_PMID})/?\Z", re.IGNORECASE)
_PMID_LABELLED_RE = re.compile(rf"\A(?:{_PMID_URL}|{_PMID_LABEL})", re.IGNORECASE)
PMID_FIND_RE = re.compile(
    rf"(?:{_PMID_URL}|\b{_PMID_LABEL}\s?)({_PMID})(?![\d.]\d)(?!\d)", re.IGNORECASE
)

_PMCID = r"\d{1,9}"
_PMC_URL = (
    r"(?:https?://)?(?:www\.)?(?:pmc\.ncbi\.nlm\.nih\.gov/articles/|ncbi\.nlm\.nih\.gov/pmc/articles/"
    r"|europepmc\.org/(?:abstract|article)/pmc/)"
)
_PMC_PARSE_RE = re.compile(
    rf"\A(?:{_PMC_URL})?(?:pmcid\s?[:/]\s?)?(pmc)?({_PMCID})/?\Z", re.IGNORECASE
)
PMC_FIND_RE = re.compile(rf"(?:{_PMC_URL})?\bPMC({_PMCID})\b(?:/(?=\s|$))?")


def normalize_pmid(text: str) -> str | None:
    """PMID digits from ``12345``, ``pmid:12345``, ``PMID 12345`` or a PubMed URL, else None."""
    match = _PMID_PARSE_RE.match(text.strip())
    return match.group(1) if match else None


def is_labelled_pmid(text: str) -> bool:
    """True when the string says it is a PMID (label or PubMed URL), not just a number."""
    return bool(_PMID_LABELLED_RE.match(text.strip()))


def normalize_pmcid(text: str, *, bare: bool = False) -> str | None:
    """``PMC<digits>`` from ``PMC123``, ``pmcid:123``, a PMC URL; bare digits only if ``bare``."""
    s = text.strip()
    match = _PMC_PARSE_RE.match(s)
    if not match:
        return None
    if match.group(1) is None and not bare and not re.match(r"(?i)pmcid|http|www|pmc\.|europe", s):
        return None
    return f"PMC{int(match.group(2))}"


def pmid_url(value: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{value}/"


def pmcid_url(value: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{value}/"


def find_pmid(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in PMID_FIND_RE.finditer(text, pos, endpos):
        yield match.start(), match.end(), Identifier("pmid", match.group(1))


def find_pmcid(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in PMC_FIND_RE.finditer(text, pos, endpos):
        yield match.start(), match.end(), Identifier("pmcid", f"PMC{int(match.group(1))}")
