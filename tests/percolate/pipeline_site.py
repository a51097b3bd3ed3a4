"""A small web of hand-written sites on 127.0.0.1 for the percolator's end-to-end tests.

One aiohttp server answers for several host names (virtual hosts, told apart by the ``Host``
header); :func:`site_dns` resolves those names to 127.0.0.1 so the real SafeFetcher (SSRF guard,
robots.txt, redirects, limits) is used as in production:

- ``short.test``: a link shortener (redirects, one of them through the DOI resolver);
- ``doi.test``: the DOI resolver stand-in (``doi_resolver_url``): known DOIs redirect to their
  landing page, unknown ones are 404;
- ``publisher.test``: a publisher with Highwire / Dublin Core tags (and the usual traps:
  ``citation_reference`` tags, an example-prefix DOI, a 404);
- ``other.test``: pages with no meta tags whose body names DOIs, a page with only bibliographic
  tags (title, authors, journal), a page declaring a DOI on a host not known for its prefix;
- ``repo.test``: an institutional repository without meta tags, robots.txt forbidding /private/;
- ``crossref.test``: the Crossref works API stand-in (PII → DOI).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from altscope.config import Settings
from support.dns import TableDNS

HOSTS = ("short.test", "doi.test", "publisher.test", "other.test", "repo.test", "crossref.test")

TRACKED_TITLE = "Seasonal dynamics of soil microbial respiration in boreal peatlands"


def _page(head: str, body: str = "<p>Article text.</p>", title: str = "An article") -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    ).encode()


ALPHA = _page(
    """
    <meta name="citation_title" content="Alpha: a study of things">
    <meta name="citation_author" content="Rivera, Ana">
    <meta name="citation_journal_title" content="Journal of Tests">
    <meta name="citation_doi" content="10.1234/alpha">
    <meta name="citation_reference" content="citation_doi=10.9999/cited.one">
    <meta name="citation_reference" content="citation_doi=10.9999/cited.two">
    """,
    body="<p>We cite doi:10.9999/cited.one in passing.</p>",
)
BETA = _page('<meta name="dc.identifier" content="doi:10.1234/beta">')
EXAMPLE = _page('<meta name="citation_doi" content="10.5555/example.1">')
BODY_ONLY = _page(
    "",
    body=(
        "<p>This story is about doi:10.2000/body.1 (see it here). Related work: "
        "doi:10.3000/elsewhere.1</p>"
    ),
    title="A story",
)
META_ELSEWHERE = _page('<meta name="citation_doi" content="10.4000/meta.1">')
TITLED = _page(
    f"""
    <meta name="citation_title" content="{TRACKED_TITLE}">
    <meta name="citation_author" content="Virtanen, Liisa">
    <meta name="citation_author" content="Smith, John">
    """,
    title="Peatlands",
)
REPO_ITEM = _page("", body="<h1>Thesis</h1><p>No meta tags here.</p>", title="Repository item")

# DOI -> the landing page it resolves to (path on a host of this site)
DOIS: dict[str, tuple[str, str]] = {
    "10.1234/alpha": ("publisher.test", "/articles/alpha"),
    "10.1234/beta": ("publisher.test", "/articles/beta"),
    "10.2000/body.1": ("other.test", "/stories/body"),
    "10.3000/elsewhere.1": ("elsewhere.test", "/x"),
    "10.4000/meta.1": ("other.test", "/meta"),
    "10.1016/s0140-6736(20)30183-5": ("publisher.test", "/articles/lancet"),
    "10.5281/zenodo.1234567": ("zenodo.org", "/records/1234567"),  # checked, never followed
}
PII_DOIS = {"S0140673620301835": "10.1016/S0140-6736(20)30183-5"}


def site_dns() -> TableDNS:
    """Resolves this site's host names to 127.0.0.1; anything else does not exist."""
    return TableDNS({host: ["127.0.0.1"] for host in HOSTS})


@dataclass
class Site:
    """The running server; ``url(host, path)`` builds a URL on it, ``hits`` counts requests
    (keys ``"GET host/path"``)."""

    port: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    _runner: web.AppRunner | None = None

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "contact_email": "percolator-tests@example.org",
            "fetch_allow_hosts": ["127.0.0.1"],
            "fetch_host_delay": 0.0,
            "fetch_timeout": 5.0,
            "fetch_connect_timeout": 2.0,
            "fetch_read_timeout": 2.0,
            "doi_resolver_url": self.url("doi.test", ""),
            "crossref_url": self.url("crossref.test", ""),
        }
        values.update(overrides)
        return Settings(**values)

    async def __aenter__(self) -> Site:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        tcp = web.TCPSite(self._runner, "127.0.0.1", 0)
        await tcp.start()
        self.port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def _redirect(self, host: str, path: str, status: int = 301) -> web.Response:
        return web.Response(status=status, headers={"Location": self.url(host, path)})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").split(":")[0]
        path = request.path_qs
        self.hits[f"{request.method} {host}{request.path}"] += 1
        if request.path == "/robots.txt":
            rules = "Disallow: /private/" if host == "repo.test" else "Allow: /"
            return web.Response(text=f"User-agent: *\n{rules}\n")
        if host == "127.0.0.1":  # plain-address URLs (the CLI tests): resolver or publisher
            host = "doi.test" if request.path.startswith("/resolver/") else "publisher.test"
        handler = getattr(self, f"_{host.split('.')[0]}", None)
        if handler is None:
            return web.Response(status=404, text="no such site")
        return handler(request, path)

    def _html(self, body: bytes, status: int = 200) -> web.Response:
        return web.Response(body=body, status=status, content_type="text/html", charset="utf-8")

    def _short(self, request: web.Request, path: str) -> web.Response:
        targets = {
            "/a": ("doi.test", "/10.1234/alpha"),
            "/b": ("short.test", "/b2"),
            "/b2": ("publisher.test", "/articles/beta"),
            "/loop": ("short.test", "/loop"),
            "/repo": ("repo.test", "/items/5678"),
            "/nature": ("publisher.test", "/articles/example"),
        }
        if path not in targets:
            return web.Response(status=404, text="unknown short link")
        return self._redirect(*targets[path])

    def _doi(self, request: web.Request, path: str) -> web.Response:
        from urllib.parse import unquote

        doi = unquote(request.path.removeprefix("/resolver").lstrip("/")).lower()
        if doi not in DOIS:
            return self._html(_page("", "<h1>DOI Not Found</h1>", "Error: DOI Not Found"), 404)
        return self._redirect(*DOIS[doi], status=302)

    def _publisher(self, request: web.Request, path: str) -> web.Response:
        pages = {
            "/articles/alpha": ALPHA,
            "/articles/beta": BETA,
            "/articles/example": EXAMPLE,
            "/articles/lancet": _page(
                '<meta name="citation_doi" content="10.1016/S0140-6736(20)30183-5">'
            ),
        }
        if request.path not in pages:
            return self._html(_page("", "<h1>Not found</h1>", "404 Not Found"), 404)
        return self._html(pages[request.path])

    def _other(self, request: web.Request, path: str) -> web.Response:
        pages = {"/stories/body": BODY_ONLY, "/meta": META_ELSEWHERE, "/titled": TITLED}
        if request.path not in pages:
            return self._html(_page("", "<h1>Not found</h1>", "404 Not Found"), 404)
        return self._html(pages[request.path])

    def _repo(self, request: web.Request, path: str) -> web.Response:
        return self._html(REPO_ITEM)

    def _crossref(self, request: web.Request, path: str) -> web.Response:
        wanted = request.query.get("filter", "").removeprefix("alternative-id:")
        doi = PII_DOIS.get(wanted)
        items = [{"DOI": doi}] if doi else []
        return web.Response(
            body=orjson.dumps({"status": "ok", "message": {"items": items}}),
            content_type="application/json",
        )


@contextlib.contextmanager
def site_in_thread() -> Iterator[Site]:
    """The site served from its own thread and event loop (for code that calls asyncio.run)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    site = Site()
    asyncio.run_coroutine_threadsafe(site.__aenter__(), loop).result(10)
    try:
        yield site
    finally:
        asyncio.run_coroutine_threadsafe(site.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
