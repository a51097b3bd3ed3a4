"""From strings, URLs and PIIs to DOIs, with the network lookups passed in as callables.

Nothing here does I/O: ``exists(doi) -> bool`` asks a DOI registry, ``shortdoi(code) -> doi | None``
resolves ``10/<code>``, ``pii_search(pii) -> list[doi]`` asks Crossref for works with that PII.
Callers (the percolator) supply real lookups; tests supply stubs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from altscope.ids import doi as doi_mod
from altscope.ids import misc
from altscope.ids.find import find_identifiers

Exists = Callable[[str], bool]
ShortDOILookup = Callable[[str], "str | None"]
PIISearch = Callable[[str], Iterable[str]]


def _verified(doi: str, exists: Exists | None) -> str | None:
    return doi if exists is None else doi_mod.trim_to_registered(doi, exists)


def _short(code: str, shortdoi: ShortDOILookup | None) -> str | None:
    if shortdoi is None:
        return None
    try:
        target = shortdoi(code)
    except Exception:
        return None
    return doi_mod.normalize_doi(target) if target else None


def pii_to_doi(pii: str | None, search: PIISearch, exists: Exists | None = None) -> str | None:
    """The DOI of the one work carrying ``pii``; None when the PII is invalid, the search fails
    or answers nothing or several works, or the registry does not know the DOI."""
    value = misc.normalize_pii(pii) if pii else None
    if value is None:
        return None
    try:
        items = [doi_mod.normalize_doi(item) for item in search(value)]
    except Exception:
        return None
    if len(items) != 1 or items[0] is None:
        return None
    return _verified(items[0], exists)


def doi_from_doi_string(
    text: str | None, *, exists: Exists | None = None, shortdoi: ShortDOILookup | None = None
) -> str | None:
    """A string meant as a DOI (any spelling, or a shortDOI, even bare) -> the DOI, or None."""
    if not text:
        return None
    value = doi_mod.normalize_doi(text)
    if value:
        return _verified(value, exists)
    short = doi_mod.normalize_shortdoi(text, bare=True)
    return _short(short, shortdoi) if short else None


def doi_from_text(
    text: str | None,
    *,
    exists: Exists | None = None,
    shortdoi: ShortDOILookup | None = None,
    pii_search: PIISearch | None = None,
) -> str | None:
    """The first DOI a text or URL yields: a DOI, a shortDOI (with ``shortdoi``) or a PII (with
    ``pii_search``), verified against ``exists`` when given."""
    if not text:
        return None
    for found in find_identifiers(text):
        ident = found.identifier
        result = None
        if ident.scheme == "doi":
            result = _verified(ident.value, exists)
        elif ident.scheme == "shortdoi":
            result = _short(ident.value, shortdoi)
        elif ident.scheme == "pii" and pii_search is not None:
            result = pii_to_doi(ident.value, pii_search, exists)
        if result:
            return result
    if shortdoi is not None:
        for code in doi_mod.bare_shortdois(text):
            result = _short(code, shortdoi)
            if result:
                return result
    return None


def doi_match(text: str | None, exists: Exists) -> str | None:
    """``https://doi.org/<doi>`` for a DOI or DOI URL the registry knows, else None."""
    found = doi_from_doi_string(text, exists=exists)
    return doi_mod.resolver_url(found) if found else None
