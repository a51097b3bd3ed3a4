"""Candidates of text, URL and HTML observations."""

from __future__ import annotations

import pytest

from altscope.ids import Identifier
from altscope.percolate.candidates import (
    Candidate,
    candidates_from_html,
    candidates_from_text,
    candidates_from_url,
    extract_html,
    find_urls,
)

DOMAINS = frozenset({"www.publisher.example", "journals.example"})


def pairs(candidates: list[Candidate]) -> list[tuple[str, str]]:
    return [(c.type, c.value) for c in candidates]


def test_find_urls_trims_sentence_punctuation_but_keeps_balanced_brackets() -> None:
    text = (
        "see (https://en.wikipedia.org/wiki/Foo_(bar)), http://a.example/x. "
        'and "https://b.example/q?x=1", or <http://c.example/p>'
    )
    assert find_urls(text) == [
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "http://a.example/x",
        "https://b.example/q?x=1",
        "http://c.example/p",
    ]


def test_text_candidates_cover_every_identifier_scheme() -> None:
    text = "Read doi:10.1234/ABC.5 (PMID: 12345678) and arXiv:2101.00001, PII S0169534701023801."
    found = candidates_from_text(text)
    assert pairs(found) == [
        ("plain-doi", "10.1234/abc.5"),
        ("pmid", "12345678"),
        ("arxiv", "arXiv:2101.00001"),
        ("pii", "S0169534701023801"),
    ]
    assert found[0].identifier == Identifier("doi", "10.1234/abc.5")


def test_doi_in_a_resolver_url_is_one_doi_url_candidate() -> None:
    found = candidates_from_text("via https://doi.org/10.1234/abc.5.")
    assert pairs(found) == [("doi-url", "https://doi.org/10.1234/abc.5")]
    assert found[0].identifier == Identifier("doi", "10.1234/abc.5")


def test_doi_in_a_publisher_url_is_a_plain_doi_and_a_landing_page() -> None:
    url = "https://journals.example/doi/full/10.1234/abc.5"
    assert pairs(candidates_from_text(f"new paper {url} !", DOMAINS)) == [
        ("plain-doi", "10.1234/abc.5"),
        ("landing-page-url", url),
    ]
    assert pairs(candidates_from_url(url, DOMAINS)) == [
        ("plain-doi", "10.1234/abc.5"),
        ("landing-page-url", url),
    ]


def test_landing_page_hosts_match_case_insensitively_and_exactly() -> None:
    assert pairs(candidates_from_url("http://WWW.Publisher.Example/a", DOMAINS)) == [
        ("landing-page-url", "http://WWW.Publisher.Example/a")
    ]
    assert candidates_from_url("http://evil-www.publisher.example/a", DOMAINS) == []
    assert candidates_from_url("http://www.publisher.example.evil/a", DOMAINS) == []


def test_resolver_urls_that_are_not_identifiers_are_not_candidates() -> None:
    assert candidates_from_url("https://doi.org/") == []
    assert candidates_from_url("https://doi.org/help") == []
    assert pairs(candidates_from_url("https://dx.doi.org/10.1234%2Fabc")) == [
        ("doi-url", "https://dx.doi.org/10.1234%2Fabc")
    ]


def test_non_urls_give_no_url_candidates() -> None:
    assert candidates_from_url(None) == []
    assert candidates_from_url("") == []
    assert candidates_from_url("javascript:alert('10.1234/abc')") == []
    assert candidates_from_text(None) == []


def test_html_candidates_come_from_text_and_links_once_each() -> None:
    html = """
        <p>We cite <a href="https://doi.org/10.1234/abc">https://doi.org/10.1234/abc</a>
        and <a href="https://doi.org/10.1234/abc">again</a>,
        <a href="/doi/10.5678/xyz">a relative link</a> and
        <a href="https://other.example/page">an unknown page</a>.</p>
        <script>document.write('<a href="https://doi.org/10.9999/injected">x</a>')</script>
    """
    found = candidates_from_html(html, DOMAINS, "https://journals.example/news/1")
    assert pairs(found) == [
        ("doi-url", "https://doi.org/10.1234/abc"),
        ("plain-doi", "10.5678/xyz"),
        ("landing-page-url", "https://journals.example/doi/10.5678/xyz"),
    ]


def test_extract_html_accepts_bytes_and_reports_the_canonical_url() -> None:
    html = (
        '<html><head><meta charset="windows-1252"><link rel="canonical" href="/a/1"></head>'
        "<body><p>Caf\xe9 study doi:10.1234/abc</p></body></html>"
    ).encode("cp1252")
    result = extract_html(html, "https://journals.example/a/1?utm_source=x", DOMAINS)
    assert pairs(result.candidates) == [("plain-doi", "10.1234/abc")]
    assert result.canonical_url == "https://journals.example/a/1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x 10.5555/1 y", [("plain-doi", "10.5555/1")]),
        ("doi:10.5555/1", [("plain-doi", "10.5555/1")]),
        ("http://dx.doi.org/10.5555/1", [("doi-url", "http://dx.doi.org/10.5555/1")]),
        ("https://doi.org/abcd", [("shortdoi-url", "https://doi.org/abcd")]),
        ("https://a.example/x https://b.example/y", [("landing-page-url", "https://a.example/x")]),
        (None, []),
    ],
)
def test_candidate_types_in_text(text: str | None, expected: list[tuple[str, str]]) -> None:
    assert [(c.type, c.value) for c in candidates_from_text(text, {"a.example"})] == expected
