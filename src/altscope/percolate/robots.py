"""robots.txt, read with protego and remembered per origin (scheme, host, port).

Answers follow RFC 9309: a ``2xx`` file is obeyed; a ``4xx`` (no file) allows everything; a
``5xx``, a ``429`` or an unreachable file forbids everything for a short while (the failure TTL).
When robots.txt could not be fetched for a reason that stops the page too (its host is refused
by the SSRF guard, does not resolve, refuses connections), that reason is passed on instead.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego
from yarl import URL

from altscope.percolate.fetch_result import UNCACHED_REASONS, FetchResult, Reason

# Fetch failures that say the host itself is unusable, not just its robots.txt.
_HOST_FAILURES = frozenset(
    {
        Reason.SSRF_BLOCKED,
        Reason.DNS_ERROR,
        Reason.CONNECTION_ERROR,
        Reason.BAD_URL,
        Reason.BAD_SCHEME,
        Reason.HOST_BUSY,
        Reason.RATE_LIMITED,
    }
)


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    """Whether a URL may be fetched; ``reason``/``error`` say why not."""

    allowed: bool
    reason: Reason | None = None
    error: str | None = None
    crawl_delay: float | None = None


@dataclass(slots=True)
class _Rules:
    parser: Protego | None  # None: no usable file
    allow_all: bool
    expires: float
    failure: FetchResult | None = None


def robots_url(url: URL) -> str:
    """The robots.txt URL for the origin of ``url``."""
    return str(url.origin().with_path("/robots.txt"))


class RobotsCache:
    """robots.txt rules per origin, fetched once (concurrent callers share the fetch)."""

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[FetchResult]],
        user_agent: str,
        *,
        ttl: float,
        failure_ttl: float,
        max_origins: int = 10_000,
    ) -> None:
        self._fetch = fetch
        self.user_agent = user_agent
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.max_origins = max_origins
        self._rules: OrderedDict[str, _Rules] = OrderedDict()
        self._pending: dict[str, asyncio.Future[_Rules]] = {}
        self.fetches = 0

    async def check(self, url: URL) -> RobotsVerdict:
        """May ``url`` be fetched by our user agent?"""
        rules = await self._rules_for(robots_url(url))
        if rules.failure is not None:
            failure = rules.failure
            if failure.reason_code in _HOST_FAILURES:
                return RobotsVerdict(False, failure.reason_code, failure.error)
            what = f"status {failure.status}" if failure.status else failure.error
            return RobotsVerdict(
                False,
                Reason.ROBOTS_DISALLOWED,
                f"robots.txt unavailable ({what}): treated as disallow-all",
            )
        if rules.allow_all or rules.parser is None:
            return RobotsVerdict(True)
        delay = rules.parser.crawl_delay(self.user_agent)
        if rules.parser.can_fetch(str(url), self.user_agent):
            return RobotsVerdict(True, crawl_delay=delay)
        return RobotsVerdict(
            False, Reason.ROBOTS_DISALLOWED, "disallowed by robots.txt", crawl_delay=delay
        )

    async def _rules_for(self, location: str) -> _Rules:
        rules = self._rules.get(location)
        if rules is not None and rules.expires > time.monotonic():
            self._rules.move_to_end(location)
            return rules
        pending = self._pending.get(location)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[_Rules] = asyncio.get_running_loop().create_future()
        self._pending[location] = future
        try:
            rules = await self._load(location)
            future.set_result(rules)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: callers sharing it see it, nobody else must
            raise
        finally:
            del self._pending[location]
        if rules.expires <= time.monotonic():
            return rules  # a local condition (host busy, rate limited): ask again next time
        self._rules[location] = rules
        self._rules.move_to_end(location)
        while len(self._rules) > self.max_origins:
            self._rules.popitem(last=False)
        return rules

    async def _load(self, location: str) -> _Rules:
        self.fetches += 1
        result = await self._fetch(location)
        now = time.monotonic()
        status = result.status or 0
        if result.ok and result.body is not None:
            text = result.body.decode("utf-8", errors="replace")
            return _Rules(Protego.parse(text), allow_all=False, expires=now + self.ttl)
        if 400 <= status < 500 and status != 429:
            return _Rules(None, allow_all=True, expires=now + self.ttl)
        ttl = 0.0 if result.reason_code in UNCACHED_REASONS else self.failure_ttl
        return _Rules(None, allow_all=False, expires=now + ttl, failure=result)
