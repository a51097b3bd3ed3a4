"""The shared polite HTTP layer against a real local server: retries, 429, timeouts, limits."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from altscope.sources.http import (
    BadResponse,
    PoliteClient,
    PolitePolicy,
    RequestRejected,
    ServiceUnavailable,
    path_url,
)
from fakes.server import FakeServer, Reply, unused_url

FAST = PolitePolicy(timeout=2.0, retries=2, concurrency=4, backoff_base=0.01, backoff_max=0.05)
DOC = {"status": "ok", "message": {"DOI": "10.1/x"}}


def client(policy: PolitePolicy = FAST) -> PoliteClient:
    return PoliteClient("altscope-test/1.0 (mailto:tests@example.org)", policy)


async def test_json_answer_and_user_agent(fake_server: FakeServer):
    fake_server.add("/api/x", Reply(json=DOC))
    async with client() as http:
        assert (
            await http.get_json(f"{fake_server.url}/api/x", {"mailto": "tests@example.org"}) == DOC
        )
    seen = fake_server.requests[0]
    assert seen.headers["User-Agent"] == "altscope-test/1.0 (mailto:tests@example.org)"
    assert seen.query == {"mailto": "tests@example.org"}


async def test_404_is_no_record_not_an_error(fake_server: FakeServer):
    async with client() as http:
        assert await http.get_json(f"{fake_server.url}/missing") is None
    assert fake_server.hits("/missing") == 1


async def test_400_is_an_error_and_not_retried(fake_server: FakeServer):
    fake_server.add("/bad", Reply(400, json={"status": "failed", "message-type": "validation"}))
    async with client() as http:
        with pytest.raises(RequestRejected) as caught:
            await http.get_json(f"{fake_server.url}/bad")
    assert caught.value.status == 400
    assert not caught.value.transient
    assert fake_server.hits("/bad") == 1


async def test_500_then_200_is_retried(fake_server: FakeServer):
    fake_server.add("/flaky", Reply(500, body="oops"), Reply(502), Reply(json=DOC))
    async with client() as http:
        assert await http.get_json(f"{fake_server.url}/flaky") == DOC
    assert fake_server.hits("/flaky") == 3


async def test_persistent_500_gives_up_after_the_retries(fake_server: FakeServer):
    fake_server.add("/down", Reply(503, body="maintenance"))
    async with client() as http:
        with pytest.raises(ServiceUnavailable) as caught:
            await http.get_json(f"{fake_server.url}/down")
    assert caught.value.transient
    assert fake_server.hits("/down") == FAST.retries + 1


async def test_429_waits_for_retry_after_seconds(fake_server: FakeServer):
    fake_server.add("/limited", Reply(429, headers={"Retry-After": "1"}), Reply(json=DOC))
    async with client() as http:
        started = time.monotonic()
        assert await http.get_json(f"{fake_server.url}/limited") == DOC
        waited = time.monotonic() - started
    assert waited >= 0.95
    assert fake_server.hits("/limited") == 2


async def test_429_with_an_http_date(fake_server: FakeServer):
    when = formatdate(time.time() + 2, usegmt=True)  # whole seconds: waits 1-2 s
    fake_server.add("/limited", Reply(429, headers={"Retry-After": when}), Reply(json=DOC))
    async with client() as http:
        started = time.monotonic()
        assert await http.get_json(f"{fake_server.url}/limited") == DOC
    assert time.monotonic() - started >= 0.9


async def test_429_with_a_long_retry_after_is_left_for_later(fake_server: FakeServer):
    fake_server.add("/limited", Reply(429, headers={"Retry-After": "3600"}))
    async with client() as http:
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match="rate limited"):
            await http.get_json(f"{fake_server.url}/limited")
    assert time.monotonic() - started < 1
    assert fake_server.hits("/limited") == 1


async def test_slow_answer_times_out_and_is_retried(fake_server: FakeServer):
    fake_server.add("/slow", Reply(json=DOC, delay=5))
    policy = PolitePolicy(timeout=0.3, retries=1, backoff_base=0.01, backoff_max=0.02)
    async with client(policy) as http:
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match="timed out"):
            await http.get_json(f"{fake_server.url}/slow")
    assert time.monotonic() - started < 2
    assert fake_server.hits("/slow") == 2


async def test_slow_then_fast_succeeds(fake_server: FakeServer):
    fake_server.add("/slow", Reply(json=DOC, delay=5), Reply(json=DOC))
    policy = PolitePolicy(timeout=0.3, retries=2, backoff_base=0.01, backoff_max=0.02)
    async with client(policy) as http:
        assert await http.get_json(f"{fake_server.url}/slow") == DOC


@pytest.mark.parametrize("body", [b"{not json", b"<html>maintenance</html>", b"[1, 2]"])
async def test_invalid_json_is_a_bad_response(fake_server: FakeServer, body: bytes):
    fake_server.add("/broken", Reply(body=body, content_type="application/json"))
    async with client() as http:
        with pytest.raises(BadResponse):
            await http.get_json(f"{fake_server.url}/broken")


async def test_connection_refused_is_unavailable():
    policy = PolitePolicy(timeout=1, retries=1, backoff_base=0.01, backoff_max=0.02)
    async with client(policy) as http:
        with pytest.raises(ServiceUnavailable, match="cannot connect"):
            await http.get_json(f"{unused_url()}/works/10.1/x")


async def test_concurrency_is_bounded(fake_server: FakeServer):
    import asyncio

    fake_server.add("/work", Reply(json=DOC, delay=0.15))
    policy = PolitePolicy(timeout=5, retries=0, concurrency=2)
    async with client(policy) as http:
        await asyncio.gather(*(http.get_json(f"{fake_server.url}/work") for _ in range(8)))
    assert fake_server.hits("/work") == 8
    assert fake_server.max_in_flight == 2


async def test_announced_concurrency_limit_is_followed(fake_server: FakeServer):
    import asyncio

    fake_server.add("/work", Reply(json=DOC, delay=0.1, headers={"X-Concurrency-Limit": "1"}))
    policy = PolitePolicy(timeout=5, retries=0, concurrency=4)
    async with client(policy) as http:
        await http.get_json(f"{fake_server.url}/work")  # learns the limit
        fake_server.max_in_flight = 0
        await asyncio.gather(*(http.get_json(f"{fake_server.url}/work") for _ in range(4)))
    assert fake_server.max_in_flight == 1


async def test_announced_rate_limit_spaces_requests(fake_server: FakeServer):
    headers = {"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Interval": "1s"}
    fake_server.add("/work", Reply(json=DOC, headers=headers))
    async with client() as http:
        await http.get_json(f"{fake_server.url}/work")  # learns 10 per second
        started = time.monotonic()
        for _ in range(4):
            await http.get_json(f"{fake_server.url}/work")
    assert time.monotonic() - started >= 0.3  # 4 requests at >= 0.1 s spacing


async def test_identifiers_are_percent_encoded_in_the_path(fake_server: FakeServer):
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
    fake_server.add(f"/works/{sici}", Reply(json=DOC))
    url = path_url(fake_server.url, "works", sici)
    assert ";" not in url.raw_path and "<" not in url.raw_path
    async with client() as http:
        assert await http.get_json(url) == DOC
    assert fake_server.requests[0].path == f"/works/{sici}"


async def test_client_outside_context_manager_is_refused():
    with pytest.raises(RuntimeError):
        await client().get_json("http://127.0.0.1:1/x")
