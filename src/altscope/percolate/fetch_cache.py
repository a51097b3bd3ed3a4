"""The fetch cache: URL -> :class:`FetchResult`, behind a two-method protocol.

:class:`SafeFetcher` keeps successes for ``Settings.fetch_cache_ttl`` and failures for
``Settings.fetch_failure_ttl``. Keys are opaque strings built by the fetcher (``GET <accept>
<url>``, ``HEAD <url>``, ``DOI <doi>``); an implementation only stores and returns them.
:class:`MemoryFetchCache` is the in-process implementation; a database-backed one can live in
the store and only needs :meth:`FetchCache.get` and :meth:`FetchCache.put`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from altscope.percolate.fetch_result import FetchResult


@runtime_checkable
class FetchCache(Protocol):
    """Where fetch results are remembered."""

    async def get(self, key: str) -> FetchResult | None:
        """The stored result for ``key`` if it has not expired, else ``None``."""

    async def put(self, key: str, result: FetchResult, ttl: float) -> None:
        """Remember ``result`` under ``key`` for ``ttl`` seconds."""


class MemoryFetchCache:
    """A bounded in-memory cache: least recently used entries go first when it is full.

    Bounded both in entries and in body bytes, so caching large pages cannot grow without limit.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        max_bytes: int = 256 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, FetchResult]] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def body_bytes(self) -> int:
        return self._bytes

    async def get(self, key: str) -> FetchResult | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, result = entry
        if expires <= self.clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return result

    async def put(self, key: str, result: FetchResult, ttl: float) -> None:
        size = len(result.body or b"")
        self._drop(key)
        if ttl <= 0 or size > self.max_bytes:
            return
        self._entries[key] = (self.clock() + ttl, result)
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[1].body or b"")
