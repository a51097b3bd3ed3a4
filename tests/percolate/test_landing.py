"""Landing-page metadata: every tag family, identifier spelling and known trap."""

from __future__ import annotations

import json
from datetime import date

import pytest

from altscope.ids import Identifier
from altscope.percolate.landing import BODY, META, URL, extract_landing, is_example_doi

PAGE_URL = "https://journal.example.org/article/42"
DOI = Identifier("doi", "10.1234/abc.42")


def page(head: str = "", body: str = "") -> str:
    head = f"<head><title>An article</title>{head}</head>"
    return f"<!DOCTYPE html><html>{head}<body>{body}</body></html>"


def meta(name: str, content: str, **attributes: str) -> str:
    extra = "".join(f' {key}="{value}"' for key, value in attributes.items())
    return f'<meta name="{name}" content="{content}"{extra}>'


def sources_of(result, identifier: Identifier) -> tuple[str, ...]:
    return next(found.sources for found in result.identifiers if found.identifier == identifier)


# --- identifier tags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        meta("citation_doi", "10.1234/ABC.42"),
        meta("citation_doi", "doi:10.1234/abc.42"),
        meta("citation_doi", "https://doi.org/10.1234/abc.42"),
        meta("bepress_citation_doi", "10.1234/abc.42"),
        meta("prism.doi", "10.1234/abc.42"),
        meta("DC.Identifier.DOI", "10.1234/abc.42"),
        meta("DC.identifier", "doi:10.1234/abc.42"),
        meta("dc.Identifier", "10.1234/abc.42", scheme="doi"),
        meta("DC.Identifier", "info:doi/10.1234/abc.42"),
        meta("dc.identifier", "https://dx.doi.org/10.1234/abc.42"),
        meta("dcterms.identifier", "urn:doi:10.1234/abc.42"),
        meta("DC.Identifier", "https://doi.org/10.1234/abc.42", scheme="DCTERMS.URI"),
        meta("DOI", "10.1234/abc.42"),
        meta("eprints.id_number", "doi:10.1234/abc.42"),
        meta("eprints.official_url", "https://doi.org/10.1234/abc.42"),
        meta("og:url", "https://doi.org/10.1234/abc.42"),
        '<meta property="og:url" content="https://doi.org/10.1234/abc.42">',
        '<link rel="cite-as" href="https://doi.org/10.1234/abc.42">',
    ],
)
def test_every_spelling_declares_the_doi(tag: str) -> None:
    result = extract_landing(page(tag), PAGE_URL)
    assert result.doi == DOI
    assert result.declared_doi is not None and result.declared_doi.strength == META


def test_other_identifier_tags() -> None:
    head = (
        meta("citation_pmid", "24385230")
        + meta("citation_arxiv_id", "2101.00001v2")
        + meta("citation_isbn", "0-9752298-0-X")
        + meta("dc.identifier", "978-0-9752298-0-4", scheme="ISBN")
    )
    result = extract_landing(page(head), PAGE_URL)
    assert result.declared("pmid").identifier == Identifier("pmid", "24385230")
    assert result.declared("arxiv").identifier == Identifier("arxiv", "arXiv:2101.00001v2")
    isbn = result.declared("isbn")
    assert isbn.identifier == Identifier("isbn", "9780975229804")
    assert isbn.sources == ("citation_isbn", "dc.identifier")
    assert result.doi is None


def test_sources_are_listed_strongest_first_with_their_spelling() -> None:
    head = (
        meta("prism.url", "https://journal.example.org/articles/10.1234/abc.42")
        + meta("DC.Identifier", "10.1234/abc.42")
        + meta("citation_doi", "10.1234/abc.42")
    )
    result = extract_landing(page(head), PAGE_URL)
    assert sources_of(result, DOI) == ("citation_doi", "DC.Identifier", "prism.url")


def test_a_doi_only_inside_a_page_url_is_not_declared() -> None:
    head = meta("prism.url", "https://journal.example.org/articles/10.1234/abc.42?site=x")
    head += meta("citation_pdf_url", "https://journal.example.org/pdf/10.1234/abc.42.pdf")
    result = extract_landing(page(head), PAGE_URL)
    assert result.doi is None and result.declared_doi is None
    (found,) = result.with_strength(URL)
    assert found.identifier == DOI  # the ?site= and .pdf tails never leak into the DOI
    assert found.sources == ("prism.url", "citation_pdf_url")


def test_ojs_dc_identifier_that_is_not_a_doi() -> None:
    head = (
        meta("DC.Identifier", "18594")
        + meta("DC.Identifier.URI", "https://journal.example.org/index.php/j/article/view/18594")
        + meta("DC.Identifier.DOI", "10.1234/abc.42")
    )
    result = extract_landing(page(head), PAGE_URL)
    assert result.doi == DOI
    assert [found.identifier for found in result.identifiers] == [DOI]
    assert any("18594" in note for note in result.notes)


def test_publisher_id_scheme_is_quietly_ignored() -> None:
    head = meta("dc.Identifier", "mnsc.2016.2427", scheme="publisher-id")
    head += meta("dc.Identifier", "10.1234/abc.42", scheme="doi")
    head += meta("dc.identifier", "1234-5679", scheme="ISSN")
    result = extract_landing(page(head), PAGE_URL)
    assert [found.identifier for found in result.identifiers] == [DOI]
    assert result.notes == ()


# --- traps -----------------------------------------------------------------------------------


def test_citation_reference_dois_are_never_returned() -> None:
    references = "".join(
        meta("citation_reference", f"citation_title=Other {n}; citation_doi=10.9999/ref.{n}")
        for n in range(40)
    )
    result = extract_landing(page(meta("citation_doi", DOI.value) + references), PAGE_URL)
    assert [found.identifier for found in result.identifiers] == [DOI]
    assert result.citation_references == 40
    # ... not even when the page declares nothing else
    bare = extract_landing(page(references), PAGE_URL, scan_body=True)
    assert bare.identifiers == ()


def test_body_dois_are_unverified_candidates_only() -> None:
    body = (
        f"<p>Cite as https://doi.org/{DOI.value}</p>"
        "<ol><li>Other work. doi:10.9999/ref.1</li>"
        '<li><a href="https://doi.org/10.9999/ref.2">full text</a></li></ol>'
    )
    result = extract_landing(page(body=body), PAGE_URL)
    assert result.doi is None and result.declared_doi is None
    assert result.body_scanned
    assert [(f.identifier.value, f.strength, f.sources) for f in result.identifiers] == [
        (DOI.value, BODY, ("body text",)),
        ("10.9999/ref.1", BODY, ("body text",)),
        ("10.9999/ref.2", BODY, ("body link",)),
    ]


def test_body_is_not_read_when_a_doi_is_declared_unless_asked() -> None:
    html = page(meta("citation_doi", DOI.value), "<p>see doi:10.9999/other</p>")
    assert extract_landing(html, PAGE_URL).body_dois == ()
    assert not extract_landing(html, PAGE_URL).body_scanned
    asked = extract_landing(html, PAGE_URL, scan_body=True)
    assert [f.identifier.value for f in asked.body_dois] == ["10.9999/other"]
    assert asked.doi == DOI
    assert (
        extract_landing(page(body="<p>doi:10.9999/x</p>"), PAGE_URL, scan_body=False).identifiers
        == ()
    )


def test_dois_in_scripts_comments_styles_and_unknown_meta_are_never_seen() -> None:
    head = (
        '<meta name="pbContext" content=";issue:issue:10.1287/mnsc.ahead-of-print">'
        "<script>var doi = '10.9999/script.1'; document.write('<body>')</script>"
        "<!-- 10.9999/comment.1 -->"
    )
    body = (
        "<script>track('10.9999/script.2')</script><!-- <p>doi:10.9999/comment.2</p> -->"
        "<style>.x::after{content:'10.9999/style.1'}</style><p>Nothing here.</p>"
    )
    result = extract_landing(page(head, body), PAGE_URL, scan_body=True)
    assert result.identifiers == ()


def test_example_prefix_is_extracted_flagged_and_refused() -> None:
    result = extract_landing(page(meta("DC.identifier", "doi:10.5555/m9.figshare.1.v1")), PAGE_URL)
    declared = result.declared_doi
    assert declared is not None and declared.example_prefix
    assert declared.identifier == Identifier("doi", "10.5555/m9.figshare.1.v1")
    assert result.doi is None
    assert is_example_doi(Identifier("doi", "10.5072/test"))
    assert not is_example_doi(DOI)


def test_conflicting_declarations() -> None:
    same_rank = page(meta("citation_doi", DOI.value) + meta("citation_doi", "10.9999/other"))
    result = extract_landing(same_rank, PAGE_URL)
    assert result.ambiguous_doi and result.doi is None
    ranked = meta("citation_doi", DOI.value) + meta("dc.identifier", "10.9999/dataset")
    result = extract_landing(page(ranked + meta("citation_pmid", "123456")), PAGE_URL)
    assert result.doi == DOI and not result.ambiguous_doi
    assert result.conflicting_dois == (Identifier("doi", "10.9999/dataset"),)
    assert result.to_output_metadata().identifiers == ["doi:10.1234/abc.42", "pmid:123456"]
    example = extract_landing(page(meta("citation_doi", "10.5555/x.1")), PAGE_URL)
    assert example.to_output_metadata().identifiers == []


# --- error pages ------------------------------------------------------------------------------


def test_http_error_status_yields_nothing() -> None:
    html = page(meta("citation_doi", DOI.value), f"<p>{DOI.value}</p>")
    result = extract_landing(html, PAGE_URL, status=404)
    assert result.identifiers == () and result.doi is None
    assert result.error == "HTTP status 404"
    assert extract_landing(html, PAGE_URL, status=200).doi == DOI


def test_doi_resolver_error_page_without_status() -> None:
    head = "<head><title>Error: DOI Not Found</title></head>"
    html = f"<html>{head}<body><h3>10.2307/683422</h3></body></html>"
    result = extract_landing(html, "https://journal.example.org/x")
    assert result.error is not None and result.identifiers == ()
    at_resolver = extract_landing(
        page(body="<p>10.2307/683422</p>"), "https://doi.org/10.2307/683422"
    )
    assert at_resolver.error is not None and at_resolver.identifiers == ()


def test_soft_404_title_only_matters_without_declared_identifiers() -> None:
    body = "<p>doi:10.9999/x</p>"
    soft = "<html><head><title>404 - Page not found | Journal</title></head><body>" + body
    assert extract_landing(soft, PAGE_URL).error is not None
    titled = "<html><head><title>Error analysis of Monte Carlo integration</title></head>"
    assert extract_landing(titled + "<body>" + body, PAGE_URL).error is None


# --- JSON-LD -----------------------------------------------------------------------------------


def jsonld(data: object) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    return f'<script type="application/ld+json">{text}</script>'


@pytest.mark.parametrize(
    "identifier",
    [
        "10.1234/abc.42",
        "https://doi.org/10.1234/abc.42",
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1234/abc.42"},
        {
            "@type": "PropertyValue",
            "propertyID": "https://registry.identifiers.org/registry/doi",
            "value": "doi:10.1234/abc.42",
        },
        [{"@type": "PropertyValue", "propertyID": "local", "value": "A-42"}, "10.1234/abc.42"],
    ],
)
def test_jsonld_identifier_forms(identifier: object) -> None:
    html = page(
        jsonld(
            {
                "@context": "https://schema.org",
                "@type": "ScholarlyArticle",
                "identifier": identifier,
            }
        )
    )
    result = extract_landing(html, PAGE_URL)
    assert result.doi == DOI
    assert sources_of(result, DOI) == ("JSON-LD identifier",)
    assert "ScholarlyArticle" in result.tags["json_ld"]


@pytest.mark.parametrize("key", ["sameAs", "@id", "url"])
def test_jsonld_resolver_urls(key: str) -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        key: ["https://example.org/x", "https://doi.org/10.1234/abc.42"],
    }
    result = extract_landing(page(body=jsonld(data)), PAGE_URL)
    assert result.doi == DOI
    assert sources_of(result, DOI) == (f"JSON-LD {key}",)


def test_jsonld_graph_main_entity_and_cited_works() -> None:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite",
                "url": "https://journal.example.org/",
                "sameAs": "https://doi.org/10.9999/site",
            },
            {
                "@type": "WebPage",
                "mainEntity": {
                    "@type": "MedicalScholarlyArticle",
                    "identifier": {
                        "@type": "PropertyValue",
                        "propertyID": "pmid",
                        "value": "24385230",
                    },
                    "sameAs": "https://doi.org/10.1234/abc.42",
                    "headline": "Nested article",
                    "author": [{"@type": "Person", "givenName": "Ana", "familyName": "Silva"}],
                    "datePublished": "2020-05-17",
                    "isPartOf": {
                        "@type": "PublicationIssue",
                        "isPartOf": {"@type": "Periodical", "name": "J Ex", "issn": ["0317-8471"]},
                    },
                    "citation": [{"@type": "ScholarlyArticle", "identifier": "10.9999/cited.1"}],
                },
            },
        ],
    }
    result = extract_landing(page(body=jsonld(data)), PAGE_URL)
    assert result.doi == DOI
    assert result.declared("pmid").identifier == Identifier("pmid", "24385230")
    values = {found.identifier.value for found in result.identifiers}
    assert "10.9999/cited.1" not in values and "10.9999/site" not in values
    assert (result.title, result.authors, result.date, result.journal, result.issns) == (
        "Nested article",
        ("Ana Silva",),
        "2020-05-17",
        "J Ex",
        ("0317-8471",),
    )


def test_jsonld_repairs_and_tolerates_invalid_json() -> None:
    trailing_comma = '{"@type": "ScholarlyArticle", "identifier": "10.1234/abc.42",}'
    assert extract_landing(page(jsonld(trailing_comma)), PAGE_URL).doi == DOI
    control_character = (
        '{"@type": "ScholarlyArticle", "name": "a\tb", "identifier": "10.1234/abc.42"}'
    )
    assert extract_landing(page(jsonld(control_character)), PAGE_URL).doi == DOI
    wrapped = '<!--\n{"@type": "Dataset", "identifier": "10.1234/abc.42"}\n-->'
    assert extract_landing(page(jsonld(wrapped)), PAGE_URL).doi == DOI
    broken = extract_landing(
        page(jsonld('{"@type": "ScholarlyArticle", "identifier": ') + meta("citation_title", "T")),
        PAGE_URL,
    )
    assert broken.identifiers == () and broken.title == "T"
    assert any("not valid JSON" in note for note in broken.notes)


def test_jsonld_in_a_comment_or_with_another_type_is_not_read() -> None:
    data = {"@type": "ScholarlyArticle", "identifier": "10.1234/abc.42"}
    commented = page(body="<!-- " + jsonld(data) + " -->")
    assert extract_landing(commented, PAGE_URL, scan_body=False).identifiers == ()
    other = page(body=f'<script type="application/json">{json.dumps(data)}</script>')
    assert extract_landing(other, PAGE_URL, scan_body=False).identifiers == ()


# --- COinS --------------------------------------------------------------------------------------


def coins(title: str) -> str:
    return f'<span class="Z3988" title="{title}"></span>'


def test_single_coins_span_declares() -> None:
    kev = (
        "ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal"
        "&amp;rft_id=info%3Adoi%2F10.1234%2Fabc.42&amp;rft_id=info%3Apmid%2F24385230"
        "&amp;rft.atitle=A+title&amp;rft.jtitle=J+Ex&amp;rft.au=Silva%2C+Ana&amp;rft.isbn=0-9752298-0-X"
    )
    result = extract_landing(page(body=coins(kev)), PAGE_URL)
    assert result.doi == DOI
    assert sources_of(result, DOI) == ("COinS rft_id",)
    assert result.declared("pmid").identifier.value == "24385230"
    assert result.declared("isbn").identifier.value == "9780975229804"
    assert (result.title, result.journal, result.authors) == ("A title", "J Ex", ("Silva, Ana",))
    assert result.tags["coins"] == ("span.Z3988",)


def test_many_coins_spans_are_a_list_not_the_page() -> None:
    spans = "".join(
        coins(f"ctx_ver=Z39.88-2004&amp;rft_id=info%3Adoi%2F10.9999%2Fref.{n}") for n in range(3)
    )
    result = extract_landing(page(body=spans), PAGE_URL, scan_body=False)
    assert result.doi is None
    assert {f.strength for f in result.identifiers} == {BODY}
    assert any("COinS" in note for note in result.notes)


# --- canonical, bibliography, decoding ---------------------------------------------------------


def test_canonical_link_and_og_url() -> None:
    html = page('<link rel="canonical" href="//journal.example.org/article/42?utm_source=x">')
    result = extract_landing(html, "http://journal.example.org/article/42")
    assert result.canonical_url == "http://journal.example.org/article/42?utm_source=x"
    assert result.canonical_source == "link rel=canonical"
    assert result.canonical_matches_page_url is True
    og = extract_landing(page('<meta property="og:url" content="/other">'), PAGE_URL)
    assert (og.canonical_url, og.canonical_source) == (
        "https://journal.example.org/other",
        "og:url",
    )
    assert og.canonical_matches_page_url is False
    assert extract_landing(page(), PAGE_URL).canonical_url is None


def test_bibliographic_fields() -> None:
    head = (
        meta("citation_title", "  The   title ")
        + meta("citation_author", "Silva, Ana")
        + meta("citation_author", "Chen Ben")
        + meta("citation_journal_title", "Journal of Examples")
        + meta("citation_publication_date", "2016/06/09")
        + meta("citation_issn", "0317-8471")
        + meta("prism.issn", "0317-8471")
        + meta("citation_publisher", "Example Press")
        + meta("citation_pdf_url", "https://journal.example.org/42.pdf")
        + meta("citation_volume", "12")
        + meta("citation_issue", "3")
        + meta("citation_firstpage", "e30")
        + meta("dc.title", "Lower-ranked title")
        + meta("citation_doi", DOI.value)
    )
    result = extract_landing(page(head), PAGE_URL)
    assert result.title == "The title"
    assert result.authors == ("Silva, Ana", "Chen Ben")
    assert (result.journal, result.date, result.issns) == (
        "Journal of Examples",
        "2016/06/09",
        ("0317-8471",),
    )
    assert (result.publisher, result.pdf_url) == (
        "Example Press",
        "https://journal.example.org/42.pdf",
    )
    assert (result.volume, result.issue, result.first_page) == ("12", "3", "e30")
    record = result.to_output_metadata()
    assert record.provider == "landing-page" and record.published == date(2016, 6, 9)
    assert record.identifiers == ["doi:10.1234/abc.42"]
    assert [author.name for author in record.authors] == ["Silva, Ana", "Chen Ben"]
    assert set(result.tags) == {"highwire", "dublin_core", "prism"}


def test_citation_authors_list_is_split() -> None:
    result = extract_landing(
        page(meta("citation_authors", "Ana Silva, Ben Chen, Eun Kim")), PAGE_URL
    )
    assert result.authors == ("Ana Silva", "Ben Chen", "Eun Kim")
    semicolons = extract_landing(page(meta("citation_authors", "Silva, Ana; Chen, Ben")), PAGE_URL)
    assert semicolons.authors == ("Silva, Ana", "Chen, Ben")


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    html = page(
        '<meta charset="windows-1252">'
        + meta("citation_title", "Caf\xe9 M\xfcller")
        + meta("citation_doi", DOI.value)
    )
    result = extract_landing(html.encode("cp1252"), PAGE_URL)
    assert result.title == "Café Müller" and result.doi == DOI
    assert (
        extract_landing(html.encode("cp1252"), PAGE_URL, encoding="latin-1").title == "Café Müller"
    )


def test_head_end_is_found_past_scripts_and_comments() -> None:
    head = "<script>if (a < b) document.write('<body><p>')</script><!-- </head> -->" + meta(
        "citation_doi", DOI.value
    )
    assert extract_landing(page(head), PAGE_URL).doi == DOI
    # no head or body tags at all: the whole document is read
    bare = meta("citation_doi", DOI.value) + "<p>text</p>"
    assert extract_landing(bare, PAGE_URL).doi == DOI


def test_meta_tags_in_the_body_are_not_read_but_noted() -> None:
    html = page(body=meta("citation_doi", DOI.value) + meta("citation_title", "T"))
    result = extract_landing(html, PAGE_URL, scan_body=False)
    assert result.identifiers == () and result.title == "An article"
    assert any("2 metadata tag(s) after <body>" in note for note in result.notes)
    scripted = page(body="<script>var s = 'citation_doi';</script>")
    assert extract_landing(scripted, PAGE_URL).notes == ()


def test_tag_groups_for_check_page() -> None:
    head = (
        meta("citation_doi", DOI.value)
        + meta("DC.Title", "T")
        + meta("dcterms.issued", "2020")
        + meta("prism.doi", DOI.value)
        + meta("bepress_citation_title", "T")
        + meta("eprints.title", "T")
        + '<meta property="og:title" content="T">'
        + '<link rel="canonical" href="/article/42">'
        + jsonld({"@type": "Dataset", "name": "T"})
    )
    result = extract_landing(page(head, coins("ctx_ver=Z39.88-2004&amp;rft.atitle=T")), PAGE_URL)
    assert dict(result.tags) == {
        "highwire": ("citation_doi",),
        "dublin_core": ("DC.Title", "dcterms.issued"),
        "prism": ("prism.doi",),
        "bepress": ("bepress_citation_title",),
        "eprints": ("eprints.title",),
        "open_graph": ("og:title",),
        "canonical": ("link rel=canonical",),
        "json_ld": ("Dataset",),
        "coins": ("span.Z3988",),
    }


def test_empty_and_none_input() -> None:
    for html in (None, "", b"", "<", "<html>", b"\xff\xfe\x00"):
        result = extract_landing(html, None)
        assert result.identifiers == () and result.doi is None
