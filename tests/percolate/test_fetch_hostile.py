"""The safe fetcher against a hostile server on 127.0.0.1 (see hostile_server.py).

Every test checks the result's reason_code, and the ``no_outside_connections`` fixture makes any
attempt to connect anywhere but 127.0.0.1 fail the test: addresses the SSRF guard refuses must
be refused before a connection is even tried.
"""

from __future__ import annotations

import asyncio
import socket
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from hostile_server import HTML, MB, HostileServer, build_bombs, start_garbage_server

from altscope.config import Settings
from altscope.percolate.fetch import Reason, SafeFetcher, resolve_url
from altscope.percolate.fetch_cache import MemoryFetchCache
from altscope.percolate.html import html_to_text
from support.dns import TableDNS

ALLOWED_PEER = "127.0.0.1"


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "contact_email": "fetch-tests@example.org",
        "fetch_allow_hosts": ["127.0.0.1"],
        "fetch_host_delay": 0.0,
        "fetch_timeout": 3.0,
        "fetch_connect_timeout": 1.0,
        "fetch_read_timeout": 1.0,
        "fetch_max_bytes": 1 * MB,
        "fetch_max_decompressed_bytes": 2 * MB,
        "fetch_max_retry_wait": 0.5,
        "fetch_queue_timeout": 5.0,
        "fetch_per_host_concurrency": 4,
        "fetch_max_redirects": 10,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every address a socket tried to connect to; non-loopback connects fail loudly."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def vet(address: Any) -> None:
        attempts.append(address)
        host = address[0] if isinstance(address, tuple) else address
        if host != ALLOWED_PEER:
            raise AssertionError(f"the fetcher tried to connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        vet(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        vet(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
    assert all(a[0] == ALLOWED_PEER for a in attempts), attempts


@pytest.fixture
async def server() -> AsyncIterator[HostileServer]:
    async with HostileServer() as hostile:
        yield hostile


def no_leftover_tasks() -> None:
    """No task of the fetcher is still running (the hostile server's own handlers may be)."""
    current = asyncio.current_task()
    leftovers = [
        task
        for task in asyncio.all_tasks()
        if task is not current and not task.done() and "web_protocol" not in repr(task)
    ]
    assert not leftovers, leftovers


async def fetch_one(url: str, **overrides: Any) -> Any:
    async with SafeFetcher(make_settings(**overrides)) as fetcher:
        return await fetcher.fetch(url)


# -- the normal case -------------------------------------------------------------------------


async def test_ordinary_page_is_fetched_with_our_user_agent(server, connects) -> None:
    result = await fetch_one(server.url("/page"))
    assert result.ok and result.reason_code is None and result.error is None
    assert result.status == 200
    assert result.body == HTML
    assert (result.content_type, result.charset) == ("text/html", "utf-8")
    assert result.final_url == result.url == server.url("/page")
    assert result.redirects == ()
    assert server.seen.paths["/robots.txt"] == 1  # asked first (404: everything allowed)
    assert all(ua.startswith("altscope/") for ua in server.seen.user_agents)
    assert all("mailto:fetch-tests@example.org" in ua for ua in server.seen.user_agents)
    assert connects and {a[0] for a in connects} == {"127.0.0.1"}  # the fixture sees sockets


async def test_gzip_page_is_decompressed(server, connects) -> None:
    result = await fetch_one(server.url("/gzip-page"))
    assert result.ok, result.error
    assert result.body == HTML
    assert result.headers["content-encoding"] == "gzip"


async def test_cookie_check_redirect_dance_succeeds(server, connects) -> None:
    result = await fetch_one(server.url("/cookie-check"))
    assert result.ok, result.error
    assert result.body == HTML
    assert result.redirects == (server.url("/cookie-check"),)


# -- size limits -----------------------------------------------------------------------------


async def test_50_mb_page_is_cut_at_the_limit(server, connects) -> None:
    tracemalloc.start()
    try:
        result = await fetch_one(server.url("/big"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.reason_code == Reason.TOO_LARGE
    assert result.body is None and result.status == 200
    assert "limit" in result.error
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB"
    await asyncio.sleep(0.05)
    assert server.seen.bytes_sent["/big"] < 20 * MB  # we hung up long before the end
    no_leftover_tasks()


async def test_declared_length_over_the_limit_is_refused_before_reading(server, connects) -> None:
    result = await fetch_one(server.url("/big-declared"))
    assert result.reason_code == Reason.TOO_LARGE
    assert "Content-Length" in result.error
    assert result.body is None


@pytest.mark.parametrize("route", ["/gzip-bomb", "/deflate-bomb", "/br-bomb"])
async def test_compression_bombs_are_stopped_by_the_decoded_size(server, connects, route) -> None:
    if route == "/br-bomb":
        pytest.importorskip("brotli")
    build_bombs()
    tracemalloc.start()
    try:
        started = time.monotonic()
        result = await fetch_one(server.url(route))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.reason_code == Reason.TOO_LARGE, result.error
    assert "decoded" in result.error
    assert result.body is None
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB for a 64 MB bomb"
    assert elapsed < 3


async def test_corrupt_compressed_body_is_a_bad_encoding(server, connects) -> None:
    result = await fetch_one(server.url("/corrupt-gzip"))
    assert result.reason_code == Reason.BAD_ENCODING
    assert result.body is None


async def test_deeply_nested_page_is_returned_and_parses_safely(server, connects) -> None:
    result = await fetch_one(server.url("/deep"))
    assert result.ok, result.error
    assert result.body.count(b"<div>") == 50_000
    started = time.monotonic()
    assert "deep" in html_to_text(result.text())
    assert time.monotonic() - started < 5


# -- encodings -------------------------------------------------------------------------------


async def test_lying_charset_is_reported_as_declared_and_decoding_never_fails(
    server, connects
) -> None:
    result = await fetch_one(server.url("/lying-charset"))
    assert result.ok, result.error
    assert result.charset == "utf-8"
    assert result.body == '<meta charset="shift_jis"><p>Café Müller naïve</p>'.encode("latin-1")
    text = result.text()
    assert "Caf" in text and "\ufffd" in text  # declared UTF-8 wins; bad bytes replaced


async def test_invalid_utf8_is_returned_untouched(server, connects) -> None:
    result = await fetch_one(server.url("/invalid-utf8"))
    assert result.ok, result.error
    assert b"\xff\xfe\xc3\x28" in result.body
    assert result.charset == "utf-8"
    assert "broken" in result.text()


async def test_unknown_charset_is_kept_and_decoding_falls_back(server, connects) -> None:
    result = await fetch_one(server.url("/unknown-charset"))
    assert result.ok, result.error
    assert result.charset == "x-klingon"
    assert "résumé" in result.text()


# -- redirects -------------------------------------------------------------------------------


async def test_redirect_loop_is_detected(server, connects) -> None:
    result = await fetch_one(server.url("/loop/a"))
    assert result.reason_code == Reason.REDIRECT_LOOP
    assert result.redirects == (server.url("/loop/a"), server.url("/loop/b"))
    assert server.seen.paths["/loop/a"] == 1 and server.seen.paths["/loop/b"] == 1


async def test_self_redirect_is_a_loop(server, connects) -> None:
    result = await fetch_one(server.url("/self-loop"))
    assert result.reason_code == Reason.REDIRECT_LOOP
    assert server.seen.paths["/self-loop"] == 1


async def test_redirect_chain_is_followed_and_recorded(server, connects) -> None:
    result = await fetch_one(server.url("/chain/3"))
    assert result.ok, result.error
    assert result.final_url == server.url("/chain/0")
    assert result.chain == tuple(server.url(f"/chain/{n}") for n in (3, 2, 1, 0))


async def test_too_many_redirects(server, connects) -> None:
    result = await fetch_one(server.url("/chain/20"), fetch_max_redirects=5)
    assert result.reason_code == Reason.TOO_MANY_REDIRECTS
    assert len(result.redirects) == 5
    assert server.seen.paths["/chain/15"] == 1 and server.seen.paths["/chain/14"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/page",
        "http://[::ffff:127.0.0.2]:{port}/page",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:a00:1::]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0:{port}/page",
        "http://127.1:{port}/page",
        "http://2130706433:{port}/page",
        "http://0x7f.0.0.1:{port}/page",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
    ],
)
async def test_redirect_to_a_refused_address_is_blocked_without_connecting(
    server, connects, target
) -> None:
    target = target.format(port=server.port)
    result = await fetch_one(server.url(f"/redirect?to={target}"))
    assert result.reason_code == Reason.SSRF_BLOCKED, result.error
    assert result.redirects == (server.url(f"/redirect?to={target}"),)
    assert result.final_url == target
    assert server.seen.paths["/page"] == 0
    assert {a[1] for a in connects} == {server.port}


@pytest.mark.parametrize("target", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://x/y"])
async def test_redirect_to_another_scheme_is_refused(server, connects, target) -> None:
    result = await fetch_one(server.url(f"/redirect?to={target}"))
    assert result.reason_code == Reason.BAD_SCHEME
    assert result.final_url == target


async def test_hostname_resolving_to_loopback_is_refused_when_not_allow_listed(
    server, connects
) -> None:
    async with SafeFetcher(make_settings(fetch_allow_hosts=[])) as fetcher:
        direct = await fetcher.fetch(f"http://localhost:{server.port}/page")
        literal = await fetcher.fetch(server.url("/page"))
    assert direct.reason_code == Reason.SSRF_BLOCKED, direct.error
    assert "localhost" in direct.error
    assert literal.reason_code == Reason.SSRF_BLOCKED
    assert server.seen.requests == 0
    assert connects == []


async def test_every_resolved_address_is_vetted(server, connects) -> None:
    dns = TableDNS(
        {
            "mixed.test": ["93.184.215.14", "10.0.0.1"],  # one bad answer spoils the host
            "metadata.test": ["169.254.169.254"],
            "loop.test": ["127.0.0.1"],
        }
    )
    async with SafeFetcher(make_settings(fetch_allow_hosts=[]), resolver=dns) as fetcher:
        results = {
            host: await fetcher.fetch(f"http://{host}:{server.port}/page")
            for host in ("mixed.test", "metadata.test", "loop.test")
        }
        unknown = await fetcher.fetch("http://nowhere.test/page")
    for host, result in results.items():
        assert result.reason_code == Reason.SSRF_BLOCKED, (host, result.error)
        assert host in result.error
    assert unknown.reason_code == Reason.DNS_ERROR
    assert set(dns.asked) >= {"mixed.test", "metadata.test", "loop.test"}
    assert connects == [] and server.seen.requests == 0


async def test_allow_list_by_host_name_lets_a_private_host_through(server, connects) -> None:
    dns = TableDNS({"intranet.test": ["127.0.0.1"]})
    settings = make_settings(fetch_allow_hosts=["intranet.test"])
    async with SafeFetcher(settings, resolver=dns) as fetcher:
        result = await fetcher.fetch(f"http://intranet.test:{server.port}/page")
    assert result.ok, result.error
    assert result.body == HTML


async def test_credentials_in_urls_are_refused(server, connects) -> None:
    result = await fetch_one(f"http://user:secret@127.0.0.1:{server.port}/page")
    assert result.reason_code == Reason.BAD_URL
    assert server.seen.requests == 0


@pytest.mark.parametrize("url", ["", "not a url", "http://", "//no-scheme/x", "javascript:x()"])
async def test_malformed_urls_give_a_reason_not_an_exception(connects, url) -> None:
    result = await fetch_one(url)
    assert result.reason_code in (Reason.BAD_URL, Reason.BAD_SCHEME)
    assert result.body is None


# -- time limits -----------------------------------------------------------------------------


async def test_trickling_server_is_cut_off_at_the_total_time_limit(server, connects) -> None:
    started = time.monotonic()
    result = await fetch_one(
        server.url("/trickle?every=0.2"), fetch_timeout=1.0, fetch_read_timeout=0.5
    )
    elapsed = time.monotonic() - started
    assert result.reason_code == Reason.TIMEOUT
    assert 0.9 < elapsed < 2.0, elapsed
    assert result.body is None
    no_leftover_tasks()


async def test_one_byte_per_second_is_cut_off_too(server, connects) -> None:
    started = time.monotonic()
    result = await fetch_one(server.url("/trickle"), fetch_timeout=1.5, fetch_read_timeout=1.2)
    assert result.reason_code == Reason.TIMEOUT
    assert time.monotonic() - started < 2.5


async def test_stalled_body_hits_the_read_timeout(server, connects) -> None:
    started = time.monotonic()
    result = await fetch_one(server.url("/stall"), fetch_timeout=10.0, fetch_read_timeout=0.3)
    assert result.reason_code == Reason.TIMEOUT
    assert time.monotonic() - started < 1.5


async def test_missing_headers_hit_the_read_timeout(server, connects) -> None:
    started = time.monotonic()
    result = await fetch_one(server.url("/no-headers"), fetch_timeout=10.0, fetch_read_timeout=0.3)
    assert result.reason_code == Reason.TIMEOUT
    assert result.status is None
    assert time.monotonic() - started < 1.5


async def test_garbage_instead_of_http_is_a_bad_response(connects) -> None:
    garbage, port = await start_garbage_server()
    try:
        result = await fetch_one(f"http://127.0.0.1:{port}/", fetch_obey_robots=False)
    finally:
        garbage.close()
        await garbage.wait_closed()
    assert result.reason_code == Reason.BAD_RESPONSE, result.error


async def test_huge_header_is_a_bad_response(server, connects) -> None:
    result = await fetch_one(server.url("/huge-header"))
    assert result.reason_code == Reason.BAD_RESPONSE, result.error
    assert result.body is None


# -- answers that are not the page -----------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410, 500, 503])
async def test_error_statuses_are_bad_status(server, connects, code) -> None:
    result = await fetch_one(server.url(f"/status/{code}"))
    assert result.reason_code == Reason.BAD_STATUS
    assert result.status == code
    assert result.body is None


async def test_non_html_is_not_downloaded_unless_accepted(server, connects) -> None:
    async with SafeFetcher(make_settings()) as fetcher:
        refused = await fetcher.fetch(server.url("/pdf"))
        accepted = await fetcher.fetch(
            server.url("/pdf"), accept="application/pdf", max_bytes=10 * MB
        )
    assert refused.reason_code == Reason.NOT_HTML
    assert refused.content_type == "application/pdf" and refused.body is None
    assert accepted.ok, accepted.error
    assert accepted.body.startswith(b"%PDF") and len(accepted.body) > 6 * MB


# -- politeness ------------------------------------------------------------------------------


async def test_robots_txt_disallow_is_obeyed_and_cached(connects) -> None:
    async with HostileServer(robots="User-agent: *\nDisallow: /private\n") as server:
        async with SafeFetcher(make_settings()) as fetcher:
            blocked = await fetcher.fetch(server.url("/private/page"))
            allowed = await fetcher.fetch(server.url("/page"))
            again = await fetcher.fetch(server.url("/private/page"), use_cache=False)
        assert blocked.reason_code == Reason.ROBOTS_DISALLOWED
        assert again.reason_code == Reason.ROBOTS_DISALLOWED
        assert allowed.ok, allowed.error
        assert server.seen.paths["/private/page"] == 0
        assert server.seen.paths["/robots.txt"] == 1


async def test_robots_txt_is_fetched_once_for_concurrent_fetches_and_crawl_delay_is_obeyed(
    connects,
) -> None:
    async with HostileServer(robots="User-agent: *\nCrawl-delay: 0.25\n") as server:
        started = time.monotonic()
        async with SafeFetcher(make_settings()) as fetcher:
            results = await asyncio.gather(
                *(fetcher.fetch(server.url(f"/page?n={n}")) for n in range(3))
            )
        elapsed = time.monotonic() - started
        assert [r.reason_code for r in results] == [None, None, None]
        assert server.seen.paths["/robots.txt"] == 1
        assert elapsed >= 0.5  # three starts, 0.25 s apart


async def test_robots_txt_rules_for_our_agent(connects) -> None:
    rules = "User-agent: altscope\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    async with HostileServer(robots=rules) as server:
        result = await fetch_one(server.url("/page"))
        assert result.reason_code == Reason.ROBOTS_DISALLOWED
        assert server.seen.paths["/page"] == 0


async def test_unavailable_robots_txt_disallows(connects) -> None:
    async with HostileServer(robots="status:503") as server:
        result = await fetch_one(server.url("/page"))
        assert result.reason_code == Reason.ROBOTS_DISALLOWED
        assert "503" in result.error
        assert server.seen.paths["/page"] == 0


async def test_429_with_a_long_retry_after_pauses_the_host(server, connects) -> None:
    async with SafeFetcher(make_settings()) as fetcher:
        limited = await fetcher.fetch(server.url("/rate-limited"))
        started = time.monotonic()
        next_one = await fetcher.fetch(server.url("/page"))
        waited = time.monotonic() - started
    assert limited.reason_code == Reason.RATE_LIMITED
    assert limited.status == 429
    assert next_one.reason_code == Reason.RATE_LIMITED  # the host asked for an hour's peace
    assert waited < 0.5
    assert server.seen.paths["/page"] == 0


async def test_429_with_a_short_retry_after_is_waited_out(server, connects) -> None:
    started = time.monotonic()
    result = await fetch_one(server.url("/rate-limited-once"), fetch_max_retry_wait=2.0)
    assert result.ok, result.error
    assert time.monotonic() - started >= 0.9
    assert server.seen.paths["/rate-limited-once"] == 2


async def test_rate_limited_results_are_not_cached(server, connects) -> None:
    cache = MemoryFetchCache()
    async with SafeFetcher(make_settings(), cache=cache) as fetcher:
        await fetcher.fetch(server.url("/rate-limited"))
    assert len(cache) == 0


@pytest.mark.parametrize("limit", [1, 2, 3])
async def test_per_host_concurrency_is_enforced_at_the_server(server, connects, limit) -> None:
    settings = make_settings(fetch_per_host_concurrency=limit, fetch_obey_robots=False)
    async with SafeFetcher(settings) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url(f"/slow?for=0.15&n={n}")) for n in range(7))
        )
    assert all(r.ok for r in results), [r.error for r in results]
    assert server.seen.max_in_flight == limit


async def test_politeness_delay_spaces_requests(server, connects) -> None:
    settings = make_settings(fetch_host_delay=0.2, fetch_obey_robots=False)
    started = time.monotonic()
    async with SafeFetcher(settings) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url(f"/page?n={n}")) for n in range(4))
        )
    assert all(r.ok for r in results)
    assert time.monotonic() - started >= 0.6


async def test_queue_timeout_gives_host_busy(server, connects) -> None:
    settings = make_settings(
        fetch_per_host_concurrency=1, fetch_queue_timeout=0.2, fetch_obey_robots=False
    )
    async with SafeFetcher(settings) as fetcher:
        slow, hurried = await asyncio.gather(
            fetcher.fetch(server.url("/slow?for=0.6")), fetcher.fetch(server.url("/page"))
        )
    assert slow.ok
    assert hurried.reason_code == Reason.HOST_BUSY


# -- cache -----------------------------------------------------------------------------------


async def test_results_are_cached_success_long_failure_short(server, connects) -> None:
    now = [1000.0]
    cache = MemoryFetchCache(clock=lambda: now[0])
    settings = make_settings(fetch_cache_ttl=100.0, fetch_failure_ttl=10.0)
    async with SafeFetcher(settings, cache=cache) as fetcher:
        first = await fetcher.fetch(server.url("/page"))
        missing = await fetcher.fetch(server.url("/status/404"))
        assert not first.from_cache
        again = await fetcher.fetch(server.url("/page"))
        missing_again = await fetcher.fetch(server.url("/status/404"))
        assert again.from_cache and again.body == HTML
        assert missing_again.from_cache and missing_again.reason_code == Reason.BAD_STATUS
        assert server.seen.paths["/page"] == 1 and server.seen.paths["/status/404"] == 1
        now[0] += 11  # the failure expired, the success did not
        await fetcher.fetch(server.url("/page"))
        await fetcher.fetch(server.url("/status/404"))
        assert server.seen.paths["/page"] == 1 and server.seen.paths["/status/404"] == 2
    assert missing.reason_code == Reason.BAD_STATUS


# -- resolving (unshortening) ----------------------------------------------------------------


async def test_resolve_follows_redirects_without_bodies(server, connects) -> None:
    async with SafeFetcher(make_settings()) as fetcher:
        result = await fetcher.resolve(server.url("/chain/2"))
    assert result.ok, result.error
    assert result.final_url == server.url("/chain/0")
    assert result.chain == tuple(server.url(f"/chain/{n}") for n in (2, 1, 0))
    assert result.body is None
    page_methods = [
        m for m, p in zip(server.seen.methods, server.seen.raw_paths, strict=True) if "chain" in p
    ]
    assert page_methods == ["HEAD", "HEAD", "HEAD"]


async def test_resolve_falls_back_to_get_when_head_is_refused(server, connects) -> None:
    async with SafeFetcher(make_settings()) as fetcher:
        result = await fetcher.resolve(server.url("/head-refused"))
    assert result.ok, result.error
    assert result.final_url == server.url("/page")


async def test_resolve_reports_where_a_refused_redirect_goes(server, connects) -> None:
    async with SafeFetcher(make_settings()) as fetcher:
        result = await fetcher.resolve(server.url("/redirect?to=http://10.1.2.3/secret"))
    assert result.reason_code == Reason.SSRF_BLOCKED
    assert result.final_url == "http://10.1.2.3/secret"


async def test_resolve_url_one_off(server, connects) -> None:
    final, chain = await resolve_url(server.url("/chain/1"), make_settings())
    assert final == server.url("/chain/0")
    assert chain == (server.url("/chain/1"), final)


async def test_resolve_loop(server, connects) -> None:
    async with SafeFetcher(make_settings()) as fetcher:
        result = await fetcher.resolve(server.url("/loop/a"))
    assert result.reason_code == Reason.REDIRECT_LOOP


# -- DOI existence ---------------------------------------------------------------------------


async def test_doi_exists_through_the_resolver(server, connects) -> None:
    settings = make_settings(doi_resolver_url=server.url("/doi"))
    async with SafeFetcher(settings) as fetcher:
        assert await fetcher.doi_exists("10.1234/exists") is True
        assert await fetcher.doi_exists("10.1234/missing") is False
        assert await fetcher.doi_exists("10.1234/broken") is None
        assert await fetcher.doi_exists("10.1234/a#b") is True
        assert await fetcher.doi_exists("not-a-doi") is False
        # cached: asking again sends nothing (unknown answers are asked again)
        before = server.seen.requests
        assert await fetcher.doi_exists("10.1234/EXISTS") is True
        assert await fetcher.doi_exists("10.1234/missing") is False
        assert server.seen.requests == before
    assert "/doi/10.1234/a%23b" in server.seen.raw_paths
    assert server.seen.paths["/robots.txt"] == 0  # the resolver is used as an API
    assert "HEAD" in server.seen.methods


async def test_doi_exists_offline_is_unknown(connects) -> None:
    dns = TableDNS({})
    settings = make_settings(doi_resolver_url="https://doi.test")
    async with SafeFetcher(settings, resolver=dns) as fetcher:
        assert await fetcher.doi_exists("10.1234/whatever") is None
    assert connects == []


# -- nothing leaks ---------------------------------------------------------------------------


async def test_many_hostile_fetches_at_once_leave_nothing_behind(server, connects) -> None:
    routes = ["/big", "/gzip-bomb", "/trickle?every=0.05", "/loop/a", "/deep", "/page", "/stall"]
    settings = make_settings(fetch_timeout=1.0, fetch_read_timeout=0.5)
    async with SafeFetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url(r)) for r in routes))
    reasons = [r.reason_code for r in results]
    assert reasons == [
        Reason.TOO_LARGE,
        Reason.TOO_LARGE,
        Reason.TIMEOUT,
        Reason.REDIRECT_LOOP,
        None,
        None,
        Reason.TIMEOUT,
    ]
    await asyncio.sleep(0.05)
    no_leftover_tasks()
