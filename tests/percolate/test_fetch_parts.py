"""The fetcher's pieces without a server: bounded decoders, the cache, results, headers."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altscope.percolate.decompress import BadEncoding, TooLarge, make_decoder, supported_encodings
from altscope.percolate.fetch import accepts, doi_url, retry_after_seconds
from altscope.percolate.fetch_cache import FetchCache, MemoryFetchCache
from altscope.percolate.fetch_result import FetchResult, Reason


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        c = zlib.compressobj(6, zlib.DEFLATED, 31)
    elif encoding == "deflate":
        c = zlib.compressobj(6, zlib.DEFLATED, 15)
    elif encoding == "raw-deflate":
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
    else:
        brotli = pytest.importorskip("brotli")
        return brotli.compress(data)
    return c.compress(data) + c.flush()


def decode(encoding: str, payload: bytes, limit: int, cuts: list[int]) -> bytes:
    decoder = make_decoder("deflate" if encoding == "raw-deflate" else encoding, limit)
    out = bytearray()
    start = 0
    for cut in sorted(c % (len(payload) + 1) for c in cuts):
        out += decoder.feed(payload[start:cut])
        start = cut
    out += decoder.feed(payload[start:])
    out += decoder.finish()
    return bytes(out)


ENCODINGS = ["identity", "gzip", "deflate", "raw-deflate", "br"]


@pytest.mark.parametrize("encoding", ENCODINGS)
@settings(max_examples=40, deadline=None)
@given(
    data=st.binary(max_size=3000) | st.integers(0, 20_000).map(lambda n: b"a" * n),
    limit=st.integers(0, 12_000),
    cuts=st.lists(st.integers(0, 10_000), max_size=6),
)
def test_decoders_return_the_data_or_stop_at_the_limit(encoding, data, limit, cuts) -> None:
    payload = data if encoding == "identity" else compress(data, encoding)
    if len(data) <= limit:
        assert decode(encoding, payload, limit, cuts) == data
    else:
        with pytest.raises(TooLarge):
            decode(encoding, payload, limit, cuts)


def test_multi_member_gzip_is_decoded_whole() -> None:
    payload = compress(b"first ", "gzip") + compress(b"second", "gzip")
    assert decode("gzip", payload, 100, [3, 30]) == b"first second"


def test_bytes_after_the_end_of_the_stream_are_ignored() -> None:
    for encoding in ("gzip", "deflate", "raw-deflate"):
        payload = compress(b"page", encoding) + b"\0\0 trailing junk"
        assert decode(encoding, payload, 100, [2, len(payload) - 3]) == b"page"


def test_a_bomb_never_yields_more_than_the_limit_at_once() -> None:
    bomb = compress(b"\0" * (32 * 1024 * 1024), "gzip")
    decoder = make_decoder("gzip", 100_000)
    with pytest.raises(TooLarge):
        for start in range(0, len(bomb), 4096):
            assert len(decoder.feed(bomb[start : start + 4096])) <= 100_001


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_corrupt_data_is_a_bad_encoding(encoding: str) -> None:
    if encoding == "br":
        pytest.importorskip("brotli")
    decoder = make_decoder(encoding, 10_000)
    with pytest.raises(BadEncoding):
        decoder.feed(b"\x1f\x8b\x08\x00 this is not compressed at all" * 5)
        decoder.finish()


def test_unknown_encodings_are_refused() -> None:
    for encoding in ("compress", "zstd", "gzip, br", "x-klingon"):
        with pytest.raises(BadEncoding):
            make_decoder(encoding, 10)
    assert {"gzip", "deflate"} <= set(supported_encodings())


@pytest.mark.parametrize(
    ("accept", "content_type", "expected"),
    [
        ("text/html,application/xhtml+xml", "text/html", True),
        ("text/html,application/xhtml+xml", "application/xhtml+xml", True),
        ("text/html,application/xhtml+xml", "application/pdf", False),
        ("text/html,application/xhtml+xml", None, True),
        ("text/*", "text/plain", True),
        ("*/*", "image/png", True),
        ("text/html;q=0.9, application/pdf;q=0", "application/pdf", False),
    ],
)
def test_accepts(accept: str, content_type: str | None, expected: bool) -> None:
    assert accepts(accept, content_type) is expected


def test_retry_after_forms() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(None, default=7.0) == 7.0
    assert retry_after_seconds("soon", default=5.0) == 5.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert 3000 < retry_after_seconds(_http_date_in(3600)) <= 3600


def _http_date_in(seconds: int) -> str:
    import time
    from email.utils import formatdate

    return formatdate(time.time() + seconds, usegmt=True)


def test_doi_urls_keep_the_doi_syntax_and_escape_the_rest() -> None:
    assert doi_url("https://doi.org/", "10.1000/abc(2)x;y") == "https://doi.org/10.1000/abc(2)x;y"
    assert doi_url("https://doi.org", "10.1000/a#b?c d") == "https://doi.org/10.1000/a%23b%3Fc%20d"
    assert doi_url("https://doi.org", "10.1000/ü") == "https://doi.org/10.1000/%C3%BC"


# -- cache -----------------------------------------------------------------------------------


def result(url: str, body: bytes | None = b"<p>x</p>", **kw) -> FetchResult:
    return FetchResult(url=url, final_url=url, status=200, body=body, **kw)


async def test_memory_cache_expires_and_evicts() -> None:
    now = [0.0]
    cache = MemoryFetchCache(max_entries=2, max_bytes=1000, clock=lambda: now[0])
    assert isinstance(cache, FetchCache)
    await cache.put("a", result("a"), ttl=10)
    await cache.put("b", result("b"), ttl=100)
    assert (await cache.get("a")).url == "a"  # a is now the most recently used
    await cache.put("c", result("c"), ttl=100)  # evicts b
    assert await cache.get("b") is None
    assert await cache.get("a") is not None
    now[0] = 11
    assert await cache.get("a") is None  # expired
    assert (await cache.get("c")).url == "c"
    await cache.put("big", result("big", body=b"x" * 2000), ttl=100)  # larger than the cache
    assert await cache.get("big") is None
    await cache.put("d", result("d", body=b"y" * 600), ttl=100)
    await cache.put("e", result("e", body=b"z" * 600), ttl=100)  # over max_bytes: d goes
    assert await cache.get("d") is None and await cache.get("e") is not None
    assert cache.body_bytes <= 1000
    await cache.put("e", result("e"), ttl=0)  # ttl 0 forgets
    assert await cache.get("e") is None


def test_results_round_trip_through_dicts() -> None:
    original = FetchResult(
        url="http://a.example/x",
        final_url="http://b.example/y",
        status=404,
        headers={"content-type": "text/html"},
        body=b"\x00\xffbytes",
        content_type="text/html",
        charset="utf-8",
        redirects=("http://a.example/x",),
        error="status 404",
        reason_code=Reason.BAD_STATUS,
        elapsed=0.25,
    )
    assert FetchResult.from_dict(original.to_dict()) == original
    assert original.chain == ("http://a.example/x", "http://b.example/y")
    assert not original.ok and original.reason_code == "bad-status"
    assert original.cached().from_cache


def test_text_decodes_with_the_declared_charset() -> None:
    page = result("u", body="<p>Zürich</p>".encode("latin-1"), charset="iso-8859-1")
    assert page.text() == "<p>Zürich</p>"
    assert result("u", body=None).text() is None
