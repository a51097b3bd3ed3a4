"""HTML text, links, feed links and canonical URL, including hostile input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from altscope.percolate.html import (
    FeedLink,
    canonical_url,
    decode_html,
    feed_links,
    html_links,
    html_to_text,
    parse_html,
)
from altscope.percolate.html_guard import MAX_DEPTH, defuse

# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("plain text 10.1234/abc", "plain text 10.1234/abc"),
        ("<p>the quick <b>brown</b> fox</p>", "the quick brown fox"),
        ("<table><tr><td>10.1234/abc</td><td>next</td></tr></table>", "10.1234/abc\nnext"),
        ("<ul><li>one<li>two</ul>", "one\ntwo"),
        ("a<br>b", "a\nb"),
        ("<p>spread\n   over\tlines</p>", "spread over lines"),
        ("<p>R&amp;D &lt;tag&gt; caf&eacute;&nbsp;bar &#x1F600;</p>", "R&D <tag> café bar 😀"),
        ("<p>x<script>var a = '<p>10.9999/hidden</p>';</script>y</p>", "xy"),
        ("<style>p { color: red }</style><p>shown</p>", "shown"),
        ("<noscript>enable js</noscript><p>shown</p>", "shown"),
        ("<template><p>inert</p></template><p>shown</p>", "shown"),
        ("<!-- 10.9999/comment --><p>shown</p>", "shown"),
        ("<head><title>Title</title></head><body>body</body>", "body"),
        ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


def test_html_to_text_accepts_none_and_bytes() -> None:
    assert html_to_text(None) == ""
    assert html_to_text("<p>café</p>".encode()) == "café"


# --- decoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("<p>café</p>".encode(), None, "<p>café</p>"),
        (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "iso-8859-1", "<p>café</p>"),  # BOM wins
        ("<p>café</p>".encode("cp1252"), "windows-1252", "<p>café</p>"),
        ("<p>café</p>".encode("cp1252"), "ISO-8859-1", "<p>café</p>"),
        (b'<meta charset="koi8-r"><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>', None, "Привет"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>\x83e</p>',
            None,
            "テ",
        ),
        (b"<p>caf\xe9 \x93quoted\x94</p>", None, "<p>café “quoted”</p>"),  # not UTF-8: cp1252
        (b"<p>caf\xc3\xa9 \xff</p>", "utf-8", "<p>café \ufffd</p>"),  # declared UTF-8, broken
        (b'<meta charset="rot13"><p>abc</p>', None, "abc"),  # non-text codec ignored
        (b'<meta charset="no-such-codec"><p>abc</p>', None, "abc"),
        (b"<p>abc</p>", "base64", "<p>abc</p>"),
    ],
)
def test_decode_html(data: bytes, declared: str | None, expected: str) -> None:
    assert expected in decode_html(data, declared)


def test_utf16_with_bom() -> None:
    data = b"\xff\xfe" + "<p>café</p>".encode("utf-16-le")
    assert decode_html(data) == "<p>café</p>"


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    assert isinstance(decode_html(data), str)
    assert isinstance(html_to_text(data), str)
    assert isinstance(html_links(data, "http://example.com/"), list)
    canonical_url(data, "http://example.com/")
    feed_links(data, "http://example.com/")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abpdivtrlink&;#x0\udc80\x00")), max_size=200))
def test_arbitrary_markup_never_crashes(html: str) -> None:
    assert isinstance(html_to_text(html), str)
    for link in html_links(html, "http://example.com/"):
        assert link.startswith("http")
    canonical_url(html, "http://example.com/")


def test_lone_surrogates_and_nul_are_tolerated() -> None:
    assert html_to_text("<p>a\udc80b\x00c</p>") in {"abc", "ab\ufffdc", "a\ufffdb\ufffdc"}


# --- links --------------------------------------------------------------------------------------


def test_links_are_resolved_deduplicated_and_filtered() -> None:
    html = """
        <a href="/one">1</a> <a href="/one">1 again</a>
        <a href=" two?x=1#frag ">2</a> <a href="#top">top</a>
        <a href="mailto:x@example.org">mail</a> <a href="javascript:alert(1)">js</a>
        <a href="https://other.example/three">3</a> <a>no href</a> <a href="">empty</a>
        <area href="/map-target">
    """
    assert html_links(html, "http://example.com/dir/page") == [
        "http://example.com/one",
        "http://example.com/dir/two?x=1#frag",
        "https://other.example/three",
        "http://example.com/map-target",
    ]


def test_relative_links_need_a_base() -> None:
    assert html_links('<a href="/one">1</a><a href="http://a.example/">a</a>') == [
        "http://a.example/"
    ]


def test_document_base_element_is_honoured() -> None:
    html = '<head><base href="https://cdn.example/sub/"></head><a href="x">x</a>'
    assert html_links(html, "http://example.com/page") == ["https://cdn.example/sub/x"]


def test_links_written_by_scripts_or_in_comments_are_not_links() -> None:
    html = """
        <script>document.write('<a href="http://evil.example/injected">x</a>');</script>
        <!-- <a href="http://evil.example/commented">x</a> -->
        <textarea><a href="http://evil.example/in-textarea">x</a></textarea>
        <a href="http://good.example/">ok</a>
    """
    assert html_links(html) == ["http://good.example/"]


def test_href_with_newlines_is_read_as_browsers_do() -> None:
    assert html_links('<a href="http://exa\nmple.com/a\tb">x</a>') == ["http://example.com/ab"]


# --- feeds --------------------------------------------------------------------------------------


def test_feed_links() -> None:
    html = """<head>
        <link rel="alternate" type="application/rss+xml" title="Posts" href="/feed/">
        <link rel="alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
        <link rel="alternate" type="application/feed+json" href="https://x.example/feed.json">
        <link rel="alternate" type="text/html" href="/fr/">
        <link rel="stylesheet" href="/s.css">
        <link rel="alternate" type="application/rss+xml" href="/feed/">
        <link rel="alternate" type="application/rss+xml" href="">
    </head>"""
    assert feed_links(html, "https://blog.example/posts/1") == [
        FeedLink("alternate", "https://blog.example/feed/", "application/rss+xml", "Posts"),
        FeedLink("alternate", "https://blog.example/posts/atom.xml", "application/atom+xml"),
        FeedLink("alternate", "https://x.example/feed.json", "application/feed+json"),
    ]


# --- canonical URL ------------------------------------------------------------------------------

PAGE = "https://www.example.com/articles/7"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<link rel="canonical" href="/articles/7-title">',
            "https://www.example.com/articles/7-title",
        ),
        ('<link rel="Canonical" href="https://a.example/x">', "https://a.example/x"),
        ('<link rel="alternate canonical" href="https://a.example/x">', "https://a.example/x"),
        # the same URL twice (spelled differently) is not a conflict
        (
            '<link rel="canonical" href="https://a.example/x"><link rel="canonical" '
            'href="HTTPS://A.EXAMPLE/x">',
            "https://a.example/x",
        ),
        # conflicting canonical links: ambiguous
        ('<link rel="canonical" href="/a"><link rel="canonical" href="/b">', None),
        # unusable hrefs are ignored
        ('<link rel="canonical" href="javascript:void(0)">', None),
        ('<link rel="canonical" href="http://[broken/">', None),
        ('<link rel="canonical" href="   ">', None),
        # og:url is the fallback, under the same rules
        ('<meta property="og:url" content="/articles/7">', "https://www.example.com/articles/7"),
        (
            '<link rel="canonical" href="/from-link"><meta property="og:url" content="/from-og">',
            "https://www.example.com/from-link",
        ),
        ("", None),
    ],
)
def test_canonical_url(head: str, expected: str | None) -> None:
    assert canonical_url(f"<html><head>{head}</head><body>x</body></html>", PAGE) == expected


def test_canonical_link_in_body_is_ignored() -> None:
    # A <link> that user content puts in <body> (a comment, a post) must not rename the page.
    html = '<html><head></head><body><p>hi</p><link rel="canonical" href="https://evil.example/"></body>'
    assert canonical_url(html, PAGE) is None


def test_noscript_in_head_does_not_hide_the_canonical_link() -> None:
    html = '<head><noscript><img src="p.gif"></noscript><link rel="canonical" href="/c"></head>'
    assert canonical_url(html, PAGE) == "https://www.example.com/c"


def test_relative_canonical_without_base_is_unusable() -> None:
    assert canonical_url('<head><link rel="canonical" href="/c"></head>', None) is None


# --- hostile documents --------------------------------------------------------------------------


def _depth(tree: LexborHTMLParser) -> int:
    """The depth of the deepest element of the tree."""
    deepest = 0
    stack = [(tree.root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter())
    return deepest


@pytest.mark.parametrize(
    "hostile",
    [
        "<div>" * 200_000 + "10.1234/deep" + "</div>" * 200_000,
        "<li><ul>" * 100_000 + "10.1234/deep",
        "<span>" * 100_000 + "10.1234/deep" + "</x>" * 100_000,
        "<dl><dd><div>" * 60_000 + "10.1234/deep",
        ("<span>" + "<div>" * 400 + "</span>") * 300 + "10.1234/deep",
        "<div><table>" * 50_000 + "10.1234/deep" + "</div>" * 50_000,
    ],
    ids=["nested-divs", "nested-lists", "unmatched-ends", "nested-dl", "span-reset", "div-table"],
)
def test_deeply_nested_markup_is_parsed_quickly(hostile: str) -> None:
    started = time.perf_counter()
    text = html_to_text(hostile)
    elapsed = time.perf_counter() - started
    assert "10.1234/deep" in text
    assert elapsed < 10, f"took {elapsed:.1f}s (unguarded lexbor needs minutes)"
    assert _depth(parse_html(hostile)) <= MAX_DEPTH + 8


def test_attribute_flood_is_parsed_quickly() -> None:
    flood = "<p " + " ".join(f"a{i}=1" for i in range(200_000)) + ">10.1234/flood</p>"
    started = time.perf_counter()
    assert html_to_text(flood) == "10.1234/flood"
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    "legit",
    [
        "<table>" + "<tr><td>a<td>b" * 30_000 + "</table>",
        "<ul>" + "<li>item" * 30_000 + "</ul>",
        "<p>para" * 30_000,
        "<svg>" + "<path d='M0 0'/>" * 30_000 + "</svg>",
        "<div><span>x</span></div>" * 30_000,
        "<select>" + "<option>o" * 30_000 + "</select>",
        "<dl>" + "<dt>t<dd>d" * 30_000 + "</dl>",
        "<script>" + "<div>" * 30_000 + "</script><p>after</p>",
        "<!--" + "<div>" * 30_000 + "--><p>after</p>",
    ],
    ids=["table", "list", "paragraphs", "svg", "divs", "select", "dl", "script", "comment"],
)
def test_guard_leaves_large_legitimate_documents_alone(legit: str) -> None:
    assert defuse(legit) is legit or defuse(legit) == legit


def test_five_megabyte_page() -> None:
    block = (
        '<div class="c"><p>Text with <a href="/rel/{i}">a link</a> and <b>doi:10.1234/abc.{i}</b>'
        "</p><script>var s = '<a href=\"http://evil.example/{i}\">';</script></div>\n"
    )
    page = (
        '<html><head><link rel="canonical" href="/canonical"></head><body>'
        + "".join(block.format(i=i) for i in range(32_000))
        + "</body></html>"
    )
    assert len(page) > 5_000_000
    started = time.perf_counter()
    text = html_to_text(page)
    links = html_links(page, "http://example.com/")
    canonical = canonical_url(page, "http://example.com/page")
    elapsed = time.perf_counter() - started
    assert text.count("doi:10.1234/abc.") == 32_000
    assert "evil" not in text
    assert len(links) == 32_000
    assert all(link.startswith("http://example.com/rel/") for link in links)
    assert canonical == "http://example.com/canonical"
    assert elapsed < 20, f"took {elapsed:.1f}s"


def test_truncated_document() -> None:
    html = '<html><head><link rel="canonical" href="/c"></head><body><p>10.1234/x and <a href="/l'
    assert html_to_text(html) == "10.1234/x and"
    assert canonical_url(html, "http://example.com/") == "http://example.com/c"
