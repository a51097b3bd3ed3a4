"""Conformance: shared/conformance/url_to_id, the identifier kinds (DOI strings, URLs and text to
DOIs, matchers, trimming, Lagotto's identifier classification, percolator candidates).

Network answers are stubbed exactly as each case records them: ``registered_dois`` becomes the
``exists`` callable (case-insensitive, as DOIs are), ``shortdoi_aliases`` the shortDOI lookup,
``mock`` the Crossref PII search. Disagreements are strict xfails from the table below.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pytest

from altscope.ids import Identifier, find_identifiers, parse
from altscope.ids.doi import drop_right_char
from altscope.ids.lookup import doi_from_doi_string, doi_from_text, doi_match, pii_to_doi
from support import conformance

FOLDER = conformance.folder("url_to_id")
CASES = conformance.manifest("url_to_id")
DOMAINS = json.loads((FOLDER / "percolator_domain_decision_structure.json").read_text("utf-8"))

DISAGREEMENTS = {
    "reverse-embedded-pii": (
        "needs a Crossref lookup of the PII whose answer this case does not record (no `mock`); "
        "offline, altscope finds the PII but cannot turn it into a DOI"
    ),
    "lagotto-id-12-wos": "Web of Science accession numbers are proprietary; not an altscope scheme",
    "lagotto-id-13-scp": "Scopus ids are proprietary; not an altscope scheme",
}


def _cases(kind: str) -> list[object]:
    return conformance.params(CASES, kind, f"url_to_id/{kind}", DISAGREEMENTS)


# --- stubs for the network lookups, built from the case --------------------------------------


class Calls:
    """Counts calls to the stubbed lookups."""

    def __init__(self) -> None:
        self.count = 0


def _exists(case: dict, calls: Calls | None = None) -> Callable[[str], bool] | None:
    if "registered_dois" not in case:
        return None
    known = {doi.lower() for doi in case["registered_dois"]}

    def exists(doi: str) -> bool:
        if calls:
            calls.count += 1
        return doi.lower() in known

    return exists


def _shortdoi(case: dict) -> Callable[[str], str | None] | None:
    aliases = case.get("shortdoi_aliases")
    return None if aliases is None else aliases.get


def _pii_search(case: dict, calls: Calls | None = None) -> Callable[[str], Iterable[str]] | None:
    mock = case.get("mock")
    if mock is None:
        return None

    def search(pii: str) -> Iterable[str]:
        if calls:
            calls.count += 1
        if mock.get("crossref_works_raises"):
            raise ConnectionError("stubbed network failure")
        if "crossref_works_raw_body" in mock:
            body = json.loads(mock["crossref_works_raw_body"])  # raises on a broken body
            return [item["DOI"] for item in body["message"]["items"]]
        return mock["crossref_works_alternative_id_items"]

    return search


def _same_doi(actual: str | None, expected: str | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return actual.casefold() == expected.casefold()


# --- tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _cases("doi_string_to_doi"))
def test_doi_string_to_doi(case: dict) -> None:
    found = doi_from_doi_string(case["input"], exists=_exists(case), shortdoi=_shortdoi(case))
    assert _same_doi(found, case["expected"]["doi"])


@pytest.mark.parametrize("case", _cases("string_to_doi"))
def test_string_to_doi(case: dict) -> None:
    expected = case["expected"]
    if expected["doi"] == "unverified-offline":
        shortdois = [f.identifier for f in find_identifiers(case["input"])]
        assert shortdois == [Identifier("shortdoi", expected["shortdoi"])]
        return
    found = doi_from_text(
        case["input"],
        exists=_exists(case),
        shortdoi=_shortdoi(case),
        pii_search=_pii_search(case),
    )
    assert _same_doi(found, expected["doi"])


@pytest.mark.parametrize("case", _cases("url_to_doi"))
def test_url_to_doi(case: dict) -> None:
    """The DOI only: method/verification grading is the percolator's."""
    found = doi_from_text(case["input"], exists=_exists(case), pii_search=_pii_search(case))
    assert _same_doi(found, case["expected"]["doi"])
    if "doi_when_not_registered" in case["expected"]:
        unregistered = doi_from_text(case["input"], exists=lambda doi: False)
        assert unregistered == case["expected"]["doi_when_not_registered"]


@pytest.mark.parametrize("case", _cases("url_to_doi_needs_page"))
def test_url_to_doi_needs_page(case: dict) -> None:
    assert doi_from_text(case["input"]) == case["doi_from_url_alone"]
    assert [f for f in find_identifiers(case["input"]) if f.identifier.scheme == "doi"] == []


@pytest.mark.parametrize("case", _cases("plain_doi_match") + _cases("doi_url_match"))
def test_doi_match(case: dict) -> None:
    exists = _exists(case)
    assert exists is not None
    assert doi_match(case["input"], exists) == case["expected"]["match"]


@pytest.mark.parametrize("case", _cases("shortdoi_url_match"))
def test_shortdoi_url_match(case: dict) -> None:
    found = doi_from_text(case["input"], shortdoi=_shortdoi(case) or (lambda code: None))
    match = f"https://doi.org/{found}" if found else None
    assert match == case["expected"]["match"]


@pytest.mark.parametrize("case", _cases("pii_match"))
def test_pii_match(case: dict) -> None:
    calls = Calls()
    search = _pii_search(case, calls) or (lambda pii: [])
    found = pii_to_doi(case["input"], search, _exists(case, calls) or (lambda doi: True))
    match = f"https://doi.org/{found}" if found else None
    assert match == case["expected"]["match"]
    if "network_calls" in case["expected"]:
        assert calls.count == case["expected"]["network_calls"]


@pytest.mark.parametrize("case", _cases("drop_right_char"))
def test_drop_right_char(case: dict) -> None:
    text = case["input"] + "".join(
        chr(int(u, 16)) for u in case.get("input_suffix_utf16_code_units", [])
    )
    assert drop_right_char(text) == case["expected"]["result"]


_LAGOTTO_SCHEMES = {"canonical_url": "url"}


@pytest.mark.parametrize("case", _cases("identifier_from_string"))
def test_identifier_from_string(case: dict) -> None:
    """Lagotto's (scheme, value) read as an altscope identifier must equal parse(input)."""
    expected = case["expected"]
    scheme = _LAGOTTO_SCHEMES.get(expected["scheme"], expected["scheme"])
    value = expected["doi"] if scheme == "doi" else expected["value"]
    assert parse(case["input"]) == parse(value, scheme)
    if scheme == "doi":
        assert parse(case["input"]).value == expected["doi"].lower()
