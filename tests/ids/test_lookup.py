"""Registry trimming, PII lookup, DOI-from-text, and wikitext (pure functions)."""

from __future__ import annotations

from altscope.ids import Identifier
from altscope.ids.doi import registry_candidates, trim_to_registered
from altscope.ids.lookup import doi_from_doi_string, doi_from_text, pii_to_doi
from altscope.ids.wikitext import identifiers_in_wikitext


def registry(*dois: str):
    known = {d.lower() for d in dois}
    asked: list[str] = []

    def exists(doi: str) -> bool:
        asked.append(doi)
        return doi.lower() in known

    exists.asked = asked  # type: ignore[attr-defined]
    return exists


def test_trim_to_registered_drops_path_segments() -> None:
    exists = registry("10.5555/abc")
    assert trim_to_registered("10.5555/abc/Some_Title/x", exists) == "10.5555/abc"
    assert exists.asked[0] == "10.5555/abc/some_title/x"  # type: ignore[attr-defined]
    assert trim_to_registered("10.5555/abc", registry()) is None
    assert trim_to_registered("not a doi", registry("10.5555/abc")) is None


def test_registry_candidates_are_bounded() -> None:
    options = registry_candidates("10.1/a/b/c/d/e")
    assert options[:3] == ["10.1/a/b/c/d/e", "10.1/a/b/c/d", "10.1/a/b/c"]
    assert len(options) <= 10
    assert all(o.startswith("10.1/") and len(o) > 5 for o in options)


def test_pii_to_doi_needs_exactly_one_registered_work() -> None:
    pii = "S0169-5347(01)02380-1"
    assert pii_to_doi(pii, lambda p: ["10.1016/X"]) == "10.1016/x"
    assert pii_to_doi(pii, lambda p: ["10.1/a", "10.1/b"]) is None
    assert pii_to_doi(pii, lambda p: ["10.1/a"], registry()) is None

    def broken(p: str) -> list[str]:
        raise TimeoutError

    assert pii_to_doi(pii, broken) is None
    calls: list[str] = []
    assert pii_to_doi("", lambda p: calls.append(p) or []) is None
    assert pii_to_doi("not-a-pii", lambda p: calls.append(p) or []) is None
    assert calls == []


def test_doi_from_text_prefers_first_and_verifies() -> None:
    text = "see doi.org/hvx and 10.5555/12345678/slug-of-title"
    assert doi_from_text(text) == "10.5555/12345678"
    assert doi_from_text(text, shortdoi={"10/hvx": "10.1/short"}.get) == "10.1/short"
    assert doi_from_text(text, exists=registry()) is None
    assert doi_from_doi_string("hvx", shortdoi={"10/hvx": "10.1/S"}.get) == "10.1/s"
    assert doi_from_doi_string("hvx") is None


def test_wikitext_parameters_and_bare_identifiers() -> None:
    text = (
        "{{cite journal |doi=10.1000/XYZ |pmid = 123 |pmc=pmc45 |arxiv=hep-th/9901001v2 "
        "|isbn=0-306-40615-2 |issn=0317-8471}} see also doi:10.1000/other and PMID 999."
    )
    assert identifiers_in_wikitext(text) == [
        Identifier("doi", "10.1000/xyz"),
        Identifier("pmid", "123"),
        Identifier("pmcid", "PMC45"),
        Identifier("arxiv", "arXiv:hep-th/9901001"),
        Identifier("isbn", "9780306406157"),
        Identifier("issn", "0317-8471"),
        Identifier("doi", "10.1000/other"),
        Identifier("pmid", "999"),
    ]
    assert identifiers_in_wikitext(text, frozenset({"pmid"})) == [
        Identifier("pmid", "123"),
        Identifier("pmid", "999"),
    ]
