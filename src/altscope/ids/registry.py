"""The scheme table: parse, detect, normalize and resolver URLs for every scheme."""

from __future__ import annotations

from collections.abc import Callable

from altscope.ids import arxiv, doi, isbn, issn, misc, names, people, pubmed, registries
from altscope.ids._types import Identifier, IdentifierError

# parser(text, lenient) -> normal form or None. ``lenient`` (a scheme hint was given) also
# accepts spellings that are ambiguous on their own, such as a bare shortDOI code or PMC number.
Parser = Callable[[str, bool], "str | None"]

_PARSERS: dict[str, Parser] = {
    "doi": lambda s, lenient: doi.normalize_doi(s),
    "shortdoi": lambda s, lenient: doi.normalize_shortdoi(s, bare=lenient),
    "ark": lambda s, lenient: names.normalize_ark(s),
    "handle": lambda s, lenient: names.normalize_handle(s),
    "urn": lambda s, lenient: names.normalize_urn(s),
    "arxiv": lambda s, lenient: arxiv.normalize(s, any_archive=lenient),
    "pmcid": lambda s, lenient: pubmed.normalize_pmcid(s, bare=lenient),
    "isbn": lambda s, lenient: isbn.normalize(s),
    "issn": lambda s, lenient: issn.normalize(s),
    "orcid": lambda s, lenient: people.normalize_orcid(s),
    "ror": lambda s, lenient: people.normalize_ror(s),
    "pmid": lambda s, lenient: pubmed.normalize_pmid(s),
    "nct": lambda s, lenient: misc.normalize_nct(s),
    "pii": lambda s, lenient: misc.normalize_pii(s),
    "openalex": lambda s, lenient: registries.normalize_openalex(s),
    "wikidata": lambda s, lenient: registries.normalize_wikidata(s),
    "swh": lambda s, lenient: registries.normalize_swh(s),
    "ascl": lambda s, lenient: registries.normalize_ascl(s),
    "ean13": lambda s, lenient: registries.normalize_ean13(s),
    "url": lambda s, lenient: misc.normalize_url(s),
}

SCHEMES: tuple[str, ...] = (
    "doi", "shortdoi", "pmid", "pmcid", "arxiv", "isbn", "handle", "urn", "ark", "issn", "orcid",
    "nct", "pii", "ror", "openalex", "wikidata", "swh", "ascl", "ean13", "url",
)  # fmt: skip

# Detection priority: the first scheme a string satisfies is its primary scheme.
DETECT_ORDER: tuple[str, ...] = (
    "doi", "shortdoi", "ark", "handle", "urn", "arxiv", "pmcid", "isbn", "issn", "orcid", "ror",
    "pmid", "nct", "pii", "swh", "ascl", "openalex", "wikidata", "ean13", "url",
)  # fmt: skip

# Bare codes that parse() without a hint never takes on their own: a bare number as a PMID or
# EAN-13, a bare ``Q5`` / ``W123`` as Wikidata / OpenAlex (labels and URLs are taken).
_NEEDS_HINT: dict[str, Callable[[str], bool]] = {
    "pmid": lambda text: not pubmed.is_labelled_pmid(text),
    "ean13": lambda text: True,
    "wikidata": lambda text: registries.is_bare_code(text),
    "openalex": lambda text: registries.is_bare_code(text),
}

_RESOLVERS: dict[str, Callable[[str], str | None]] = {
    "doi": doi.resolver_url,
    "shortdoi": doi.resolver_url,
    "pmid": pubmed.pmid_url,
    "pmcid": pubmed.pmcid_url,
    "arxiv": arxiv.resolver_url,
    "isbn": lambda value: None,
    "handle": names.handle_url,
    "urn": names.urn_url,
    "ark": names.ark_url,
    "issn": lambda value: None,
    "orcid": lambda value: f"https://orcid.org/{value}",
    "nct": misc.nct_url,
    "pii": misc.pii_url,
    "ror": lambda value: f"https://ror.org/{value}",
    "openalex": registries.openalex_url,
    "wikidata": registries.wikidata_url,
    "swh": registries.swh_url,
    "ascl": registries.ascl_url,
    "ean13": lambda value: None,
    "url": lambda value: value,
}


def _check_scheme(scheme: str) -> None:
    if scheme not in _PARSERS:
        raise IdentifierError(f"unknown identifier scheme {scheme!r}; known: {', '.join(SCHEMES)}")


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise IdentifierError(f"an identifier must be a string, not {type(text).__name__}")
    return text


def detect(text: str) -> list[str]:
    """Every scheme the string satisfies on its own, in priority order (first = primary)."""
    _check_text(text)
    return [scheme for scheme in DETECT_ORDER if _PARSERS[scheme](text, False) is not None]


def parse(text: str, scheme: str | None = None) -> Identifier:
    """One identifier written any accepted way (bare, ``label:value``, resolver URL).

    Without ``scheme`` the primary detected scheme wins, except that a bare number is never
    taken for a PMID or EAN-13, nor a bare ``Q5`` / ``W123`` for Wikidata / OpenAlex (pass
    ``scheme=``). Raises IdentifierError when nothing fits."""
    _check_text(text)
    if scheme is not None:
        _check_scheme(scheme)
        value = _PARSERS[scheme](text, True)
        if value is None:
            raise IdentifierError(f"{text!r} is not a valid {scheme} identifier")
        return Identifier(scheme, value)
    for candidate in DETECT_ORDER:
        value = _PARSERS[candidate](text, False)
        if value is None:
            continue
        needs_hint = _NEEDS_HINT.get(candidate)
        if needs_hint is not None and needs_hint(text):
            continue
        return Identifier(candidate, value)
    # "<scheme>:<value>", as str(Identifier) prints it
    label, sep, rest = text.partition(":")
    if sep and label.lower() in _PARSERS:
        value = _PARSERS[label.lower()](rest, True)
        if value is not None:
            return Identifier(label.lower(), value)
    raise IdentifierError(f"{text!r} is not an identifier of any scheme altscope knows")


def normalize(scheme: str, text: str) -> str:
    """The normal form of ``text`` read as an identifier of ``scheme``; raises IdentifierError."""
    return parse(text, scheme).value


def is_valid(scheme: str, text: str) -> bool:
    """True when ``text`` is a valid identifier of ``scheme`` (unknown scheme: IdentifierError)."""
    _check_scheme(scheme)
    return _PARSERS[scheme](_check_text(text), True) is not None


def resolver_url(scheme: str, value: str) -> str | None:
    """The https URL that resolves a normalised identifier, or None when the scheme has none."""
    _check_scheme(scheme)
    return _RESOLVERS[scheme](value)
