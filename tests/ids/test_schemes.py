"""parse / detect / normalize / resolver_url for every scheme."""

from __future__ import annotations

import pytest

from altscope.ids import (
    SCHEMES,
    Identifier,
    IdentifierError,
    detect,
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
