"""Identifiers in Wikipedia wikitext: citation-template parameters and bare identifiers.

``{{cite ...|doi=...|pmid=...|pmc=...|isbn=...|arxiv=...|issn=...}}`` parameters are read as the
editor wrote them (a ``pmc = pmc4`` value, any arXiv archive name); everything else is found by
:func:`altscope.ids.find_identifiers` over the raw wikitext (so HTML comments are searched too, as
mwcites does). arXiv versions are dropped: a citation names the paper, not one version of it.
"""

from __future__ import annotations

import re

from altscope.ids import arxiv
from altscope.ids._types import Identifier
from altscope.ids.find import find_identifiers
from altscope.ids.registry import _PARSERS

_PARAM_RE = re.compile(
    r"\|\s*(doi|pmid|pmc|pmcid|isbn|arxiv|issn|eissn)\s*=\s*([^|}\n]*)", re.IGNORECASE
)
_PARAM_SCHEMES = {"pmc": "pmcid", "eissn": "issn"}
_COMMENT_RE = re.compile(r"<!--.*?-->|[\u200b-\u200f\u2060\ufeff]", re.DOTALL)


def _param_identifier(name: str, raw: str) -> Identifier | None:
    scheme = _PARAM_SCHEMES.get(name.lower(), name.lower())
    value = _COMMENT_RE.sub("", raw).strip()
    if not value:
        return None
    parsed = _PARSERS[scheme](value, True)
    return Identifier(scheme, parsed) if parsed else None


def identifiers_in_wikitext(text: str, schemes: frozenset[str] | None = None) -> list[Identifier]:
    """Every identifier in ``text`` in order of appearance (duplicates kept), optionally only
    those of ``schemes``."""
    hits: list[tuple[int, int, Identifier]] = []
    for match in _PARAM_RE.finditer(text):
        ident = _param_identifier(match.group(1), match.group(2))
        if ident:
            hits.append((match.start(2), match.end(2), ident))
    for found in find_identifiers(text):
        if not any(found.start < end and found.end > start for start, end, _ in hits):
            hits.append((found.start, found.end, found.identifier))
    hits.sort(key=lambda hit: hit[0])
    result = []
    for _, _, ident in hits:
        if schemes is not None and ident.scheme not in schemes:
            continue
        if ident.scheme == "arxiv":
            ident = Identifier("arxiv", arxiv.unversioned(ident.value))
        result.append(ident)
    return result
