"""The details page in Chromium: renders, tabs work (with and without JS), charts and map are
drawn, nothing leaves 127.0.0.1, no console error, no CSP violation, print hides navigation.

Uses the ``page`` fixture of tests/browser/conftest.py (a screenshot on failure).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from support.live_server import live_server
from support.pages_data import EVIL, app_for, build

#: Records CSP violations the page reports (Playwright's init scripts are not subject to CSP).
RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[str, dict[str, int]]]:
    data = build(engine)
    with live_server(app_for(engine)) as base_url:
        yield base_url, data


class Watch:
    """Requests, console errors and page errors of one page."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        page.add_init_script(RECORD_CSP)

    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname or "" for url in self.urls if not url.startswith("data:")}


def test_details_page_renders_with_charts_and_map(page: Any, site) -> None:
    base_url, data = site
    watch = Watch(page)
    page.goto(f"{base_url}/details/{data['main']}")
    page.wait_for_load_state("networkidle")
    heading = page.locator("h1").first.inner_text()
    assert EVIL in heading  # shown as text, not run
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("svg.worldmap path.country").count() > 150
    assert page.locator("svg.worldmap path.has-data").count() >= 2  # FR, US, GB accounts
    assert page.locator("svg.timeline rect").count() >= 3
    assert page.locator(".donut svg").count() == 1
    assert page.locator("#mentions li.mention").count() == 3
    # the stylesheet applied (a CSS rule, not an inline style)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
    )
    assert watch.hosts() == {"127.0.0.1"}, watch.urls
    assert watch.errors == [], watch.urls
    assert page.evaluate("window.__csp") == []


def test_tabs_switch_without_reload(page: Any, site) -> None:
    base_url, data = site
    watch = Watch(page)
    page.goto(f"{base_url}/details/{data['main']}")
    page.evaluate("window.__same_document = true")
    page.locator("nav.tabs a.tab", has_text="News").click()
    # (no wait_for_function: it evaluates a string, which the page's CSP rightly forbids)
    expect(page.locator("nav.tabs a.tab.selected")).to_contain_text("News")
    mentions = page.locator("#mentions li.mention")
    expect(mentions).to_have_count(1)
    assert "The Daily Planet" in mentions.first.inner_text()
    assert page.evaluate("window.__same_document") is True  # switched by details.js
    assert "source=news" in page.url
    page.go_back()
    expect(page.locator("#mentions li.mention")).to_have_count(3)
    assert watch.hosts() == {"127.0.0.1"}
    assert watch.errors == []
    assert page.evaluate("window.__csp") == []


def test_tabs_work_without_javascript(browser: Any, site) -> None:
    base_url, data = site
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/details/{data['main']}")
        page.locator("nav.tabs a.tab", has_text="Bluesky").click()
        page.wait_for_url("**source=bluesky**")
        names = page.locator("#mentions li.mention .actor-name").all_inner_texts()
        assert len(names) == 2 and "The Daily Planet" not in names
    finally:
        context.close()


def test_print_shows_sections_without_navigation(page: Any, site) -> None:
    base_url, data = site
    page.goto(f"{base_url}/details/{data['main']}")
    page.emulate_media(media="print")
    assert not page.locator("nav.tabs").is_visible()
    assert not page.locator("header.site nav").is_visible()
    for section in ("#score", "#mentions", "#timeline", "#map", "#people", "#history"):
        assert page.locator(section).is_visible()
