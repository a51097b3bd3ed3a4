"""find_identifiers over free text, URLs and HTML."""

from __future__ import annotations

from altscope.ids import Found, Identifier, find_identifiers


def ids(text: str, **kwargs: bool) -> list[str]:
    return [str(f.identifier) for f in find_identifiers(text, **kwargs)]


def test_messy_social_post() -> None:
    text = (
        "New paper 🎉 https://doi.org/10.1111/nicc.12290#.wlw5yueemak.twitter and "
        "doi:10.1007/s11739-017-1643-7?utm_source=twitter.com also 10.1007/s12520-015-0279-7😀 "
        "(see 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0)."
    )
    assert ids(text) == [
        "doi:10.1111/nicc.12290",
        "doi:10.1007/s11739-017-1643-7",
        "doi:10.1007/s12520-015-0279-7",
        "doi:10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
    ]


def test_spans_cover_resolver_and_label() -> None:
    text = "read https://dx.doi.org/10.5555/12345678, PMID: 12082125 and arXiv:2101.00001."
    found = find_identifiers(text)
    assert [f.text for f in found] == [
        "https://dx.doi.org/10.5555/12345678",
        "PMID: 12082125",
        "arXiv:2101.00001",
    ]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_no_identifiers_in_ordinary_numbers() -> None:
    text = "10.60 people paid $10.99 on 2010.12.01 at 10:30, PMID-less 12082125, 1310.2590 km"
    assert ids(text) == []


def test_pmid_and_arxiv_need_context() -> None:
    assert ids("pubmed.ncbi.nlm.nih.gov/12082125/ and 12082125") == ["pmid:12082125"]
    assert ids("arxiv.org/abs/hep-th/9901001v2 vs 1310.2590") == ["arXiv:hep-th/9901001v2"]


def test_url_encoded_and_publisher_urls() -> None:
    text = "http://link.springer.com/article/10.1007%2Fs00423-015-1364-1 and "
    text += "https://onlinelibrary.wiley.com/doi/full/10.1002/anie.201915678/abstract"
    assert ids(text) == ["doi:10.1007/s00423-015-1364-1", "doi:10.1002/anie.201915678"]


def test_zero_width_and_entities_end_a_doi() -> None:
    assert ids("doi:10.1000/abc\u200b more") == ["doi:10.1000/abc"]
    assert ids("doi: 10.1000/abc&lt;/ref&gt;") == ["doi:10.1000/abc"]
    assert ids("<ref>doi:10.1000/abc</ref>") == ["doi:10.1000/abc"]


def test_other_schemes_in_text() -> None:
    text = (
        "ISBN 0-306-40615-2; ISSN: 0317-8471; https://orcid.org/0000-0002-1825-0097; "
        "NCT04368728; PMC2631623; hdl:10013/epic.10033; urn:nbn:de:bvb:19-146642; "
        "ark:/13030/tf5p30086k; https://ror.org/03yrm5c26; PII S0169534701023801"
    )
    assert [i.split(":")[0] for i in ids(text)] == [
        "isbn", "issn", "orcid", "nct", "pmcid", "handle", "urn", "ark", "ror", "pii",
    ]  # fmt: skip


def test_html_spans_point_into_the_original() -> None:
    html = (
        '<p>Out now: <a href="https://doi.org/10.1038/x"><span class="invisible">https://'
        '</span><span class="ellipsis">doi.org/10.1038/s41586-02</span><span class="invisible">'
        "1-03819-2</span></a> &amp; PMID:&nbsp;12082125</p>"
    )
    found = find_identifiers(html, html=True)
    assert [f.identifier for f in found] == [
        Identifier("doi", "10.1038/s41586-021-03819-2"),
        Identifier("pmid", "12082125"),
    ]
    first, second = found
    assert html[first.start :].startswith("https://")
    assert html[: first.end].endswith("1-03819-2")
    assert first.text == html[first.start : first.end]
    assert second.text == "PMID:&nbsp;12082125"


def test_html_false_keeps_raw() -> None:
    assert find_identifiers("no ids here <b>at all</b>", html=True) == []
    assert find_identifiers("") == []
    assert isinstance(find_identifiers("doi:10.1000/1")[0], Found)
