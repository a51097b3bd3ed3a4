"""parse / detect / normalize / resolver_url for every scheme."""

from __future__ import annotations

import pytest

from altscope.ids import (
    SCHEMES,
    Identifier,
    IdentifierError,
    detect,
    find_identifiers,
    is_valid,
    normalize,
    parse,
    resolver_url,
)

SPELLINGS = [
    # (text, scheme, value, resolver url)
    ("10.1038/NATURE12373", "doi", "10.1038/nature12373", "https://doi.org/10.1038/nature12373"),
    ("doi:10.1038/nature12373", "doi", "10.1038/nature12373", None),
    ("https://dx.doi.org/10.1038/nature12373", "doi", "10.1038/nature12373", None),
    ("https://doi.org/10.1007%2Fs00423-015-1364-1", "doi", "10.1007/s00423-015-1364-1", None),
    ("info:doi/10.1371/journal.pone.0000030", "doi", "10.1371/journal.pone.0000030", None),
    ("10/hvx", "shortdoi", "10/hvx", "https://doi.org/10/hvx"),
    ("https://doi.org/hvx", "shortdoi", "10/hvx", None),
    ("PMID: 12082125", "pmid", "12082125", "https://pubmed.ncbi.nlm.nih.gov/12082125/"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/12082125", "pmid", "12082125", None),
    ("https://europepmc.org/article/MED/12082125", "pmid", "12082125", None),
    ("PMC2631623", "pmcid", "PMC2631623", "https://pmc.ncbi.nlm.nih.gov/articles/PMC2631623/"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC2631623/", "pmcid", "PMC2631623", None),
    (
        "arXiv:2101.00001v3",
        "arxiv",
        "arXiv:2101.00001v3",
        "https://arxiv.org/abs/arXiv:2101.00001v3",
    ),
    ("https://arxiv.org/pdf/2101.00001.pdf", "arxiv", "arXiv:2101.00001", None),
    ("hep-th/9901001", "arxiv", "arXiv:hep-th/9901001", None),
    ("ISBN 0-306-40615-2", "isbn", "9780306406157", None),
    ("978 0 306 40615 7", "isbn", "9780306406157", None),
    ("hdl:2027/mdp.39015012345678", "handle", "2027/mdp.39015012345678", None),
    ("URN:NBN:de:bvb:19-146642", "urn", "urn:nbn:de:bvb:19-146642", None),
    ("https://n2t.net/ark:/13030/tf5p30086k", "ark", "ark:/13030/tf5p30086k", None),
    ("ISSN 0317-8471", "issn", "0317-8471", None),
    ("2049-3630", "issn", "2049-3630", None),
    ("https://orcid.org/0000-0002-1694-233X", "orcid", "0000-0002-1694-233X", None),
    ("https://clinicaltrials.gov/study/NCT04368728", "nct", "NCT04368728", None),
    ("S0169-5347(01)02380-1", "pii", "S0169534701023801", None),
    ("https://ror.org/03yrm5c26", "ror", "03yrm5c26", "https://ror.org/03yrm5c26"),
    ("https://example.org/page", "url", "https://example.org/page", "https://example.org/page"),
]


@pytest.mark.parametrize(("text", "scheme", "value", "url"), SPELLINGS)
def test_parse_spellings(text: str, scheme: str, value: str, url: str | None) -> None:
    ident = parse(text)
    assert ident == Identifier(scheme, value)
    assert normalize(scheme, text) == value
    assert scheme in detect(text)
    if url:
        assert ident.url == url == resolver_url(scheme, value)


def test_schemes_cover_the_brief() -> None:
    wanted = {"doi", "shortdoi", "pmid", "pmcid", "arxiv", "isbn", "handle", "urn", "ark"}
    assert wanted | {"issn", "orcid", "nct", "pii"} <= set(SCHEMES)


def test_str_is_prefixed_and_parses_back() -> None:
    for text, *_ in SPELLINGS:
        ident = parse(text)
        assert parse(str(ident)) == ident, str(ident)
    assert str(Identifier("doi", "10.1/x")) == "doi:10.1/x"


def test_bare_number_needs_a_hint() -> None:
    with pytest.raises(IdentifierError, match="12345"):
        parse("12345")
    assert parse("12345", "pmid") == Identifier("pmid", "12345")
    assert detect("12345") == ["pmid"]
    assert parse("1762313", "pmcid") == Identifier("pmcid", "PMC1762313")


def test_errors_name_the_problem() -> None:
    with pytest.raises(IdentifierError, match="not a valid isbn"):
        parse("978-0-306-40615-8", "isbn")  # wrong check digit
    with pytest.raises(IdentifierError, match="unknown identifier scheme 'wos'"):
        parse("000237966900001", "wos")
    with pytest.raises(IdentifierError, match="must be a string"):
        parse(None)  # type: ignore[arg-type]
    with pytest.raises(IdentifierError):
        resolver_url("nope", "x")


@pytest.mark.parametrize(
    ("scheme", "text", "valid"),
    [
        ("isbn", "0-306-40615-2", True),
        ("isbn", "0-306-40615-3", False),
        ("issn", "0317-8471", True),
        ("issn", "0317-8472", False),
        ("orcid", "0000-0002-1825-0097", True),
        ("orcid", "0000-0002-1825-0098", False),
        ("orcid", "1422-4586-3573-0476", False),  # a valid ISNI, not an ORCID
        ("ror", "03yrm5c26", True),
        ("ror", "03yrm5c27", False),
        ("doi", "10.1000/", False),
        ("doi", "10.abc/def", False),
        ("arxiv", "1234.5678", True),
        ("arxiv", "bogus-archive/0101003", True),  # any archive when the scheme is given
        ("pii", "S0169534701023801", True),
        ("nct", "NCT1234567", False),
    ],
)
def test_is_valid(scheme: str, text: str, valid: bool) -> None:
    assert is_valid(scheme, text) is valid


def test_isbn10_becomes_isbn13() -> None:
    assert normalize("isbn", "0-9752298-0-X") == "9780975229804"
    assert normalize("isbn", "9780975229804") == "9780975229804"


def test_doi_tails_are_cut() -> None:
    for tail in ("#.XyZ.twitter", "?utm_source=x&utm_medium=y", "/abstract", "/full", ".pdf", "."):
        assert normalize("doi", "10.1111/nicc.12290" + tail) == "10.1111/nicc.12290"
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    assert normalize("doi", sici) == sici.lower()
    assert normalize("doi", "10.1002/x;2-#") == "10.1002/x;2-#"


SWH_CNT = "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"
SWH_SNP = "swh:1:snp:c7c108084bc0bf3d81436bf980b46e98bd338453"
SWH_REL = "swh:1:rel:22ece559cc7cc2364edc5e5593d63ae8bd229f9f"
SWH_FULL = (
    f"{SWH_CNT};origin=https://github.com/example/repo;visit={SWH_SNP};anchor={SWH_REL}"
    ";path=/src/main.c;lines=12-16"
)

REGISTRY_SPELLINGS = [
    # (text, scheme, value, resolver url) for the schemes find_identifiers does not look for
    ("W2741809807", "openalex", "W2741809807", "https://openalex.org/W2741809807"),
    ("openalex:a5023888391", "openalex", "A5023888391", "https://openalex.org/A5023888391"),
    ("https://openalex.org/S2739401519", "openalex", "S2739401519", None),
    ("https://openalex.org/works/W2741809807", "openalex", "W2741809807", None),
    ("Q303", "wikidata", "Q303", "https://www.wikidata.org/entity/Q303"),
    ("wikidata:Q303", "wikidata", "Q303", None),
    ("https://www.wikidata.org/wiki/Q42", "wikidata", "Q42", "https://www.wikidata.org/entity/Q42"),
    ("http://www.wikidata.org/entity/Q42", "wikidata", "Q42", None),
    (SWH_CNT.upper().replace("SWH:1:CNT:", "swh:1:cnt:"), "swh", SWH_CNT, None),
    (SWH_FULL, "swh", SWH_FULL, f"https://archive.softwareheritage.org/{SWH_FULL}"),
    (f"https://archive.softwareheritage.org/{SWH_CNT}", "swh", SWH_CNT, None),
    ("ascl:1908.011", "ascl", "ascl:1908.011", "https://ascl.net/1908.011"),
    ("ASCL:1908.0113", "ascl", "ascl:1908.0113", "https://ascl.net/1908.0113"),
    ("https://ascl.net/1908.011", "ascl", "ascl:1908.011", None),
    ("4006381333931", "ean13", "4006381333931", None),
    ("400-6381-33393-1", "ean13", "4006381333931", None),
]


@pytest.mark.parametrize(("text", "scheme", "value", "url"), REGISTRY_SPELLINGS)
def test_registry_schemes(text: str, scheme: str, value: str, url: str | None) -> None:
    ident = parse(text, scheme)
    assert ident == Identifier(scheme, value)
    assert normalize(scheme, text) == value
    assert normalize(scheme, value) == value
    assert parse(str(ident)) == ident
    assert scheme in detect(text)
    if url:
        assert ident.url == url == resolver_url(scheme, value)
    assert resolver_url("ean13", "4006381333931") is None


@pytest.mark.parametrize(
    ("scheme", "text"),
    [
        ("openalex", "Q1234567"),  # not an OpenAlex entity letter
        ("openalex", "https://openalex.org/Q1234567"),
        ("openalex", "W"),
        ("openalex", "W0123"),
        ("openalex", "openalex:W12x"),
        ("wikidata", "Q30a"),
        ("wikidata", "P31"),  # a property, not an item
        ("wikidata", "https://www.wikidata.org/entity/Q30a"),
        ("wikidata", "https://example.org/wiki/Q42"),
        ("swh", SWH_CNT[:-1]),  # 39 hex digits
        ("swh", SWH_CNT.replace("swh:1:", "swh:2:")),
        ("swh", SWH_CNT.replace(":cnt:", ":obj:")),
        ("swh", SWH_FULL.replace("path=/src", "path=src")),  # path not absolute
        ("swh", SWH_FULL.replace("example/repo", "exa%mple/repo")),  # bad %-escape in origin
        ("swh", SWH_FULL.replace(f"visit={SWH_SNP}", "visit=https://example.org")),
        ("swh", SWH_FULL.replace(f"visit={SWH_SNP}", f"visit={SWH_REL}")),  # not a snapshot
        ("swh", SWH_FULL.replace(f"anchor={SWH_REL}", "anchor=https://example.org")),
        ("swh", SWH_FULL.replace("lines=12-16", "lines=12--16")),
        ("swh", SWH_FULL.replace("lines=12-16", "lines=")),
        ("swh", f"{SWH_CNT};colour=blue"),  # unknown qualifier
        ("swh", f"{SWH_CNT};lines=1;lines=2"),  # repeated qualifier
        ("ascl", "1990.0803"),  # the label is required
        ("ascl", "ascl:190.011"),
        ("ean13", "4006381333932"),  # wrong check digit
        ("ean13", "73513537"),  # EAN-8 is not supported
    ],
)
def test_registry_schemes_reject(scheme: str, text: str) -> None:
    assert is_valid(scheme, text) is False
    with pytest.raises(IdentifierError, match=f"not a valid {scheme}"):
        parse(text, scheme)


def test_swh_qualifiers_keep_their_order() -> None:
    reordered = f"{SWH_CNT};lines=3;path=/a.c;origin=https://example.org/r"
    assert normalize("swh", reordered) == reordered


def test_registry_detection_does_not_steal() -> None:
    isbn13 = "9783468111242"  # also an EAN-13
    assert detect(isbn13) == ["isbn", "ean13"]
    assert parse(isbn13) == Identifier("isbn", isbn13)
    assert detect("12345") == ["pmid"]
    assert detect("15626865") == ["issn", "pmid"]
    assert detect("https://www.wikidata.org/wiki/Q42") == ["wikidata", "url"]
    assert detect("https://openalex.org/W2741809807") == ["openalex", "url"]


def test_bare_registry_codes_need_a_hint() -> None:
    """A bare Q5 / W123 / 13-digit number is too ambiguous for parse() without a scheme."""
    for text in ("Q303", "W2741809807", "4006381333931"):
        assert detect(text)
        with pytest.raises(IdentifierError, match="not an identifier of any scheme"):
            parse(text)
    assert parse("wikidata:Q303") == Identifier("wikidata", "Q303")
    assert parse("https://openalex.org/W2741809807") == Identifier("openalex", "W2741809807")
    assert parse("ascl:1908.011") == Identifier("ascl", "ascl:1908.011")
    assert parse(SWH_CNT) == Identifier("swh", SWH_CNT)


def test_find_identifiers_ignores_registry_schemes() -> None:
    text = f"Q5 W2741809807 wikidata:Q42 ascl:1908.011 {SWH_CNT} 4006381333931"
    assert find_identifiers(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("doi:10.1038/nature14539", None),
        ("openalex:W2741809807", None),
        ("openalex:A5023888391", "an author in OpenAlex"),
        ("orcid:0000-0002-1825-0097", "a person (ORCID)"),
        ("issn:0028-0836", "a journal (ISSN)"),
        ("wikidata:Q303", "a Wikidata item"),
    ],
)
def test_what_an_identifier_names(text: str, names: str | None) -> None:
    from altscope.ids import not_an_output

    assert not_an_output(parse(text)) == names
