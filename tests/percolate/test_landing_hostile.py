"""Hostile landing pages: no crash, bounded time, still the right answer where there is one."""

from __future__ import annotations

import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from altscope.ids import Identifier
from altscope.percolate.landing import MAX_BODY_DOIS, extract_landing

DOI = Identifier("doi", "10.1234/abc.42")
HEAD = f'<head><title>T</title><meta name="citation_doi" content="{DOI.value}"></head>'
LIMIT_SECONDS = 10.0  # generous: shared CI machines; typical runs take well under a second


def timed(html: str | bytes, **options: object):
    start = time.perf_counter()
    result = extract_landing(html, "https://journal.example.org/a", **options)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT_SECONDS, f"took {elapsed:.1f} s"
    return result


def test_five_megabyte_page() -> None:
    paragraph = "<p>" + "word " * 200 + "doi:10.9999/cited.1 </p>\n"
    body = paragraph * (5_000_000 // len(paragraph))
    result = timed(f"<html>{HEAD}<body>{body}</body></html>")
    assert result.doi == DOI
    # the same page without a declaration: the body is read, candidates are capped
    unlabelled = timed(f"<html><head></head><body>{body}</body></html>")
    assert unlabelled.doi is None
    assert [found.identifier.value for found in unlabelled.body_dois] == ["10.9999/cited.1"]


def test_deep_nesting() -> None:
    nested = "<div>" * 200_000 + "doi:10.9999/deep" + "</div>" * 200_000
    result = timed(f"<html>{HEAD}<body>{nested}</body></html>", scan_body=True)
    assert result.doi == DOI
    unlabelled = timed("<html><head></head><body>" + nested)  # unclosed, no head at all
    assert unlabelled.doi is None


def test_deep_nesting_inside_the_head() -> None:
    nested = "<span>" * 100_000
    result = timed(f'<html><head>{nested}<meta name="citation_doi" content="{DOI.value}">')
    assert result.doi == DOI


def test_broken_markup() -> None:
    pages = [
        f'<html><head><meta name="citation_doi" content="{DOI.value}"<meta name=x',
        f"<meta name='citation_doi' content={DOI.value}><<<<>>>><p<p<p</x></y><!--",
        f'<head><meta name="citation_doi" content="{DOI.value}"><script>never closed',
        '<html><head><meta name="citation_doi" content="10.1234/abc.42">'
        '<body><span class="Z3988" title="unterminated',
        "<title>" + "x" * 100_000,
        '<html><head><script type="application/ld+json">{"@type": "Article", "identifier":',
    ]
    for html in pages:
        result = timed(html)
        assert result.error is None
    assert timed(pages[1]).doi == DOI
    assert timed(pages[2]).doi == DOI


def test_invalid_utf8_and_lying_charset() -> None:
    head = f'<head><meta charset="utf-8"><meta name="citation_doi" content="{DOI.value}">'
    title = '<meta name="citation_title" content="caf\xe9 \xff\xfe">'.encode("latin-1")
    page = head.encode() + title + b"\x80\x81\xc3\x28 broken </head><body>\xed\xa0\x80</body>"
    result = timed(page)
    assert result.doi == DOI
    assert result.title is not None and "\ufffd" in result.title
    assert timed(page, encoding="x-no-such-charset").doi == DOI
    assert timed(page, encoding="utf-16").doi == DOI  # a UTF-16 label on ASCII markup


def test_huge_jsonld_blob() -> None:
    data = {
        "@type": "ScholarlyArticle",
        "identifier": DOI.value,
        "citation": [
            {"@type": "ScholarlyArticle", "identifier": f"10.9999/{n}"} for n in range(100_000)
        ],
    }
    blob = json.dumps(data)
    assert len(blob) > 5_000_000
    script = f'<script type="application/ld+json">{blob}</script>'
    result = timed(f"<html><head></head><body>{script}</body></html>")
    assert [found.identifier for found in result.identifiers] == []  # too large: skipped
    assert any("too large" in note for note in result.notes)
    smaller = json.dumps(data | {"citation": data["citation"][:20_000]})
    result = timed(f'<html><head><script type="application/ld+json">{smaller}</script></head>')
    assert [found.identifier for found in result.identifiers] == [DOI]


def test_deeply_nested_jsonld() -> None:
    nested = '{"@type": "WebPage", "mainEntity": ' * 5_000 + "{}" + "}" * 5_000
    deep_array = "[" * 100_000 + "]" * 100_000
    for blob in (nested, deep_array):
        result = timed(f'<head><script type="application/ld+json">{blob}</script></head>')
        assert result.identifiers == ()


def test_thousands_of_meta_tags() -> None:
    tags = "".join(
        f'<meta name="citation_reference" content="citation_doi=10.9999/{n}">'
        f'<meta name="x-custom-{n}" content="10.9999/custom.{n}">'
        f'<meta name="citation_author" content="Author {n}">'
        for n in range(20_000)
    )
    result = timed(f"<html><head>{tags}{HEAD[6:]}<body></body></html>")
    assert result.doi == DOI
    assert result.citation_references == 20_000
    assert [found.identifier for found in result.identifiers] == [DOI]
    assert len(result.authors) <= 500


def test_many_markers_in_the_body() -> None:
    body = 'ld+json Z3988 <span class="Z3988" title="' * 50_000
    result = timed(f"<html>{HEAD}<body>{body}</body></html>")
    assert result.doi == DOI
    body_dois = "".join(f"doi:10.9999/x.{n} " for n in range(5_000))
    result = timed(f"<html><head></head><body><p>{body_dois}</p></body></html>")
    assert len(result.body_dois) == MAX_BODY_DOIS


def test_attribute_flood() -> None:
    attributes = " ".join(f"a{n}=v" for n in range(50_000))
    html = f'<html><head><meta {attributes} name="citation_doi" content="{DOI.value}"></head>'
    timed(html)
    timed(f'<html><head></head><body><span class="Z3988" {attributes}></span></body>')


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    extract_landing(data, "https://journal.example.org/a", scan_body=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<html>",
                "<head>",
                "</head>",
                "<body>",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                '<meta name="citation_doi" content="',
                '<meta name="DC.identifier" content="',
                '<script type="application/ld+json">',
                '<span class="Z3988" title="',
                '"',
                ">",
                "10.1234/abc.42",
                "doi:",
                "rft_id=info%3Adoi%2F10.9%2Fx",
                '{"@type":"Article",',
                '"identifier":',
                "}",
                "<title>",
                "</title>",
                "404",
                "<a href=",
                "x",
            ]
        ),
        max_size=40,
    )
)
def test_arbitrary_markup_soup_never_crashes(parts: list[str]) -> None:
    result = extract_landing("".join(parts), None, scan_body=True)
    for found in result.identifiers:
        assert found.identifier.scheme in {
            "doi",
            "pmid",
            "pmcid",
            "arxiv",
            "isbn",
            "handle",
            "urn",
            "ark",
        }
