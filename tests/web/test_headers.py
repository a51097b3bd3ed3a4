"""Security headers on every answer; CORS only where other sites embed or call; ETag and 304."""

from __future__ import annotations

import pytest

from altscope.web.headers import CONTENT_SECURITY_POLICY
from support import web_sample as sample


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/doi/{sample.SPECIES_DOI}",
        "/v1/doi/10.9999/missing",
        "/api/sources",
        "/api/outputs/999999",
        "/docs",
        "/openapi.json",
        "/no/such/page",
    ],
)
def test_security_headers_everywhere(client, sample_ids, path):
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    "path", [f"/v1/doi/{sample.SPECIES_DOI}", "/api/sources", "/badge/doi/10.1/x.svg", "/embed.js"]
)
def test_cors_for_embeddable_and_api_paths(client, sample_ids, path):
    response = client.get(path, headers={"Origin": "https://journal.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "X-RateLimit-Remaining" in response.headers["access-control-expose-headers"]


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/details/1"])
def test_no_cors_for_pages(client, sample_ids, path):
    response = client.get(path, headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers


def test_preflight(client, sample_ids):
    response = client.options(
        "/api/lookup",
        headers={
            "Origin": "https://journal.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "X-API-Key" in response.headers["access-control-allow-headers"]


def test_etag_and_not_modified(client, sample_ids):
    path = f"/v1/doi/{sample.SPECIES_DOI}"
    first = client.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("path", ["/api/outputs/{species}", "/api/outputs/{species}/mentions"])
def test_native_api_etag(client, sample_ids, path):
    path = path.format(**sample_ids)
    first = client.get(path)
    assert first.status_code == 200 and first.headers["cache-control"] == "public, max-age=300"
    assert int(first.headers["content-length"]) == len(first.content)
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    missing = client.get("/api/outputs/999999")
    assert missing.status_code == 404 and "etag" not in missing.headers


def test_etag_changes_when_the_score_does(client, app_engine, sample_ids):
    from sqlalchemy import update

    from altscope.store.db import transaction
    from altscope.store.schema import OutputScore

    path = f"/v1/id/{sample_ids['species']}"
    before = client.get(path).headers["etag"]
    with transaction(app_engine) as session:
        session.execute(
            update(OutputScore)
            .where(OutputScore.output_id == sample_ids["species"])
            .values(score=OutputScore.score + 1)
        )
    after = client.get(path, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["etag"] != before


def test_cached_response_helper_with_a_seed():
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from altscope.web.caching import cached_response

    def endpoint(request):
        return cached_response(request, b"<svg/>", "image/svg+xml", etag_seed="out-1:v1:t0")

    app = Starlette(routes=[Route("/b", endpoint)])
    client = TestClient(app)
    first = client.get("/b")
    assert first.headers["content-type"] == "image/svg+xml"
    assert first.headers["cache-control"] == "public, max-age=300"
    assert client.get("/b", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_escaping_of_outside_strings_in_the_docs_page(client, sample_ids):
    # The API reference is HTML rendered from the schema: it escapes what it shows.
    page = client.get("/docs")
    assert page.status_code == 200
    assert "<script" not in page.text
    assert "/v1/citations/{timeframe}" in page.text
    assert "/api/lookup" in page.text
