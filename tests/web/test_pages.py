"""The server-rendered pages: status codes, escaping, redirects, feed, evidence, speed."""

from __future__ import annotations

import statistics
import time
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.pages_data import (
    DOI,
    EVIDENCE_HTML,
    EVIL,
    EVIL_NAME,
    EVIL_URL,
    add_many_mentions,
    app_for,
    build,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def data(engine: Engine) -> dict[str, int]:
    return build(engine)


@pytest.fixture
def client(engine: Engine, data: dict[str, int]) -> TestClient:
    return TestClient(app_for(engine), follow_redirects=False)


def test_details_page_shows_every_section(client: TestClient, data: dict[str, int]) -> None:
    answer = client.get(f"/details/{data['main']}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    for section in ("score", "context", "mentions", "timeline", "map", "people", "history",
                    "categories"):  # fmt: skip
        assert f'id="{section}"' in html
    assert "https://doi.org/10.1234/pages.test" in html  # resolver link
    assert "Ada Lovelace" in html
    assert 'class="worldmap"' in html and 'data-cc="fr"' in html
    assert 'class="chart timeline"' in html
    assert "The Daily Planet" in html
    assert f"/evidence/{data['evidence']}" in html
    assert f"/details/{data['main']}/feed.atom" in html
    assert "Higher than" in html and "ranked" in html
    assert "mendeley" in html  # metric snapshot


def test_hostile_strings_are_escaped(client: TestClient, data: dict[str, int]) -> None:
    html = client.get(f"/details/{data['main']}").text
    assert EVIL not in html
    assert "&lt;script&gt;alert(" in html
    assert EVIL_NAME not in html
    assert "<img src=x" not in html
    assert "&lt;i&gt;Tests&lt;/i&gt;" in html  # journal title
    assert "<b>bold</b>" not in html
    assert f'href="{EVIL_URL}"' not in html and "javascript:" not in html
    # the only script is the page's own file
    assert html.count("<script") == 1 and 'src="/static/details.js"' in html


def test_security_headers_and_static_files(client: TestClient, data: dict[str, int]) -> None:
    answer = client.get(f"/details/{data['main']}")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert 'style="' not in answer.text and "<style" not in answer.text
    for name, kind in (("altscope.css", "text/css"), ("print.css", "text/css"),
                       ("details.js", "javascript")):  # fmt: skip
        static = client.get(f"/static/{name}")
        assert static.status_code == 200 and kind in static.headers["content-type"]
    assert "@media print" in client.get("/static/altscope.css").text or "display: none" in (
        client.get("/static/print.css").text
    )


def test_mention_tabs_filter_and_paginate(client: TestClient, data: dict[str, int]) -> None:
    news = client.get(f"/details/{data['main']}?source=news")
    assert news.status_code == 200
    assert "The Daily Planet" in news.text and "A fine paper" not in news.text
    fragment = client.get(f"/details/{data['main']}/mentions?source=bluesky&partial=1")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="mentions-panel"' in fragment.text
    assert "A fine paper" in fragment.text and "The Daily Planet" not in fragment.text
    full = client.get(f"/details/{data['main']}/mentions")
    assert "<html" in full.text and "The Daily Planet" in full.text
    assert client.get(f"/details/{data['main']}?source=nosuch").status_code == 404
    assert client.get(f"/details/{data['main']}?page=9").status_code == 404
    assert client.get(f"/details/{data['main']}?page=abc").status_code == 400
    assert client.get(f"/details/{data['main']}/mentions?page=0").status_code == 400


def test_flagged_mentions_show_their_reason(client: TestClient, data: dict[str, int]) -> None:
    html = client.get(f"/details/{data['main']}?source=bluesky").text
    assert 'class="mention flagged"' in html
    assert "posts too often" in html


def test_redirects_and_not_found(client: TestClient, data: dict[str, int]) -> None:
    merged = client.get(f"/details/{data['alias']}?source=news")
    assert merged.status_code == 301
    assert merged.headers["location"] == f"/details/{data['main']}?source=news"
    by_doi = client.get(f"/details/doi/{DOI.upper()}")
    assert by_doi.status_code == 302 and by_doi.headers["location"] == f"/details/{data['main']}"
    by_url = client.get(f"/details/doi/https://doi.org/{DOI}")
    assert by_url.headers.get("location") == f"/details/{data['main']}"
    assert client.get("/details/pmid/31415926").headers["location"] == f"/details/{data['main']}"
    missing = client.get("/details/999999")
    assert missing.status_code == 404 and "No output with id 999999" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    assert client.get("/details/doi/10.9999/unknown").status_code == 404
    bad = client.get("/details/doi/not-a-doi")
    assert bad.status_code == 400 and "<script" not in bad.text
    assert client.get("/details/nosuchscheme/abc").status_code == 400
    assert client.get("/evidence/424242").status_code == 404
    assert client.get(f"/details/{data['silent']}").status_code == 200


def test_atom_feed_is_valid_escaped_xml(client: TestClient, data: dict[str, int]) -> None:
    answer = client.get(f"/details/{data['main']}/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0].startswith("The Daily Planet on News")  # newest first
    contents = [e.findtext(f"{ATOM}content") for e in entries]
    assert any(EVIL in (c or "") for c in contents)  # text content, round-trips escaped
    links = [link.get("href") for e in entries for link in e.findall(f"{ATOM}link")]
    assert EVIL_URL not in links
    assert client.get(f"/details/{data['alias']}/feed.atom").status_code == 301
    empty = ET.fromstring(client.get(f"/details/{data['silent']}/feed.atom").content)
    assert empty.findall(f"{ATOM}entry") == []


def test_evidence_page_never_renders_html(client: TestClient, data: dict[str, int]) -> None:
    answer = client.get(f"/evidence/{data['evidence']}")
    assert answer.status_code == 200
    html = answer.text
    assert "<script>alert('evidence')</script>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;h1&gt;post&lt;/h1&gt;" in html
    import hashlib

    assert hashlib.sha256(EVIDENCE_HTML).hexdigest() in html
    assert "text/html" in html and "Bluesky" in html
    assert f"/details/{data['main']}#mention-{data['mention']}" in html
    raw = client.get(f"/evidence/{data['evidence']}/raw")
    assert raw.content == EVIDENCE_HTML
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["content-disposition"].startswith("attachment")


def test_start_page_and_search(client: TestClient, data: dict[str, int]) -> None:
    start = client.get("/")
    assert start.status_code == 200
    assert f'href="/details/{data["main"]}"' in start.text
    assert "/docs" in start.text and "/bookmarklet" in start.text
    assert f"/badge/id/{data['main']}.svg" in start.text
    assert EVIL not in start.text
    found = client.get("/outputs", params={"q": "quiet"})
    assert f"/details/{data['silent']}" in found.text and f"/details/{data['main']}" not in (
        found.text
    )
    assert client.get("/outputs", params={"q": "%"}).status_code == 200
    assert "No output has a title" in client.get("/outputs", params={"q": "zzzz"}).text


def test_explain_page(client: TestClient, data: dict[str, int]) -> None:
    answer = client.get(f"/details/{data['main']}/explain")
    assert answer.status_code == 200
    assert f"/api/outputs/{data['main']}/explain" in answer.text
    assert EVIL not in answer.text


def test_details_page_of_10k_mentions_is_fast(engine: Engine, data: dict[str, int]) -> None:
    add_many_mentions(engine, data["main"], 10_000)
    client = TestClient(app_for(engine))
    url = f"/details/{data['main']}"
    first = client.get(url)
    assert first.status_code == 200
    assert "Page 1 of 201" in first.text  # 10,003 mentions, 50 per page
    times = []
    for _ in range(30):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - began)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"details page, 10,003 mentions: p95 {p95 * 1000:.1f} ms, "
          f"median {statistics.median(times) * 1000:.1f} ms")  # fmt: skip
    assert p95 < 1.0
    last = client.get(f"{url}?page=201")
    assert last.status_code == 200 and "Page 201 of 201" in last.text
