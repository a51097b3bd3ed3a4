"""Rate limits for ``/api`` and ``/v1``: per API key, or per client address without one.

Fixed one-minute windows aligned to the clock, counted in memory per server process (with N
worker processes a client may get up to N times the limit). A key comes in the ``X-API-Key``
header or the ``key`` query parameter (what Altmetric clients send). Every limited answer
carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (Unix
seconds when the window ends); a refused one is a 429 with ``Retry-After`` (seconds).
Written as pure ASGI middleware: it costs a dictionary update per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

import anyio.to_thread
import orjson
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from altscope.web.keys import KeyIdentity, hash_key, touch_key, verify_key

WINDOW = 60
LIMITED_PREFIXES = ("/api/", "/v1/")
KEY_CACHE_TTL = 60.0
KEY_CACHE_SIZE = 10_000
#: Scope key holding the outcome of :meth:`RateLimits.admit` (the headers to add).
ADMITTED = "altscope.rate_limit_headers"


class FixedWindow:
    """Counts hits per bucket in the current clock-aligned window."""

    def __init__(self, window: int = WINDOW, clock: Callable[[], float] = time.time) -> None:
        self.window = window
        self.clock = clock
        self.current = -1
        self.counts: dict[str, int] = {}

    def hit(self, bucket: str, limit: int) -> tuple[bool, int, int]:
        """Count a hit: (allowed, remaining, reset as Unix seconds)."""
        now = self.clock()
        window = int(now // self.window)
        if window != self.current:
            self.current, self.counts = window, {}
        count = self.counts.get(bucket, 0) + 1
        self.counts[bucket] = count
        reset = (window + 1) * self.window
        return count <= limit, max(0, limit - count), reset


@dataclass(slots=True)
class _Cached:
    identity: KeyIdentity | None
    expires: float


class KeyCache:
    """Verified keys, remembered for a minute (a revoked key stops working within that)."""

    def __init__(self, engine: Engine, ttl: float = KEY_CACHE_TTL) -> None:
        self.engine = engine
        self.ttl = ttl
        self.entries: dict[str, _Cached] = {}

    def clear(self) -> None:
        self.entries.clear()

    def _verify(self, key: str) -> KeyIdentity | None:
        with Session(self.engine) as session:
            identity = verify_key(session, key)
            if identity is not None:
                touch_key(session, identity.id)
                session.commit()
            return identity

    async def lookup(self, key: str) -> KeyIdentity | None:
        digest = hash_key(key)
        now = time.monotonic()
        cached = self.entries.get(digest)
        if cached is not None and cached.expires > now:
            return cached.identity
        identity = await anyio.to_thread.run_sync(self._verify, key)
        if len(self.entries) >= KEY_CACHE_SIZE:
            self.entries.clear()
        self.entries[digest] = _Cached(identity, now + self.ttl)
        return identity


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def api_key_of(scope: Scope) -> str | None:
    """The key a request presents: ``X-API-Key`` header, else the ``key`` query parameter."""
    key = _header(scope, b"x-api-key")
    if key:
        return key.strip()
    query = scope.get("query_string", b"")
    if b"key=" in query:
        values = parse_qs(query.decode("latin-1")).get("key")
        if values and values[0]:
            return values[0].strip()
    return None


async def _send_json(send: Send, status: int, detail: str, headers: list) -> None:
    body = orjson.dumps({"detail": detail})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RateLimits:
    """The policy: who is limited to what, and the counters. Shared by the middleware and the
    hot paths of :mod:`altscope.web.app` (which answer ``/v1/`` counts before the middleware)."""

    def __init__(
        self,
        *,
        engine: Engine,
        anonymous: int,
        keyed: int,
        exempt: list[str] | tuple[str, ...] = (),
        limiter: FixedWindow | None = None,
        keys: KeyCache | None = None,
    ) -> None:
        self.anonymous = anonymous
        self.keyed = keyed
        self.exempt = frozenset(exempt)
        self.limiter = limiter or FixedWindow()
        self.keys = keys or KeyCache(engine)

    async def admit(
        self, scope: Scope, send: Send, refusal_headers: Sequence[tuple[bytes, bytes]] = ()
    ) -> list[tuple[bytes, bytes]] | None:
        """Count the request: the headers to add to its answer, or ``None`` when it was refused
        (a 403 or 429 has then been sent). The outcome is kept in the scope, so that a request
        counted here and then passed on is not counted again by the middleware. A refusal also
        carries ``refusal_headers``."""
        done = scope.get(ADMITTED)
        if done is not None:
            return done
        headers = await self._admit(scope, send, refusal_headers)
        if headers is not None:
            scope[ADMITTED] = headers
        return headers

    async def _admit(
        self, scope: Scope, send: Send, refusal_headers: Sequence[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]] | None:
        key = api_key_of(scope)
        if key is not None:
            identity = await self.keys.lookup(key)
            if identity is None:
                await _send_json(send, 403, "unknown or revoked API key", [*refusal_headers])
                return None
            scope.setdefault("state", {})["api_key"] = identity
            limit = self.keyed if identity.rate_limit is None else identity.rate_limit
            bucket = f"k:{identity.id}"
        else:
            client = scope.get("client")
            address = client[0] if client else "unknown"
            if address in self.exempt:
                return []
            limit, bucket = self.anonymous, f"a:{address}"
        if limit <= 0:
            return []
        allowed, remaining, reset = self.limiter.hit(bucket, limit)
        headers = [
            (b"x-ratelimit-limit", str(limit).encode()),
            (b"x-ratelimit-remaining", str(remaining).encode()),
            (b"x-ratelimit-reset", str(reset).encode()),
        ]
        if not allowed:
            wait = max(1, reset - int(self.limiter.clock()))
            headers.append((b"retry-after", str(wait).encode()))
            message = f"rate limit of {limit} requests a minute reached"
            await _send_json(send, 429, message, [*headers, *refusal_headers])
            return None
        return headers


def is_limited(scope: Scope) -> bool:
    """Whether rate limits apply to the request (``/api/`` and ``/v1/``, not preflights)."""
    return scope["path"].startswith(LIMITED_PREFIXES) and scope["method"] != "OPTIONS"


class RateLimitMiddleware:
    """Checks keys and counts requests under ``/api/`` and ``/v1/``."""

    def __init__(self, app: ASGIApp, *, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_limited(scope):
            await self.app(scope, receive, send)
            return
        headers = await self.limits.admit(scope, send)
        if headers is None:
            return
        if not headers:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
