"""A real HTTP server on 127.0.0.1 that answers like the worst of the web.

Every route is hostile in one way (huge, compressed bombs, trickling, lying about its charset,
redirecting in circles or to private addresses, rate-limiting). The server records what it saw —
requests per path, user agents, requests in flight at once, bytes it managed to send — so tests
can check what the fetcher did, not just what it returned.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from aiohttp import web

try:
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

MB = 1024 * 1024
HTML = b"<!doctype html><html><head><title>ok</title></head><body><p>fine</p></body></html>"


@lru_cache(maxsize=1)
def gzip_bomb(size: int = 64 * MB) -> bytes:
    """``size`` zero bytes, gzip-compressed (about a thousandth of that on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * MB
    parts = [compressor.compress(block) for _ in range(size // MB)]
    parts.append(compressor.flush())
    return b"".join(parts)


@lru_cache(maxsize=1)
def deflate_bomb(size: int = 64 * MB) -> bytes:
    """A raw deflate stream (no zlib header, as some servers send) of ``size`` zero bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\0" * MB
    parts = [compressor.compress(block) for _ in range(size // MB)]
    parts.append(compressor.flush())
    return b"".join(parts)


@lru_cache(maxsize=1)
def brotli_bomb(size: int = 64 * MB) -> bytes:
    compressor = brotli.Compressor(quality=5)
    block = b"\0" * MB
    parts = [compressor.process(block) for _ in range(size // MB)]
    parts.append(compressor.finish())
    return b"".join(parts)


def build_bombs() -> None:
    """Compress the bombs now (seconds' work, cached), not while a test measures memory."""
    gzip_bomb()
    deflate_bomb()
    if brotli is not None:
        brotli_bomb()


@dataclass
class Seen:
    """What the server observed."""

    paths: Counter[str] = field(default_factory=Counter)
    user_agents: list[str] = field(default_factory=list)
    raw_paths: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    bytes_sent: Counter[str] = field(default_factory=Counter)
    peers: set[tuple[str, int]] = field(default_factory=set)

    @property
    def requests(self) -> int:
        return sum(self.paths.values())


class HostileServer:
    """``async with HostileServer() as server:``, then fetch ``server.url("/big")``."""

    def __init__(self, robots: str | None = None) -> None:
        self.robots = robots
        self.seen = Seen()
        self.rate_limited_once: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def __aenter__(self) -> HostileServer:
        app = web.Application(middlewares=[self._record])
        routes = {
            "/robots.txt": self.robots_txt,
            "/page": self.page,
            "/private/page": self.page,
            "/big": self.big,
            "/big-declared": self.big_declared,
            "/gzip-bomb": self.gzip_bomb,
            "/deflate-bomb": self.deflate_bomb,
            "/br-bomb": self.br_bomb,
            "/corrupt-gzip": self.corrupt_gzip,
            "/gzip-page": self.gzip_page,
            "/deep": self.deep,
            "/lying-charset": self.lying_charset,
            "/invalid-utf8": self.invalid_utf8,
            "/unknown-charset": self.unknown_charset,
            "/loop/a": self.loop_a,
            "/loop/b": self.loop_b,
            "/self-loop": self.self_loop,
            "/chain/{n}": self.chain,
            "/redirect": self.redirect,
            "/trickle": self.trickle,
            "/stall": self.stall,
            "/no-headers": self.no_headers,
            "/rate-limited": self.rate_limited,
            "/rate-limited-once": self.rate_limited_once_route,
            "/slow": self.slow,
            "/pdf": self.pdf,
            "/status/{code}": self.status,
            "/cookie-check": self.cookie_check,
            "/head-refused": self.head_refused,
            "/doi/{doi:.*}": self.doi_resolver,
            "/huge-header": self.huge_header,
        }
        for path, handler in routes.items():
            app.router.add_route("*", path, handler)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=0.1,
            handler_cancellation=True,  # a client hanging up ends its handler
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        seen = self.seen
        seen.paths[request.path] += 1
        seen.user_agents.append(request.headers.get("User-Agent", ""))
        seen.raw_paths.append(request.raw_path)
        seen.methods.append(request.method)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            seen.peers.add(tuple(peer[:2]))
        seen.in_flight += 1
        seen.max_in_flight = max(seen.max_in_flight, seen.in_flight)
        try:
            return await handler(request)
        finally:
            seen.in_flight -= 1

    async def _stream(self, request: web.Request, chunks, **headers: str) -> web.StreamResponse:
        """Send ``chunks`` one by one, counting what got out before the client hung up."""
        response = web.StreamResponse(headers={"Content-Type": "text/html", **headers})
        await response.prepare(request)
        try:
            async for chunk in chunks:
                await response.write(chunk)
                self.seen.bytes_sent[request.path] += len(chunk)
        except (ConnectionError, asyncio.CancelledError):
            return response
        return response

    # -- routes -------------------------------------------------------------------------------

    async def robots_txt(self, request: web.Request) -> web.Response:
        if self.robots is None:
            return web.Response(status=404, text="no robots here")
        if self.robots.startswith("status:"):
            return web.Response(status=int(self.robots.removeprefix("status:")))
        return web.Response(text=self.robots, content_type="text/plain")

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(body=HTML, content_type="text/html", charset="utf-8")

    async def big(self, request: web.Request) -> web.StreamResponse:
        """50 MB of HTML, chunked (no Content-Length to warn the client)."""

        async def chunks():
            yield b"<html><body>"
            block = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"
            for _ in range(50 * MB // len(block)):
                yield block

        return await self._stream(request, chunks())

    async def big_declared(self, request: web.Request) -> web.StreamResponse:
        """Announces 50 MB in Content-Length: the client should not even start reading."""

        async def chunks():
            block = b"y" * (64 * 1024)
            for _ in range(50 * MB // len(block)):
                yield block

        return await self._stream(request, chunks(), **{"Content-Length": str(50 * MB)})

    async def gzip_bomb(self, request: web.Request) -> web.Response:
        return web.Response(
            body=gzip_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    async def deflate_bomb(self, request: web.Request) -> web.Response:
        return web.Response(
            body=deflate_bomb(),
            headers={"Content-Type": "text/html", "Content-Encoding": "deflate"},
        )

    async def br_bomb(self, request: web.Request) -> web.Response:
        return web.Response(
            body=brotli_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "br"}
        )

    async def corrupt_gzip(self, request: web.Request) -> web.Response:
        return web.Response(
            body=b"\x1f\x8b\x08\x00garbage that is not deflate data at all" * 10,
            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        )

    async def gzip_page(self, request: web.Request) -> web.Response:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        body = compressor.compress(HTML) + compressor.flush()
        return web.Response(
            body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    async def deep(self, request: web.Request) -> web.Response:
        depth = 50_000
        body = b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"
        return web.Response(body=body, content_type="text/html")

    async def lying_charset(self, request: web.Request) -> web.Response:
        """Says UTF-8, sends Latin-1 (and a meta tag claiming Shift_JIS for good measure)."""
        body = '<meta charset="shift_jis"><p>Café Müller naïve</p>'.encode("latin-1")
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    async def invalid_utf8(self, request: web.Request) -> web.Response:
        body = b"<p>broken \xff\xfe\xc3\x28 \xed\xa0\x80 bytes</p>"
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=UTF-8"})

    async def unknown_charset(self, request: web.Request) -> web.Response:
        body = "<p>résumé</p>".encode()
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=x-klingon"})

    async def loop_a(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop/b")

    async def loop_b(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(self.url("/loop/a"))

    async def self_loop(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/self-loop")

    async def chain(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n <= 0:
            return await self.page(request)
        raise web.HTTPFound(f"/chain/{n - 1}")

    async def redirect(self, request: web.Request) -> web.Response:
        """302 to whatever ``?to=`` says (a private address, another scheme...)."""
        return web.Response(status=302, headers={"Location": request.query["to"]})

    async def trickle(self, request: web.Request) -> web.StreamResponse:
        """One byte per ``?every=`` seconds (default 1), for ever."""
        every = float(request.query.get("every", "1"))

        async def chunks():
            yield b"<"
            while True:
                await asyncio.sleep(every)
                yield b"p"

        return await self._stream(request, chunks())

    async def stall(self, request: web.Request) -> web.StreamResponse:
        """Headers and a little body, then silence."""

        async def chunks():
            yield b"<html><body>start"
            await asyncio.sleep(3600)

        return await self._stream(request, chunks())

    async def no_headers(self, request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response(text="too late")

    async def rate_limited(self, request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "3600"}, text="slow down")

    async def rate_limited_once_route(self, request: web.Request) -> web.Response:
        if "done" not in self.rate_limited_once:
            self.rate_limited_once.add("done")
            return web.Response(status=429, headers={"Retry-After": "1"}, text="slow down")
        return await self.page(request)

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("for", "0.2")))
        return await self.page(request)

    async def pdf(self, request: web.Request) -> web.StreamResponse:
        async def chunks():
            yield b"%PDF-1.7\n"
            for _ in range(100):
                yield b"0" * (64 * 1024)

        return await self._stream(request, chunks(), **{"Content-Type": "application/pdf"})

    async def status(self, request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="status page")

    async def cookie_check(self, request: web.Request) -> web.Response:
        """The publisher dance: no cookie -> set one and redirect to itself; cookie -> page."""
        if request.cookies.get("session") == "1":
            return await self.page(request)
        response = web.Response(status=302, headers={"Location": "/cookie-check"})
        response.set_cookie("session", "1")
        return response

    async def head_refused(self, request: web.Request) -> web.Response:
        if request.method == "HEAD":
            return web.Response(status=405)
        raise web.HTTPFound("/page")

    async def huge_header(self, request: web.Request) -> web.Response:
        return web.Response(body=HTML, headers={"X-Junk": "j" * 200_000})

    async def doi_resolver(self, request: web.Request) -> web.Response:
        """A DOI resolver: DOIs ending in ``exists`` redirect, ``broken`` fail, others 404."""
        doi = request.match_info["doi"]
        self.seen.paths[f"doi:{doi}"] += 1
        if doi.endswith("exists") or doi.endswith("a#b"):
            return web.Response(status=302, headers={"Location": "https://publisher.invalid/x"})
        if doi.endswith("broken"):
            return web.Response(status=503, text="resolver down")
        return web.Response(status=404, text="DOI not found")


async def start_garbage_server() -> tuple[asyncio.Server, int]:
    """A TCP server on 127.0.0.1 that answers every connection with bytes that are not HTTP."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: banana\r\n\x00\x01\x02\r\n\r\nhi")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]
