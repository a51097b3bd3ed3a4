"""Property tests: normal forms are fixed points, spans round-trip, check digits catch typos."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altscope.ids import SCHEMES, IdentifierError, find_identifiers, normalize, parse
from altscope.ids.checksums import (
    ean13_check_digit,
    is_valid_ean13,
    is_valid_isbn10,
    is_valid_issn,
    is_valid_mod11_2,
    isbn10_check_digit,
    issn_check_digit,
    mod11_2_check_digit,
)
from altscope.ids.isbn import isbn10_to_13

digits = st.text(string.digits, min_size=1, max_size=1)


@st.composite
def dois(draw: st.DrawFn) -> str:
    prefix = "10." + draw(st.from_regex(r"[1-9][0-9]{3,8}", fullmatch=True))
    suffix_chars = string.ascii_letters + string.digits + "-._;()/:<>"
    first = draw(st.sampled_from(string.ascii_letters + string.digits))
    rest = draw(st.text(suffix_chars, max_size=30))
    return f"{prefix}/{first}{rest}{draw(st.sampled_from(string.ascii_letters + string.digits))}"


@st.composite
def isbns(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from(["978", "979"])) + draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
    return body + ean13_check_digit(body)


@st.composite
def orcids(draw: st.DrawFn) -> str:
    body = (
        "0000000" + draw(st.sampled_from("123")) + draw(st.from_regex(r"[0-9]{7}", fullmatch=True))
    )
    full = body + mod11_2_check_digit(body)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


@st.composite
def any_identifier(draw: st.DrawFn) -> tuple[str, str]:
    scheme = draw(st.sampled_from(["doi", "isbn", "orcid", "pmid", "pmcid", "arxiv", "nct"]))
    if scheme == "doi":
        return scheme, draw(dois())
    if scheme == "isbn":
        return scheme, "ISBN " + draw(isbns())  # bare ISBNs are not searched for in text
    if scheme == "orcid":
        return scheme, draw(orcids())
    number = draw(st.integers(1, 39_999_999))
    if scheme == "pmid":
        return scheme, f"PMID: {number}"
    if scheme == "pmcid":
        return scheme, f"PMC{number}"
    if scheme == "nct":
        return scheme, f"NCT{number:08d}"
    return scheme, f"arXiv:{draw(st.integers(704, 2512)):04d}.{draw(st.integers(0, 99999)):05d}"


@given(any_identifier())
def test_normalize_is_idempotent(case: tuple[str, str]) -> None:
    scheme, text = case
    value = normalize(scheme, text)
    assert normalize(scheme, value) == value
    assert parse(str(parse(text, scheme))) == parse(text, scheme)


@given(st.sampled_from(SCHEMES), st.text(max_size=40))
def test_normalize_never_crashes_and_is_idempotent(scheme: str, text: str) -> None:
    try:
        value = normalize(scheme, text)
    except IdentifierError:
        return
    assert normalize(scheme, value) == value


filler = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).map(
    lambda s: s.replace("10.", "1 0.")
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(filler, any_identifier(), filler, st.sampled_from([" ", "\n", " (", ": "]))
def test_found_spans_round_trip(before: str, case: tuple[str, str], after: str, sep: str) -> None:
    scheme, spelled = case
    text = f"{before}{sep}{spelled} {after}"
    found = find_identifiers(text)
    expected = parse(spelled, scheme)
    matches = [f for f in found if f.identifier == expected]
    assert matches, (text, found)
    for f in found:
        assert text[f.start : f.end] == f.text
        assert parse(f.text, f.identifier.scheme) == f.identifier


@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.integers(0, 8), st.integers(1, 9))
def test_isbn10_check_digit_catches_single_digit_errors(body: str, pos: int, delta: int) -> None:
    isbn = body + isbn10_check_digit(body)
    assert is_valid_isbn10(isbn)
    typo = isbn[:pos] + str((int(isbn[pos]) + delta) % 10) + isbn[pos + 1 :]
    assert not is_valid_isbn10(typo)
    assert is_valid_ean13(isbn10_to_13(isbn))


@given(st.from_regex(r"[0-9]{12}", fullmatch=True), st.integers(0, 11), st.integers(1, 9))
def test_ean13_check_digit_catches_single_digit_errors(body: str, pos: int, delta: int) -> None:
    code = body + ean13_check_digit(body)
    assert is_valid_ean13(code)
    typo = code[:pos] + str((int(code[pos]) + delta) % 10) + code[pos + 1 :]
    assert not is_valid_ean13(typo)


@given(st.from_regex(r"[0-9]{7}", fullmatch=True), st.integers(0, 6), st.integers(1, 9))
def test_issn_check_digit_catches_single_digit_errors(body: str, pos: int, delta: int) -> None:
    issn = body + issn_check_digit(body)
    assert is_valid_issn(issn)
    typo = issn[:pos] + str((int(issn[pos]) + delta) % 10) + issn[pos + 1 :]
    assert not is_valid_issn(typo)


@given(st.from_regex(r"[0-9]{15}", fullmatch=True), st.integers(0, 14), st.integers(1, 9))
def test_mod11_2_catches_single_digit_errors(body: str, pos: int, delta: int) -> None:
    full = body + mod11_2_check_digit(body)
    assert is_valid_mod11_2(full)
    typo = full[:pos] + str((int(full[pos]) + delta) % 10) + full[pos + 1 :]
    assert not is_valid_mod11_2(typo)
