"""Per-host politeness: how many requests run at once on one host, how far apart they start,
and how long a host asked us to stay away (``429`` / ``Retry-After``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

MAX_HOST_PAUSE = 3600.0
_PRUNE_ABOVE = 1024


class HostBusy(Exception):
    """No turn at the host came within the queue timeout."""


class HostPaused(Exception):
    """The host asked us to wait (Retry-After) longer than we are willing to wait now."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"{host} asked us to wait {seconds:.0f} s (Retry-After)")
        self.seconds = seconds


@dataclass(slots=True)
class _Gate:
    slots: asyncio.Semaphore
    delay: float
    next_start: float = 0.0
    paused_until: float = 0.0
    users: int = 0  # waiting or holding a turn
    last_used: float = field(default_factory=time.monotonic)


class HostGates:
    """Turns at each host: at most ``concurrency`` at once, starts at least ``delay`` apart."""

    def __init__(
        self,
        concurrency: int,
        delay: float,
        *,
        queue_timeout: float,
        max_pause_wait: float,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self.queue_timeout = queue_timeout
        self.max_pause_wait = max_pause_wait
        self._gates: dict[str, _Gate] = {}

    def _gate(self, host: str) -> _Gate:
        gate = self._gates.get(host)
        if gate is None:
            if len(self._gates) >= _PRUNE_ABOVE:
                self._prune()
            gate = self._gates[host] = _Gate(asyncio.Semaphore(self.concurrency), self.delay)
        return gate

    def _prune(self) -> None:
        now = time.monotonic()
        for host, gate in list(self._gates.items()):
            if gate.users == 0 and gate.next_start <= now and gate.paused_until <= now:
                del self._gates[host]

    @asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        """Wait for a turn at ``host``; raise :class:`HostBusy` or :class:`HostPaused`."""
        gate = self._gate(host)
        gate.users += 1
        try:
            try:
                async with asyncio.timeout(self.queue_timeout):
                    await gate.slots.acquire()
            except TimeoutError:
                raise HostBusy(f"no turn at {host} within {self.queue_timeout:g} s") from None
            try:
                now = time.monotonic()
                pause = gate.paused_until - now
                if pause > self.max_pause_wait:
                    raise HostPaused(host, pause)
                start = max(now, gate.next_start, gate.paused_until)
                gate.next_start = start + gate.delay
                if start > now:
                    await asyncio.sleep(start - now)
                yield
            finally:
                gate.slots.release()
        finally:
            gate.users -= 1
            gate.last_used = time.monotonic()

    def pause(self, host: str, seconds: float) -> None:
        """Start no request at ``host`` for ``seconds`` (capped at an hour)."""
        gate = self._gate(host)
        until = time.monotonic() + min(max(seconds, 0.0), MAX_HOST_PAUSE)
        gate.paused_until = max(gate.paused_until, until)

    def slow_down(self, host: str, delay: float) -> None:
        """Space requests to ``host`` at least ``delay`` seconds apart (robots.txt Crawl-delay)."""
        gate = self._gate(host)
        gate.delay = max(gate.delay, min(delay, 60.0))
