"""URL normalisation, equality and clean-up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altscope.percolate.urls import (
    clean_resolved_url,
    is_http_url,
    is_non_landing_page,
    normalize_url,
    url_equality,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host case, default port, empty path
        ("HTTP://Example.COM:80", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        # path case is kept (servers may be case-sensitive)
        ("http://example.com/CrossRef/Preview/", "http://example.com/CrossRef/Preview/"),
        # dot segments, backslashes as browsers read them
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/a\\b", "http://example.com/a/b"),
        # percent-encoding: unreserved decoded, others upper-cased, unsafe characters encoded
        ("http://example.com/%7euser/%2f%3a", "http://example.com/~user/%2F%3A"),
        ("http://example.com/a b/é", "http://example.com/a%20b/%C3%A9"),
        # IDNA hosts and a trailing dot
        ("http://Bücher.example./x", "http://xn--bcher-kva.example/x"),
        # tracking parameters, whatever their case and wherever they are
        ("http://example.com/p?utm_source=tw&id=7&UTM_Medium=x", "http://example.com/p?id=7"),
        ("http://example.com/p?fbclid=abc", "http://example.com/p"),
        ("http://example.com/p?a=1&WT.mc_id=x&wt_zmc=y", "http://example.com/p?a=1"),
        ("http://example.com/p?hootPostID=9&mc_cid=1&mc_eid=2", "http://example.com/p"),
        ("http://example.com/p?platform=hootsuite", "http://example.com/p"),
        # value-specific rules leave other values alone
        ("http://example.com/p?platform=ios", "http://example.com/p?platform=ios"),
        # session ids in the path and glued to a query value
        ("http://example.com/a;jsessionid=ABC123?x=1", "http://example.com/a?x=1"),
        ("http://example.com/a?id=10.1/x;jsessionid=ABC.f01", "http://example.com/a?id=10.1%2Fx"),
        ("http://example.com/a?PHPSESSID=1&b=2", "http://example.com/a?b=2"),
        # query order, '+' and escaped delimiters keep their meaning
        ("http://example.com/?b=2&a=1", "http://example.com/?b=2&a=1"),
        ("http://example.com/?q=a+b%2Bc%26d", "http://example.com/?q=a+b%2Bc%26d"),
        ("http://example.com/?", "http://example.com/"),
        # fragments: dropped, except routes of single-page applications
        ("http://example.com/a#.XyZ.twitter", "http://example.com/a"),
        ("http://example.com/a#section-2", "http://example.com/a"),
        ("http://example.com/#!/item/7", "http://example.com/#!/item/7"),
        ("http://example.com/#/item/7", "http://example.com/#/item/7"),
        # IPv6 and userinfo
        ("http://[0:0::1]:8080/x", "http://[::1]:8080/x"),
        # surrounding whitespace and tabs/newlines inside are dropped, as browsers do
        ("  http://example.com/a\n/b\t ", "http://example.com/a/b"),
        # found in the wild: '||' in the query
        (
            "http://www.informaworld.com/openurl?genre=article&magic=crossref||D404",
            "http://www.informaworld.com/openurl?genre=article&magic=crossref%7C%7CD404",
        ),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_normalize_url_leaves_other_schemes_mostly_alone() -> None:
    assert normalize_url("MAILTO:someone@example.org") == "mailto:someone@example.org"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "example.com/no-scheme",
        "/relative",
        "http://",
        "http://exa mple.com/",
        "http://a.com:99999/",
    ],
)
def test_normalize_url_rejects_non_urls(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(bad)


def test_normalize_url_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        normalize_url(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/a", True),
        ("HTTP://example.com", True),
        ("ftp://example.com/a", False),
        ("javascript:alert(1)", False),
        ("//example.com/a", False),
        ("http://", False),
        ("http://[::1/", False),
        (None, False),
        (42, False),
    ],
)
def test_is_http_url(value: object, expected: bool) -> None:
    assert is_http_url(value) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("http://example.com/a", "http://example.com/a", "exact"),
        ("http://EXAMPLE.com/a?utm_source=x", "http://example.com/a", "exact"),
        ("http://example.com/a", "https://example.com/a", "basic"),
        ("http://example.com/a?x=1", "http://example.com/a?x=2", "basic"),
        ("http://example.com/A/", "http://example.com/a", "basic"),
        ("http://example.com/a", "http://example.org/a", None),
        ("http://example.com/a", "http://example.com/b", None),
        ("http://example.com/a", "not a url", None),
        ("mailto:a@example.com", "mailto:a@example.com", None),
        (None, "http://example.com", None),
    ],
)
def test_url_equality(a: str | None, b: str | None, expected: str | None) -> None:
    assert url_equality(a, b) == expected
    assert url_equality(b, a) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com/doi/abs/10.1/x/", "http://example.com/doi/abs/10.1/x"),
        ("http://example.com/", "http://example.com/"),
        ("http://example.com/a;jsessionid=1F2E?id=7", "http://example.com/a?id=7"),
        # ScienceDirect's referral tag and IEEE's reload flag are removed (Lagotto's rules)
        (
            "https://www.sciencedirect.com/science/article/pii/S1?via=ihub",
            "https://www.sciencedirect.com/science/article/pii/S1",
        ),
        (
            "https://ieeexplore.ieee.org/document/1/?reload=true&a=b",
            "https://ieeexplore.ieee.org/document/1?a=b",
        ),
        # cookie walls and error pages are not landing pages
        ("https://link.springer.com/article/10.1/x?error=cookies_not_supported", None),
        ("https://example.com/action/cookieAbsent", None),
        ("ftp://example.com/x", None),
        (None, None),
    ],
)
def test_clean_resolved_url(url: str | None, expected: str | None) -> None:
    assert clean_resolved_url(url) == expected


def test_cookie_wall_is_not_a_landing_page() -> None:
    assert is_non_landing_page("http://informahealthcare.com/action/cookieabsent")
    assert not is_non_landing_page("http://informahealthcare.com/doi/abs/10.3109/0928658")


# --- properties ---------------------------------------------------------------------------------

_hosts = st.from_regex(
    r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?(\.[a-zA-Z]{2,6}){1,2}", fullmatch=True
)
_url_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="#"), max_size=40
)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTTps"]))
    host = draw(_hosts | st.sampled_from(["bücher.example", "xn--bcher-kva.example", "[::1]"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = draw(_url_text)
    query = draw(st.one_of(st.just(""), _url_text.map(lambda q: "?" + q)))
    fragment = draw(st.one_of(st.just(""), _url_text.map(lambda f: "#" + f)))
    return f"{scheme}://{host}{port}/{path}{query}{fragment}"


@settings(max_examples=400)
@given(urls())
def test_normalize_url_is_idempotent(url: str) -> None:
    try:
        once = normalize_url(url)
    except ValueError:
        return
    assert normalize_url(once) == once
    assert is_http_url(once)
    assert url_equality(url, once) == "exact"


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_url_functions_never_crash_on_text(text: str) -> None:
    if is_http_url(text):
        normalized = normalize_url(text)
        assert normalize_url(normalized) == normalized
    assert url_equality(text, text) in (None, "exact")
    cleaned = clean_resolved_url(text)
    assert cleaned is None or is_http_url(cleaned)
