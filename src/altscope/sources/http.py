"""One polite HTTP layer for the metadata APIs (Crossref, DataCite, OpenAlex).

Politeness is handled here once: a User-Agent with a contact address, bounded concurrency per
host, the host's own rate limit (``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval``), waiting
out ``429`` and ``Retry-After``, and retries with exponential backoff and jitter on ``5xx``,
timeouts and connection errors. A ``404`` (or ``410``) means "no record" and gives ``None``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson
from yarl import URL

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 500, 502, 503, 504, 520, 521, 522, 523, 524})
NOT_FOUND_STATUSES = frozenset({404, 410})


class SourceError(Exception):
    """A request to an outside service failed. ``transient`` errors are worth retrying later."""

    transient = False

    def __init__(self, message: str, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class ServiceUnavailable(SourceError):
    """The service could not be reached, timed out, failed (5xx) or kept rate-limiting us."""

    transient = True


class RequestRejected(SourceError):
    """The service refused the request (4xx other than 404/429): retrying will not help."""


class BadResponse(SourceError):
    """The service answered 200 with something that is not the expected JSON."""

    transient = True


@dataclass(slots=True)
class _HostState:
    """Concurrency and pacing for one host; limits shrink when the host announces its own."""

    limit: int
    active: int = 0
    min_interval: float = 0.0
    next_start: float = 0.0
    last_start: float = 0.0
    paused_until: float = 0.0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


@dataclass(slots=True)
class PolitePolicy:
    """How hard we try: attempts, waits and limits."""

    timeout: float = 20.0
    retries: int = 3
    concurrency: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0


class PoliteClient:
    """An aiohttp session that fetches JSON politely. Use it as an async context manager."""

    def __init__(
        self,
        user_agent: str,
        policy: PolitePolicy | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.policy = policy or PolitePolicy()
        self._session = session
        self._own_session = session is None
        self._hosts: dict[str, _HostState] = {}
        self.requests_made = 0

    async def __aenter__(self) -> PoliteClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                timeout=aiohttp.ClientTimeout(total=self.policy.timeout),
                raise_for_status=False,
            )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._own_session:
            await self._session.close()
        self._session = None

    async def get_json(
        self, url: str | URL, params: Mapping[str, str] | None = None
    ) -> dict[str, Any] | None:
        """GET ``url`` and decode its JSON object; ``None`` when the service has no record.

        Pass a :class:`yarl.URL` built with ``encoded=True`` (see :func:`path_url`) when the
        path holds an identifier that must stay percent-encoded.

        Raises :class:`ServiceUnavailable` after the retries are spent, :class:`RequestRejected`
        for a 4xx answer, :class:`BadResponse` when the body is not a JSON object.
        """
        if self._session is None:
            raise RuntimeError("use PoliteClient as 'async with PoliteClient(...) as client'")
        target = url if isinstance(url, URL) else URL(url)
        if params:
            target = target.update_query(params)
        host = self._host(target)
        attempt = 0
        while True:
            try:
                status, headers, body = await self._request(host, target)
            except (aiohttp.ClientError, TimeoutError) as error:
                reason = _describe(error)
                if attempt >= self.policy.retries:
                    raise ServiceUnavailable(
                        f"{target.host}:{target.port}: {reason}", str(target)
                    ) from error
                await self._backoff(attempt, reason, target)
                attempt += 1
                continue
            self._learn_limits(host, headers)
            if status in NOT_FOUND_STATUSES:
                return None
            if status == 429 or (status == 503 and "Retry-After" in headers):
                wait = _retry_after(headers)
                if attempt >= self.policy.retries or wait > self.policy.max_retry_after:
                    raise ServiceUnavailable(
                        f"{target.host}: rate limited (HTTP {status}, retry after {wait:.0f}s)",
                        str(target),
                        status,
                    )
                await self._pause(host, wait or self._delay(attempt))
                attempt += 1
                continue
            if status in RETRY_STATUSES or status >= 500:
                if attempt >= self.policy.retries:
                    raise ServiceUnavailable(
                        f"{target.host}: HTTP {status} after {attempt + 1} attempts",
                        str(target),
                        status,
                    )
                await self._backoff(attempt, f"HTTP {status}", target)
                attempt += 1
                continue
            if status >= 400:
                raise RequestRejected(
                    f"{target.host}: HTTP {status} {_snippet(body)}".strip(), str(target), status
                )
            if status >= 300:
                raise BadResponse(f"{target.host}: unexpected HTTP {status}", str(target), status)
            return _decode_json(body, target)

    async def _request(self, host: _HostState, target: URL) -> tuple[int, Mapping[str, str], bytes]:
        assert self._session is not None
        await self._acquire(host)
        try:
            self.requests_made += 1
            async with self._session.get(target, allow_redirects=True) as response:
                body = await response.read()
                return response.status, response.headers, body
        finally:
            await self._release(host)

    def _host(self, target: URL) -> _HostState:
        key = f"{target.host}:{target.port}"
        if key not in self._hosts:
            self._hosts[key] = _HostState(limit=max(1, self.policy.concurrency))
        return self._hosts[key]

    async def _acquire(self, host: _HostState) -> None:
        async with host.changed:
            while True:
                now = time.monotonic()
                if host.active < host.limit and now >= host.paused_until and now >= host.next_start:
                    host.active += 1
                    host.last_start = now
                    host.next_start = now + host.min_interval
                    return
                wake = max(host.paused_until, host.next_start) - now
                if host.active >= host.limit:
                    await host.changed.wait()
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(host.changed.wait(), timeout=max(wake, 0.001))

    async def _release(self, host: _HostState) -> None:
        async with host.changed:
            host.active -= 1
            host.changed.notify_all()

    def _learn_limits(self, host: _HostState, headers: Mapping[str, str]) -> None:
        """Follow the pace a host announces (Crossref: ``X-Rate-Limit-*``, concurrency)."""
        limit = _int(headers.get("X-Rate-Limit-Limit"))
        interval = _seconds(headers.get("X-Rate-Limit-Interval"))
        if limit and interval:
            host.min_interval = interval / limit
            host.next_start = max(host.next_start, host.last_start + host.min_interval)
        concurrency = _int(headers.get("X-Concurrency-Limit"))
        if concurrency:
            host.limit = max(1, min(self.policy.concurrency, concurrency))
        remaining = _int(headers.get("X-RateLimit-Remaining"))
        reset = _seconds(headers.get("X-RateLimit-Reset"))
        if remaining == 0 and reset:
            host.paused_until = max(host.paused_until, time.monotonic() + min(reset, 60.0))

    async def _pause(self, host: _HostState, seconds: float) -> None:
        """Hold every request to this host for ``seconds`` (a 429 concerns the whole client)."""
        host.paused_until = max(host.paused_until, time.monotonic() + seconds)
        log.info("rate limited: waiting %.1fs", seconds)
        await asyncio.sleep(seconds)

    async def _backoff(self, attempt: int, reason: str, target: URL) -> None:
        delay = self._delay(attempt)
        log.info("%s: %s; retrying in %.2fs", target.host, reason, delay)
        await asyncio.sleep(delay)

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)


def path_url(base: str, *segments: str) -> URL:
    """``base`` joined with ``segments``, each percent-encoded except ``/`` (DOIs keep their
    slashes; ``;``, ``#``, ``?``, ``<`` and spaces in SICI-style DOIs are escaped)."""
    path = "/".join(quote(segment, safe="/") for segment in segments)
    return URL(f"{base.rstrip('/')}/{path}", encoded=True)


def _decode_json(body: bytes, target: URL) -> dict[str, Any]:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadResponse(f"{target.host}: invalid JSON ({error.msg})", str(target)) from error
    if not isinstance(document, dict):
        raise BadResponse(f"{target.host}: expected a JSON object", str(target))
    return document


def _retry_after(headers: Mapping[str, str]) -> float:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), or 0 when absent."""
    value = headers.get("Retry-After")
    if not value:
        return 0.0
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, moment.timestamp() - time.time())


def _seconds(value: str | None) -> float | None:
    """``"1s"``, ``"500ms"``, ``"2m"`` or a bare number of seconds."""
    if not value:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", value)
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "s"
    return number / 1000 if unit == "ms" else number * 60 if unit == "m" else number


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, aiohttp.ClientConnectorError):
        if isinstance(error.os_error, ConnectionRefusedError):
            return "cannot connect (connection refused)"
        return f"cannot connect ({error.os_error.strerror or error.os_error})"
    return f"{type(error).__name__}: {error}".rstrip(": ")


def _snippet(body: bytes) -> str:
    text = body[:300].decode("utf-8", errors="replace")
    return " ".join(text.split())[:200]
