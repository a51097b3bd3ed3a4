"""The safe fetcher: the one way altscope fetches a URL found in the wild.

``SafeFetcher`` wraps one aiohttp session and puts every request through the same guards:

- the SSRF guard (:mod:`altscope.percolate.ssrf`): address literals are vetted before each
  request, host names by the resolver the connector uses, so the vetted address is the one
  connected to; only ``http``/``https``; redirects are followed here, one hop at a time, and
  every hop is vetted again;
- limits: total network time per fetch, time between two reads, body size on the wire and once
  decompressed (counted while streaming: a 50 MB page or a gzip bomb is cut at the limit),
  redirects (loops detected);
- robots.txt (:mod:`altscope.percolate.robots`), per-host concurrency and spacing, ``429`` /
  ``Retry-After`` (:mod:`altscope.percolate.politeness`), a user agent with a contact address;
- a cache of results (:mod:`altscope.percolate.fetch_cache`): long for successes, short for
  failures.

Nothing the network or a remote server does raises: every call returns a
:class:`~altscope.percolate.fetch_result.FetchResult` whose ``reason_code`` says why it failed.

    async with SafeFetcher(settings) as fetcher:
        page = await fetcher.fetch("https://example.org/article")       # body, charset, chain
        hops = await fetcher.resolve("https://bit.ly/xyz")              # final URL, no body
        known = await fetcher.doi_exists("10.1234/abc")                 # True / False / None
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin

import aiohttp
from aiohttp.abc import AbstractResolver
from multidict import CIMultiDictProxy
from yarl import URL

from altscope.config import Settings, get_settings
from altscope.percolate.decompress import BadEncoding, TooLarge, make_decoder, supported_encodings
from altscope.percolate.fetch_cache import FetchCache, MemoryFetchCache
from altscope.percolate.fetch_result import UNCACHED_REASONS, FetchResult, Reason
from altscope.percolate.politeness import HostBusy, HostGates, HostPaused
from altscope.percolate.robots import RobotsCache
from altscope.percolate.ssrf import AddressGuard, BlockedAddress, GuardedResolver, describe_blocked

log = logging.getLogger(__name__)

DEFAULT_ACCEPT = "text/html,application/xhtml+xml"
ROBOTS_AGENT = "altscope"
ROBOTS_MAX_BYTES = 512 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A HEAD some servers refuse or get wrong: ask again with GET (the body is still not read).
_HEAD_RETRY_WITH_GET = frozenset({400, 403, 405, 406, 500, 501, 502, 503})
_NO_RETRY_AFTER_DEFAULT = 60.0
_CHUNK = 64 * 1024
_SKIPPED_HEADERS = frozenset({"set-cookie"})

__all__ = ["DEFAULT_ACCEPT", "FetchResult", "Reason", "SafeFetcher", "resolve_url"]


class _Failed(Exception):
    """A fetch ends here, for ``reason``."""

    def __init__(self, reason: Reason, error: str) -> None:
        super().__init__(error)
        self.reason = reason
        self.error = error


class _RetryLater(Exception):
    def __init__(self, seconds: float, answer: _Answer) -> None:
        super().__init__(f"status {answer.status}, Retry-After {seconds:.0f} s")
        self.seconds = seconds
        self.answer = answer


@dataclass(slots=True)
class _Answer:
    """One response: status line, headers and (if read) the decoded body."""

    status: int
    headers: dict[str, str]
    content_type: str | None
    charset: str | None
    location: str | None = None
    body: bytes | None = None


@dataclass(slots=True)
class _Budget:
    """Network time left for one fetch; time spent queueing for a host turn is not counted."""

    left: float
    spent: float = field(default=0.0)
    answer: _Answer | None = None  # the last answer received, for the record

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        if self.left <= 0:
            raise TimeoutError
        start = time.monotonic()
        try:
            async with asyncio.timeout(self.left):
                yield
        finally:
            used = time.monotonic() - start
            self.left -= used
            self.spent += used


@dataclass(frozen=True, slots=True)
class _Mode:
    method: str  # GET or HEAD
    accept: str
    read_body: bool
    robots: bool
    follow: bool
    max_redirects: int
    max_bytes: int
    max_decoded: int


def _headers(raw: CIMultiDictProxy[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw.items():
        key = name.lower()
        if key in _SKIPPED_HEADERS:
            continue
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _media_ranges(accept: str) -> list[str]:
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        if media:
            ranges.append(media.lower())
    return ranges


def accepts(accept: str, content_type: str | None) -> bool:
    """True when ``content_type`` matches a media range of ``accept`` (no type: accepted)."""
    if not content_type:
        return True
    kind = content_type.split("/")[0]
    for media in _media_ranges(accept):
        if media in ("*/*", content_type) or media == f"{kind}/*":
            return True
    return False


def retry_after_seconds(value: str | None, default: float = _NO_RETRY_AFTER_DEFAULT) -> float:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def doi_url(resolver: str, doi: str) -> str:
    """The resolver URL of ``doi`` (characters outside the DOI path syntax percent-encoded)."""
    return f"{resolver.rstrip('/')}/{quote(doi, safe='/:;()[]<>@!$&*+,=-._~')}"


class SafeFetcher:
    """Fetches URLs found in the wild, safely and politely. Use as ``async with``.

    ``cache`` defaults to a :class:`MemoryFetchCache`; ``resolver`` replaces the system DNS
    resolver (its answers are vetted all the same) — tests use it to fake DNS.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        cache: FetchCache | None = None,
        *,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.cache: FetchCache = cache if cache is not None else MemoryFetchCache()
        self.guard = AddressGuard(self.settings.fetch_allow_hosts)
        self.gates = HostGates(
            self.settings.fetch_per_host_concurrency,
            self.settings.fetch_host_delay,
            queue_timeout=self.settings.fetch_queue_timeout,
            max_pause_wait=self.settings.fetch_max_retry_wait,
        )
        self.robots = RobotsCache(
            self._fetch_robots,
            ROBOTS_AGENT,
            ttl=self.settings.fetch_robots_ttl,
            failure_ttl=self.settings.fetch_failure_ttl,
        )
        self._inner_resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self.requests_made = 0

    async def __aenter__(self) -> SafeFetcher:
        settings = self.settings
        if not settings.contact_email:
            log.warning("contact_email is not set: the fetcher's user agent has no contact address")
        connector = aiohttp.TCPConnector(
            limit=max(1, settings.fetch_concurrency),
            limit_per_host=0,  # per-host limits are HostGates' job
            resolver=GuardedResolver(self.guard, self._inner_resolver),
            ttl_dns_cache=60,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=None,
                sock_connect=settings.fetch_connect_timeout,
                sock_read=settings.fetch_read_timeout,
            ),
            headers={"User-Agent": settings.user_agent},
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,  # no proxy from the environment: the guard must see the real host
            raise_for_status=False,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None

    # -- public API -------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        accept: str = DEFAULT_ACCEPT,
        max_bytes: int | None = None,
        use_cache: bool = True,
    ) -> FetchResult:
        """GET ``url`` (following redirects) and read its body within the limits.

        ``accept`` is sent as ``Accept`` and checked against the answer's ``Content-Type``
        (``not-html`` when it does not match; the body is then not downloaded).
        """
        mode = _Mode(
            method="GET",
            accept=accept,
            read_body=True,
            robots=self.settings.fetch_obey_robots,
            follow=True,
            max_redirects=self.settings.fetch_max_redirects,
            max_bytes=max_bytes or self.settings.fetch_max_bytes,
            max_decoded=max(max_bytes or 0, self.settings.fetch_max_decompressed_bytes),
        )
        key = f"GET {accept} {url}"
        return await self._cached(key, url, mode, use_cache)

    async def resolve(
        self, url: str, *, robots: bool | None = None, use_cache: bool = True
    ) -> FetchResult:
        """Follow ``url``'s redirects (unshortening) without downloading bodies.

        Asks with ``HEAD`` (``GET`` for servers that refuse ``HEAD``, closing the connection
        before the body). ``final_url`` is the last URL reached — also when a later hop failed,
        e.g. a target robots.txt forbids: the redirect itself still told us where it goes.
        """
        mode = _Mode(
            method="HEAD",
            accept="*/*",
            read_body=False,
            robots=self.settings.fetch_obey_robots if robots is None else robots,
            follow=True,
            max_redirects=self.settings.fetch_max_redirects,
            max_bytes=self.settings.fetch_max_bytes,
            max_decoded=self.settings.fetch_max_decompressed_bytes,
        )
        return await self._cached(f"HEAD {url}", url, mode, use_cache)

    async def doi_exists(self, doi: str) -> bool | None:
        """Does the DOI resolver know ``doi``? ``None`` when it cannot tell (offline, 5xx).

        Asks ``{doi_resolver_url}/{doi}`` without following the redirect to the publisher:
        ``3xx`` (or ``2xx``) means it exists, ``404``/``410`` that it does not. Cached.
        """
        doi = doi.strip()
        if not doi.startswith("10.") or "/" not in doi:
            return False
        mode = _Mode(
            method="HEAD",
            accept="*/*",
            read_body=False,
            robots=False,  # the resolver is an API here, not a page we crawl
            follow=False,
            max_redirects=0,
            max_bytes=self.settings.fetch_max_bytes,
            max_decoded=self.settings.fetch_max_decompressed_bytes,
        )
        url = doi_url(self.settings.doi_resolver_url, doi)
        result = await self._cached(f"DOI {doi.lower()}", url, mode, True, ttl_of=_doi_ttl)
        return doi_verdict(result)

    # -- caching ----------------------------------------------------------------------------

    def _ttl(self, result: FetchResult) -> float:
        if result.reason_code in UNCACHED_REASONS:
            return 0.0
        return self.settings.fetch_cache_ttl if result.ok else self.settings.fetch_failure_ttl

    async def _cached(
        self,
        key: str,
        url: str,
        mode: _Mode,
        use_cache: bool,
        ttl_of: Callable[[SafeFetcher, FetchResult], float] | None = None,
    ) -> FetchResult:
        if use_cache:
            try:
                hit = await self.cache.get(key)
            except Exception:
                log.warning("fetch cache: reading %s failed", key, exc_info=True)
                hit = None
            if hit is not None:
                return hit.cached()
        result = await self._follow(url, mode)
        ttl = ttl_of(self, result) if ttl_of is not None else self._ttl(result)
        if ttl > 0:
            try:
                await self.cache.put(key, result, ttl)
            except Exception:
                log.warning("fetch cache: storing %s failed", key, exc_info=True)
        return result

    async def _fetch_robots(self, location: str) -> FetchResult:
        mode = _Mode(
            method="GET",
            accept="*/*",
            read_body=True,
            robots=False,
            follow=True,
            max_redirects=5,
            max_bytes=ROBOTS_MAX_BYTES,
            max_decoded=ROBOTS_MAX_BYTES,
        )
        return await self._follow(location, mode)

    # -- one fetch, hop by hop --------------------------------------------------------------

    async def _follow(self, url: str, mode: _Mode) -> FetchResult:
        started = time.monotonic()
        budget = _Budget(self.settings.fetch_timeout)
        redirects: list[str] = []
        current = url
        answer: _Answer | None = None
        jar = aiohttp.CookieJar(unsafe=True)  # one fetch's cookies (publishers' cookie checks)
        visited: set[tuple[str, str]] = set()
        retried = False
        try:
            while True:
                target = self._check_url(current)
                cookies = jar.filter_cookies(target)
                state = (current, cookies.output())
                if state in visited:
                    raise _Failed(Reason.REDIRECT_LOOP, f"redirect loop back to {current}")
                if mode.robots:
                    await self._check_robots(target)
                try:
                    answer = await self._hop(target, mode, budget, cookies, jar)
                except _RetryLater as wait:
                    answer = wait.answer
                    if retried or wait.seconds > self.settings.fetch_max_retry_wait:
                        raise _Failed(Reason.RATE_LIMITED, str(wait)) from None
                    retried = True
                    continue  # the host gate waits out the pause
                visited.add(state)
                if not (mode.follow and answer.status in REDIRECT_STATUSES):
                    break
                if not answer.location:
                    raise _Failed(Reason.BAD_STATUS, "redirect without Location")
                if len(redirects) >= mode.max_redirects:
                    raise _Failed(Reason.TOO_MANY_REDIRECTS, f"more than {mode.max_redirects}")
                redirects.append(current)
                current = urljoin(current, answer.location).split("#", 1)[0]
            return self._final(url, current, redirects, answer, mode, started)
        except _Failed as failed:
            reason, error = failed.reason, failed.error
        except BlockedAddress as blocked:
            reason, error = Reason.SSRF_BLOCKED, str(blocked)
        except HostBusy as busy:
            reason, error = Reason.HOST_BUSY, str(busy)
        except HostPaused as paused:
            reason, error = Reason.RATE_LIMITED, str(paused)
        except TooLarge as large:
            reason, error = Reason.TOO_LARGE, str(large)
        except BadEncoding as bad:
            reason, error = Reason.BAD_ENCODING, str(bad)
        except TimeoutError:
            reason, error = Reason.TIMEOUT, f"over the time limit ({budget.spent:.1f} s spent)"
        except aiohttp.ClientError as client_error:
            reason, error = _client_failure(client_error)
        except (ValueError, UnicodeError) as bad_input:  # unparseable host, port or Location
            reason, error = Reason.BAD_URL, f"{type(bad_input).__name__}: {bad_input}"
        except OSError as os_error:
            blocked_cause = describe_blocked(os_error)
            if blocked_cause is not None:
                reason, error = Reason.SSRF_BLOCKED, str(blocked_cause)
            else:
                reason, error = Reason.CONNECTION_ERROR, f"{type(os_error).__name__}: {os_error}"
        except Exception as bug:  # a worker must survive whatever a server sends
            log.exception("fetching %s failed unexpectedly", url)
            reason, error = Reason.INTERNAL_ERROR, f"{type(bug).__name__}: {bug}"
        answer = budget.answer
        return FetchResult(
            url=url,
            final_url=current,
            status=answer.status if answer else None,
            headers=answer.headers if answer else {},
            content_type=answer.content_type if answer else None,
            charset=answer.charset if answer else None,
            redirects=tuple(redirects),
            error=error,
            reason_code=reason,
            elapsed=time.monotonic() - started,
        )

    def _final(
        self,
        url: str,
        current: str,
        redirects: list[str],
        answer: _Answer,
        mode: _Mode,
        started: float,
    ) -> FetchResult:
        ok = 200 <= answer.status < 300 or (not mode.follow and answer.status < 400)
        if not ok:
            raise _Failed(Reason.BAD_STATUS, f"status {answer.status}")
        return FetchResult(
            url=url,
            final_url=current,
            status=answer.status,
            headers=answer.headers,
            body=answer.body,
            content_type=answer.content_type,
            charset=answer.charset,
            redirects=tuple(redirects),
            elapsed=time.monotonic() - started,
        )

    def _check_url(self, url: str) -> URL:
        try:
            target = URL(url)
        except (ValueError, TypeError) as error:
            raise _Failed(Reason.BAD_URL, f"not a URL: {error}") from None
        if target.scheme not in ("http", "https"):
            raise _Failed(Reason.BAD_SCHEME, f"scheme {target.scheme or '(none)'!r} not allowed")
        if not target.raw_host:
            raise _Failed(Reason.BAD_URL, "no host")
        if target.raw_user is not None or target.raw_password is not None:
            raise _Failed(Reason.BAD_URL, "credentials in the URL")
        self.guard.check_host(target.raw_host)
        if target.host and target.host != target.raw_host:
            self.guard.check_host(target.host)
        return target

    async def _check_robots(self, target: URL) -> None:
        verdict = await self.robots.check(target)
        if verdict.crawl_delay:
            self.gates.slow_down(target.raw_host or "", verdict.crawl_delay)
        if not verdict.allowed:
            raise _Failed(verdict.reason or Reason.ROBOTS_DISALLOWED, verdict.error or "")

    async def _hop(
        self,
        target: URL,
        mode: _Mode,
        budget: _Budget,
        cookies: object,
        jar: aiohttp.CookieJar,
    ) -> _Answer:
        """One request; the answer's body is read only when it is the page wanted."""
        if self._session is None:
            raise RuntimeError("use SafeFetcher as 'async with SafeFetcher(...) as fetcher'")
        host = (target.raw_host or "").lower()
        method = mode.method
        async with self.gates.turn(host), budget.running():
            answer = await self._request(target, method, mode, cookies, jar, budget)
            if method == "HEAD" and answer.status in _HEAD_RETRY_WITH_GET:
                answer = await self._request(target, "GET", mode, cookies, jar, budget)
        return answer

    async def _request(
        self,
        target: URL,
        method: str,
        mode: _Mode,
        cookies: object,
        jar: aiohttp.CookieJar,
        budget: _Budget,
    ) -> _Answer:
        assert self._session is not None
        self.requests_made += 1
        headers = {"Accept": mode.accept, "Accept-Encoding": ", ".join(supported_encodings())}
        response = await self._session.request(
            method,
            target,
            headers=headers,
            cookies=cookies,  # type: ignore[arg-type]
            allow_redirects=False,
        )
        finished = False
        try:
            jar.update_cookies(response.cookies, response.url)
            raw_type = response.headers.get("Content-Type")
            answer = _Answer(
                status=response.status,
                headers=_headers(response.headers),
                content_type=response.content_type if raw_type else None,
                charset=(response.charset or "").lower() or None if raw_type else None,
                location=response.headers.get("Location"),
            )
            budget.answer = answer
            if response.status in (429, 503) and (
                response.status == 429 or "Retry-After" in response.headers
            ):
                seconds = retry_after_seconds(response.headers.get("Retry-After"))
                self.gates.pause((target.raw_host or "").lower(), seconds)
                raise _RetryLater(seconds, answer)
            wanted = (
                mode.read_body
                and method == "GET"
                and 200 <= response.status < 300
                and not (mode.follow and response.status in REDIRECT_STATUSES)
            )
            if wanted:
                if not accepts(mode.accept, answer.content_type):
                    raise _Failed(Reason.NOT_HTML, f"content type {answer.content_type}")
                answer.body = await _read_body(response, mode)
                finished = True
            elif method == "HEAD":
                finished = True
            return answer
        finally:
            if finished:
                response.release()
            else:
                response.close()  # never wait for a body we do not want


async def _read_body(response: aiohttp.ClientResponse, mode: _Mode) -> bytes:
    """Stream the body, counting wire and decoded bytes; stop at either limit."""
    length = response.content_length
    if length is not None and length > mode.max_bytes:
        raise TooLarge(f"Content-Length {length} over the limit of {mode.max_bytes} bytes")
    decoder = make_decoder(response.headers.get("Content-Encoding"), mode.max_decoded)
    received = 0
    parts: list[bytes] = []
    async for chunk in response.content.iter_chunked(_CHUNK):
        received += len(chunk)
        if received > mode.max_bytes:
            raise TooLarge(f"body over the limit of {mode.max_bytes} bytes")
        parts.append(decoder.feed(chunk))
    parts.append(decoder.finish())
    return b"".join(parts)


async def resolve_url(url: str, settings: Settings | None = None) -> tuple[str, tuple[str, ...]]:
    """One-off unshortening: (final URL, every URL on the way). Batch callers should keep one
    :class:`SafeFetcher` open and call :meth:`SafeFetcher.resolve` (it shares caches and
    politeness); this opens one just for ``url``.
    """
    async with SafeFetcher(settings) as fetcher:
        result = await fetcher.resolve(url)
    return result.final_url, result.chain


def _client_failure(error: aiohttp.ClientError) -> tuple[Reason, str]:
    blocked = describe_blocked(error)
    if blocked is not None:
        return Reason.SSRF_BLOCKED, str(blocked)
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, aiohttp.InvalidURL):
        return Reason.BAD_URL, text
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return Reason.DNS_ERROR, text
    if isinstance(error, aiohttp.ClientConnectorError):
        return Reason.CONNECTION_ERROR, text
    if isinstance(error, aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        return Reason.BAD_RESPONSE, text
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return Reason.BAD_RESPONSE, text
    return Reason.CONNECTION_ERROR, text


def _doi_ttl(fetcher: SafeFetcher, result: FetchResult) -> float:
    verdict = doi_verdict(result)
    if verdict is None:
        return 0.0
    settings = fetcher.settings
    return settings.fetch_cache_ttl if verdict else settings.fetch_failure_ttl


def doi_verdict(result: FetchResult) -> bool | None:
    """What a resolver answer says about a DOI: exists, does not, or unknown."""
    status = result.status
    if status is None:
        return None
    if 200 <= status < 400:
        return True
    if status in (404, 410):
        return False
    return None
