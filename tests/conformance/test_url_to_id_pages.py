"""Conformance: the percolator kinds of url_to_id (HTML text, links, feeds, canonical links, URL
equality, resolved-URL clean-up and candidates of text, URL and HTML observations).

The identifier kinds of the same manifest are tested in test_url_to_id_ids.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from altscope.percolate.candidates import (
    candidates_from_html,
    candidates_from_text,
    candidates_from_url,
    extract_html,
)
from altscope.percolate.html import canonical_url, feed_links, html_links, html_to_text
from altscope.percolate.urls import clean_resolved_url, is_non_landing_page, url_equality
from support import conformance

FOLDER = conformance.folder("url_to_id")
MANIFEST = conformance.manifest("url_to_id")

# Cases where altscope deliberately answers differently: case id -> reason. Keep it short.
DISAGREEMENTS: dict[str, str] = {}


def cases(kind: str) -> list[Any]:
    """The manifest cases of one kind, as pytest params named by case id."""
    return conformance.params(MANIFEST, kind, f"url_to_id/{kind}", DISAGREEMENTS)


def landing_domains(case: dict[str, Any]) -> frozenset[str]:
    """The landing-page domains of the case's domain decision structure."""
    table = json.loads((FOLDER / case["context_file"]).read_text("utf-8"))
    return frozenset(table["domains"])


def pairs(candidates: list[Any]) -> list[tuple[str, str]]:
    return sorted((c.type, c.value.casefold()) for c in candidates)


def expected_pairs(case: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((c["type"], c["value"].casefold()) for c in case["expected"]["candidates"])


@pytest.mark.parametrize("case", cases("html_to_text"))
def test_html_to_text(case: dict[str, Any]) -> None:
    assert html_to_text(case["input"]) == case["expected"]["text"]


@pytest.mark.parametrize("case", cases("html_links"))
def test_html_links(case: dict[str, Any]) -> None:
    links = html_links(case["input"])
    assert len(links) == len(set(links))
    assert set(links) == set(case["expected"]["links"])


@pytest.mark.parametrize("case", cases("html_feed_links"))
def test_html_feed_links(case: dict[str, Any]) -> None:
    found = feed_links(case["input"]["html"], case["input"]["base_url"])
    got = {(link.rel, link.href) for link in found}
    assert len(got) == len(found)
    assert got == {(link["rel"], link["href"]) for link in case["expected"]["feed_links"]}


@pytest.mark.parametrize("case", cases("html_canonical_link"))
def test_html_canonical_link(case: dict[str, Any]) -> None:
    got = canonical_url(case["input"]["html"], case["input"]["base_url"])
    assert got == case["expected"]["canonical_url"]


@pytest.mark.parametrize("case", cases("url_equality"))
def test_url_equality(case: dict[str, Any]) -> None:
    a, b = case["input"]["a"], case["input"]["b"]
    got = url_equality(a, b)
    if "equality_one_of" in case["expected"]:
        assert got in case["expected"]["equality_one_of"]
    else:
        assert got == case["expected"]["equality"]
    assert url_equality(b, a) == got  # symmetric


@pytest.mark.parametrize("case", cases("resolved_url_cleanup"))
def test_resolved_url_cleanup(case: dict[str, Any]) -> None:
    expected = case["expected"]["canonical_url"]
    assert clean_resolved_url(case["input"]) == expected
    # A cookie wall or error page is recognised as such (the resolver reports it unresolved).
    assert is_non_landing_page(case["input"]) == (expected is None)


@pytest.mark.parametrize("case", cases("html_candidates"))
def test_html_candidates(case: dict[str, Any]) -> None:
    domains = landing_domains(case)
    assert pairs(candidates_from_html(case["input"], domains)) == expected_pairs(case)
    extracted = extract_html(case["input"], None, domains)
    assert pairs(extracted.candidates) == expected_pairs(case)
    assert extracted.canonical_url == case["expected"]["canonical_url"]


@pytest.mark.parametrize("case", cases("text_candidates"))
def test_text_candidates(case: dict[str, Any]) -> None:
    assert pairs(candidates_from_text(case["input"], landing_domains(case))) == expected_pairs(case)


@pytest.mark.parametrize("case", cases("url_candidates"))
def test_url_candidates(case: dict[str, Any]) -> None:
    assert pairs(candidates_from_url(case["input"], landing_domains(case))) == expected_pairs(case)
