"""Conformance: saved landing pages -> the DOI and canonical URL they declare
(../shared/conformance/landing_pages, see its README.md)."""

from __future__ import annotations

from typing import Any

import pytest

from altscope.ids import find_identifiers
from altscope.percolate.landing import LandingMeta, extract_landing
from support import conformance

FOLDER = conformance.folder("landing_pages")
MANIFEST = conformance.manifest("landing_pages")

# Cases where altscope deliberately answers differently: case id -> reason. None so far.
DISAGREEMENTS: dict[str, str] = {}


def cases(kind: str) -> list[Any]:
    return conformance.params(MANIFEST, kind, f"landing_pages/{kind}", DISAGREEMENTS)


def extract(case: dict[str, Any]) -> LandingMeta:
    page = (FOLDER / case["input_file"]).read_bytes()
    given = case["input"]
    return extract_landing(page, given["page_url"], status=given.get("http_status"))


def all_values(meta: LandingMeta) -> set[str]:
    return {found.identifier.value.casefold() for found in meta.identifiers}


def tag_name(description: str) -> str:
    """'dc.Identifier (scheme="doi")' -> 'dc.identifier'."""
    return description.split(" ", 1)[0].casefold()


def assert_declares(meta: LandingMeta, expected: dict[str, Any]) -> None:
    declared = meta.declared_doi
    assert declared is not None
    assert declared.identifier.value == expected["doi"].casefold()
    sources = {source.casefold() for source in declared.sources}
    for description in expected.get("meta_tags_with_doi", []):
        assert tag_name(description) in sources, description
    leaked = all_values(meta) & {doi.casefold() for doi in expected.get("must_not_return", [])}
    assert not leaked


@pytest.mark.parametrize("case", cases("landing_page_doi"))
def test_landing_page_doi(case: dict[str, Any]) -> None:
    meta = extract(case)
    expected = case["expected"]
    assert_declares(meta, expected)
    if expected.get("doi_prefix_is_example_prefix"):
        # altscope's policy refuses Crossref's example prefix: extracted, flagged, no match.
        assert meta.declared_doi is not None and meta.declared_doi.example_prefix
        assert meta.doi is None
        assert expected["doi_if_example_prefix_rejected"] is None
    else:
        assert meta.doi is not None and meta.doi.value == expected["doi"].casefold()
        assert not meta.declared_doi.example_prefix  # type: ignore[union-attr]
    also = expected.get("also_in_page", {})
    if "citation_pmid" in also:
        pmid = meta.declared("pmid")
        assert pmid is not None and pmid.identifier.value == also["citation_pmid"]
    for key in ("canonical_url", "og:url"):
        if key in also:
            assert meta.canonical_url == also[key]
    if "canonical_url_raw" in also:  # protocol-relative: resolved against the page URL
        scheme = case["input"]["page_url"].split(":", 1)[0]
        assert meta.canonical_url == f"{scheme}:{also['canonical_url_raw']}"
    if "DC.Identifier" in also:  # the OJS article number is not an identifier
        assert also["DC.Identifier"] not in all_values(meta)
        assert any(also["DC.Identifier"] in note for note in meta.notes)
    assert meta.error is None


@pytest.mark.parametrize("case", cases("landing_page_doi_and_canonical"))
def test_landing_page_doi_and_canonical(case: dict[str, Any]) -> None:
    meta = extract(case)
    expected = case["expected"]
    assert_declares(meta, expected)
    assert meta.doi is not None and meta.doi.value == expected["doi"].casefold()
    assert meta.canonical_url == expected["canonical_url"]
    assert meta.canonical_source == "link rel=canonical"
    assert meta.canonical_matches_page_url is expected["canonical_matches_page_url"]
    assert meta.title == expected["title"]
    assert meta.citation_references == expected["citation_reference_meta_tags"]
    assert "og:url" in meta.tags["open_graph"]


@pytest.mark.parametrize("case", cases("landing_page_canonical"))
def test_landing_page_canonical(case: dict[str, Any]) -> None:
    meta = extract(case)
    expected = case["expected"]
    assert meta.canonical_url == expected["canonical_url"]
    assert meta.canonical_matches_page_url is expected["canonical_matches_page_url"]
    assert meta.canonical_source == expected.get("canonical_source", "link rel=canonical")
    # No DOI meta tag: nothing is declared, the DOI inside the canonical URL is only a URL hit.
    assert meta.declared_doi is None and meta.doi is None
    assert expected["doi_from_meta_tags"] is None
    if "doi_from_page_url" in expected:
        from_url = [hit.identifier.value for hit in find_identifiers(case["input"]["page_url"])]
        assert from_url == [expected["doi_from_page_url"]]
        assert [found.identifier.value for found in meta.with_strength("url")] == from_url
    if "og_title" in expected:
        assert meta.title == expected["og_title"]


@pytest.mark.parametrize("case", cases("landing_page_error"))
def test_landing_page_error(case: dict[str, Any]) -> None:
    meta = extract(case)
    expected = case["expected"]
    assert expected["is_error_page"] and meta.error is not None
    assert meta.doi is None and expected["doi"] is None
    assert meta.identifiers == ()
    # The page's text does name a DOI; it must not surface, not even as a body candidate.
    assert expected["text_mentions_doi"] not in all_values(meta)
    # Without the status, the page is still recognised as the resolver's error page.
    page = (FOLDER / case["input_file"]).read_bytes()
    unstated = extract_landing(page, case["input"]["page_url"])
    assert unstated.error is not None and unstated.identifiers == ()
