"""HTTP caching of public answers: ETag, ``If-None-Match`` → 304, ``Cache-Control``; and the
per-process cache of rendered answers the hot paths (badges, v1 counts) keep.

``cached_response`` is shared by the APIs and the badges. The ETag is a hash of ``etag_seed``
when one is given (e.g. output id, rules version and ``computed_at`` of its score, plus whatever
else shapes the body), otherwise of the body itself.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_AGE = 300


def make_etag(data: bytes | str) -> str:
    """A strong ETag (quoted) for ``data``."""
    raw = data.encode() if isinstance(data, str) else data
    return '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"'


def etag_matches(request: Request, etag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``etag`` (or ``*``)."""
    return names_etag(request.headers.get("if-none-match"), etag)


def names_etag(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header value names ``etag`` (or ``*``)."""
    if not header:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate in (etag, "*"):
            return True
    return False


def max_age_of(request: Request) -> int:
    """The configured public cache lifetime (``api_cache_max_age``) of the request's app."""
    return getattr(request.app.state, "cache_max_age", DEFAULT_MAX_AGE)


def cache_headers(etag: str, max_age: int) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}


def cached_response(
    request: Request,
    body: bytes,
    media_type: str,
    etag_seed: bytes | str | None = None,
    *,
    max_age: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """``body`` with ``ETag`` and ``Cache-Control: public, max-age=…``; 304 if the client has it.

    ``etag_seed`` (optional) must change whenever the body does; without it the body is hashed.
    ``max_age`` defaults to the app's ``api_cache_max_age`` setting.
    """
    etag = make_etag(body if etag_seed is None else etag_seed)
    extra = cache_headers(etag, max_age_of(request) if max_age is None else max_age)
    if headers:
        extra.update(headers)
    if etag_matches(request, etag):
        return Response(status_code=304, headers=extra)
    return Response(content=body, media_type=media_type, headers=extra)


class ETagMiddleware:
    """ETag, ``Cache-Control`` and 304s for the JSON answers of GET requests under ``prefixes``
    that did not set an ETag themselves (the native API). Pure ASGI; buffers those bodies."""

    def __init__(self, app: ASGIApp, *, prefixes: tuple[str, ...], max_age: int) -> None:
        self.app = app
        self.prefixes = prefixes
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if message["status"] != 200 or any(k.lower() == b"etag" for k, _ in headers):
                    start = None  # passed through as it is
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            etag = make_etag(body)
            headers = [
                (k, v)
                for k, v in start.get("headers", ())
                if k.lower() not in (b"content-length", b"etag", b"cache-control")
            ]
            headers += [
                (b"etag", etag.encode()),
                (b"cache-control", f"public, max-age={self.max_age}".encode()),
            ]
            if etag_matches(Request(scope), etag):
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)


# --- the hot paths' answer cache -----------------------------------------------------------

#: Longest a cached answer is reused (seconds) even when its check still matches: the bound on
#: how stale the parts of an answer that its check does not cover can be.
ANSWER_TTL = 60.0
ANSWER_CACHE_SIZE = 10_000


@dataclass(slots=True)
class Answer:
    """A rendered 200 answer: its body, ETag and headers, and ``check``, the database row(s) it
    was made from. The answer is reused only while a fresh read of the same row(s) compares
    equal to ``check`` (or nothing was committed since it did), so a changed score or title
    shows at once."""

    body: bytes
    etag: str
    headers: list[tuple[bytes, bytes]]
    not_modified_headers: list[tuple[bytes, bytes]]
    check: Any
    lookup: Any
    stored: float
    #: The database's version token when ``check`` was last found current (see
    #: :meth:`altscope.web.badges.lookup.HotReader.version`); None: unknown.
    seen: Any = None


def answer(
    body: bytes,
    media_type: bytes,
    max_age: int,
    check: Any,
    lookup: Any,
    extra: Sequence[tuple[bytes, bytes]] = (),
) -> Answer:
    """An :class:`Answer` for ``body`` (ETag: hash of the body), headers precomputed (``extra``
    headers included, in 304s too)."""
    etag = make_etag(body)
    common = [
        (b"etag", etag.encode()),
        (b"cache-control", b"public, max-age=%d" % max_age),
        *extra,
    ]
    headers = [
        (b"content-type", media_type),
        (b"content-length", str(len(body)).encode()),
        *common,
    ]
    return Answer(body, etag, headers, common, check, lookup, time.monotonic())


def if_none_match(scope: Scope) -> str | None:
    """The request's ``If-None-Match`` header, if any."""
    for key, value in scope["headers"]:
        if key == b"if-none-match":
            return value.decode("latin-1")
    return None


async def send_answer(
    scope: Scope, send: Send, entry: Answer, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Send ``entry`` (or a 304 when the client has it; no body for HEAD), ``extra`` headers
    added."""
    if names_etag(if_none_match(scope), entry.etag):
        headers = entry.not_modified_headers
        if extra:
            headers = [*headers, *extra]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = entry.headers
    if extra:
        headers = [*headers, *extra]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    body = b"" if scope["method"] == "HEAD" else entry.body
    await send({"type": "http.response.body", "body": body})


class AnswerCache:
    """A small LRU of :class:`Answer` per process, keyed by whatever shapes the answer."""

    def __init__(self, size: int = ANSWER_CACHE_SIZE, ttl: float = ANSWER_TTL) -> None:
        self.size = size
        self.ttl = ttl
        self.entries: OrderedDict[Hashable, Answer] = OrderedDict()

    def get(self, key: Hashable) -> Answer | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry.stored > self.ttl:
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: Hashable, entry: Answer) -> None:
        self.entries[key] = entry
        self.entries.move_to_end(key)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()
