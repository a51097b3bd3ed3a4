"""The bookmarklet in Chromium: from an article page to altscope's details page."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx
from sqlalchemy import Engine

from support.badge_data import add_output

DOI = "10.1016/S0140-6736(11)61619-X"


def bookmarklet_code(server: str) -> str:
    """The JavaScript of the install page's link, as a browser would run it."""
    page = httpx.get(f"{server}/bookmarklet").text
    href = re.search(r'id="altscope-bookmarklet" href="([^"]+)"', page).group(1)
    href = href.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    assert href.startswith("javascript:")
    return unquote(href[len("javascript:") :])


def click_bookmarklet(page, server: str) -> None:
    page.evaluate("code => { (0, eval)(code); }", bookmarklet_code(server))


def article(head: str = "", body: str = "<h1>An article</h1>") -> str:
    return f"<!doctype html><html><head><title>Article</title>{head}</head><body>{body}</body>"


def test_meta_tag_article(page, server: str, host, engine: Engine) -> None:
    output = add_output(engine, [DOI], title="The Lancet paper", posts={"news": 1})
    add_output(engine, ["10.5555/cited.elsewhere"], posts={"blog": 1})
    url = host.put(
        "/journal/article/42",
        article(
            head=f'<meta name="citation_title" content="x"><meta name="citation_doi" '
            f'content="doi:{DOI.lower()}">',
            body='<p>Cites <a href="https://doi.org/10.5555/cited.elsewhere">another</a>.</p>',
        ),
    )
    page.goto(url)
    click_bookmarklet(page, server)
    page.wait_for_url(f"{server}/details/{output.output_id}")
    assert page.url == f"{server}/details/{output.output_id}"


def test_doi_in_the_address(page, server: str, host, engine: Engine) -> None:
    output = add_output(engine, ["10.5555/in.path-42"], posts={"news": 1})
    page.goto(host.put("/doi/full/10.5555/in.path-42", article()))
    click_bookmarklet(page, server)
    page.wait_for_url(f"{server}/details/{output.output_id}")


def test_pmid_meta_when_the_doi_is_unknown(page, server: str, host, engine: Engine) -> None:
    output = add_output(engine, [("21771119", "pmid")], posts={"news": 1})
    head = (
        '<meta name="citation_doi" content="10.9999/not.tracked">'
        '<meta name="citation_pmid" content="21771119">'
    )
    page.goto(host.put("/pubmed.html", article(head=head)))
    click_bookmarklet(page, server)
    page.wait_for_url(f"{server}/details/{output.output_id}")


def test_untracked_article(page, server: str, host, engine: Engine) -> None:
    page.goto(
        host.put(
            "/untracked.html",
            article(head='<meta name="citation_doi" content="10.9999/<b>not</b>.tracked">'),
        )
    )
    with page.expect_response(lambda r: "/details/lookup" in r.url) as response_info:
        click_bookmarklet(page, server)
    response = response_info.value
    assert response.status == 404
    page.wait_for_url(re.compile(re.escape(f"{server}/details/lookup?") + ".*"))
    assert page.locator("h1").inner_text() == "Not tracked yet"
    assert "10.9999/<b>not</b>.tracked" in page.locator("table").inner_text()
    assert page.locator("table b").count() == 0


def test_install_page_explains(page, server: str) -> None:
    page.goto(f"{server}/bookmarklet")
    link = page.locator("#altscope-bookmarklet")
    assert link.get_attribute("href").startswith("javascript:")
    text = page.locator("main").inner_text()
    assert "bookmarks bar" in text and "citation_doi" in text and "cookies" in text
