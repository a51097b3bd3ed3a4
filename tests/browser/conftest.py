"""Browser fixtures: Debian's Chromium driven by Playwright (sync API), the altscope app on a
live server and a "host" site on a second origin (another port), like a repository page that
embeds badges.

One browser per session, a fresh context (no shared cookies or cache) per test. A failing test
leaves a screenshot in tests/browser/screenshots/. Skips only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from altscope.config import Settings
from altscope.web.app import create_app
from support.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TIMEOUT_MS = 15_000


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the item (``rep_setup``, ``rep_call``) for the fixtures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, launched once per test module.

    Not once per session: Playwright's sync API keeps its event loop running until it stops,
    which would break the asyncio tests collected after the browser tests.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own cookies and cache)."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page; when the test fails, a screenshot of it goes to tests/browser/screenshots/."""
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as error:  # the page may be gone; the test's failure is what matters
            print(f"could not save a screenshot: {error}")


@pytest.fixture
def server(engine: Engine) -> Iterator[str]:
    """The altscope app on a live server for the test's database: its base URL."""
    settings = Settings(api_rate_limit_anonymous=0, api_rate_limit_keyed=0, public_base_url=None)
    with live_server(create_app(engine, settings=settings)) as base_url:
        yield base_url


class HostSite:
    """Pages served from a second origin; ``put(path, html)`` publishes one, returns its URL."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.base_url = ""

    def put(self, path: str, html: str) -> str:
        self.pages[path] = html
        return self.base_url + path

    async def serve(self, request: Request) -> Response:
        html = self.pages.get(request.url.path)
        if html is None:
            return PlainTextResponse("no such page", status_code=404)
        return HTMLResponse(html)


@pytest.fixture(scope="session")
def _host_site() -> Iterator[HostSite]:
    site = HostSite()
    app = Starlette(routes=[Route("/{path:path}", site.serve)])
    with live_server(app) as base_url:
        site.base_url = base_url
        yield site


@pytest.fixture
def host(_host_site: HostSite) -> Iterator[HostSite]:
    """The host site, emptied after the test."""
    yield _host_site
    _host_site.pages.clear()
