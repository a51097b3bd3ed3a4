"""A real HTTP server on 127.0.0.1 (random port) that replays recorded or hand-written answers.

It runs in its own thread with its own event loop, so both plain and async tests can use it,
and code under test can call ``asyncio.run`` freely. Routes are exact paths (compared
case-insensitively, as DOIs are); a route may hold a sequence of replies (``429`` then ``200``,
``500`` then ``200``), the last one repeating. Every request is recorded for assertions.

    with FakeServer() as server:
        server.add("/crossref/works/10.1/x", Reply(json={...}))
        settings = server.settings()          # crossref_url etc. pointing here
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from altscope.config import Settings

CROSSREF = "/crossref"
DATACITE = "/datacite"
OPENALEX = "/openalex"


@dataclass(frozen=True)
class Reply:
    """One answer: a status, a JSON document or raw body, headers, an optional delay."""

    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str | None = None

    def render(self) -> tuple[bytes, str]:
        if self.json is not None:
            return orjson.dumps(self.json), self.content_type or "application/json"
        body = self.body or b""
        data = body.encode("utf-8") if isinstance(body, str) else body
        return data, self.content_type or "text/plain"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


def _not_found(path: str) -> Reply:
    if path.startswith(DATACITE):
        return Reply(
            404,
            json={
                "errors": [
                    {"status": "404", "title": "The resource you are looking for doesn't exist."}
                ]
            },
        )
    if path.startswith(OPENALEX):
        return Reply(404, json={"error": "NotFoundError", "message": "Not found"})
    return Reply(404, body="Resource not found.")


class FakeServer:
    """The server; use it as a context manager (or ``start()`` / ``stop()``)."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._served: dict[str, int] = {}
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self.port = 0
        self.in_flight = 0
        self.max_in_flight = 0

    # -- routes ---------------------------------------------------------------------------------
    def add(self, path: str, *replies: Reply) -> None:
        """Serve ``replies`` in order at ``path`` (the last one again and again)."""
        if not replies:
            raise ValueError("give at least one reply")
        with self._lock:
            self._routes[path.lower()] = list(replies)
            self._served[path.lower()] = 0

    def add_many(self, routes: dict[str, Reply]) -> None:
        for path, reply in routes.items():
            self.add(path, reply)

    def hits(self, path: str) -> int:
        """How many requests reached ``path``."""
        return sum(1 for seen in self.requests if seen.path.lower() == path.lower())

    def paths(self, prefix: str = "") -> list[str]:
        return [seen.path for seen in self.requests if seen.path.startswith(prefix)]

    # -- addresses ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **overrides: Any) -> Settings:
        """Settings whose Crossref, DataCite and OpenAlex URLs point at this server."""
        values: dict[str, Any] = {
            "crossref_url": self.url + CROSSREF,
            "datacite_url": self.url + DATACITE,
            "openalex_url": self.url + OPENALEX,
            "contact_email": "altscope-tests@example.org",
            "http_timeout": 5.0,
            "http_retries": 2,
        }
        values.update(overrides)
        return Settings(**values)

    # -- serving --------------------------------------------------------------------------------
    def _route_key(self, request: web.Request) -> str | None:
        key = request.path.lower()
        return key if key in self._routes else None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        with self._lock:
            self.requests.append(
                SeenRequest(request.method, path, dict(request.query), dict(request.headers))
            )
            key = self._route_key(request)
            if key is None:
                reply = _not_found(path)
            else:
                index = self._served[key]
                self._served[key] = index + 1
                replies = self._routes[key]
                reply = replies[min(index, len(replies) - 1)]
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(reply)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _answer(self, reply: Reply) -> web.StreamResponse:
        if reply.delay:
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), reply.delay)
        body, content_type = reply.render()
        headers = {"Content-Type": content_type, **reply.headers}
        return web.Response(status=reply.status, body=body, headers=headers)

    def start(self) -> FakeServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as error:  # report start-up failures to the caller
                failure.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-metadata-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is None or self._runner is None:
            return

        async def shutdown() -> None:
            assert self._stopping is not None and self._runner is not None
            self._stopping.set()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def unused_url() -> str:
    """The URL of a 127.0.0.1 port nothing listens on (a service that is down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def offline_settings(**overrides: Any) -> Settings:
    """Settings whose three services are all unreachable (connection refused)."""
    values: dict[str, Any] = {
        "crossref_url": unused_url() + CROSSREF,
        "datacite_url": unused_url() + DATACITE,
        "openalex_url": unused_url() + OPENALEX,
        "contact_email": "altscope-tests@example.org",
        "http_timeout": 2.0,
        "http_retries": 1,
    }
    values.update(overrides)
    return Settings(**values)
