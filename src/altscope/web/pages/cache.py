"""A small in-process cache of an output's aggregates, keyed by how fresh they are.

The details page of a much-mentioned output would otherwise regroup all its mentions on every
view. The key holds the output's mention count and highest mention id (read from an index, well
under a millisecond) and the rollup's ``computed_at``: a new mention, or a rescore after a
removal, changes the key, so a stale entry is never served. One cache per app (``app.state``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

#: Outputs whose aggregates are kept (least recently used ones are dropped).
DEFAULT_SIZE = 512


class PageCache:
    """A thread-safe LRU mapping of freshness keys to computed values."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value stored under ``key``, computing (and storing) it when absent."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = compute()  # outside the lock: two requests may compute it once each, harmlessly
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def app_cache(state: Any) -> PageCache:
    """The page cache of an app (created on first use)."""
    cache = getattr(state, "pages_cache", None)
    if cache is None:
        cache = state.pages_cache = PageCache()
    return cache
