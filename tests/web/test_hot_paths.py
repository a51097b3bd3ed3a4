"""The hot paths (badges, v1 counts answered before the framework) answer as the app would, and
their answer cache never serves what the database no longer says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from altscope.config import Settings
from altscope.store.db import transaction
from altscope.store.schema import Output, OutputAuthor
from altscope.web.app import create_app
from altscope.web.badges.lookup import HotReadError
from support import web_sample as sample
from support.badge_data import add_output, set_score

DOI = "10.5555/hot.path"


def settings(**overrides) -> Settings:
    """No rate limits unless asked, no public base URL: nothing from the environment."""
    values = {
        "api_rate_limit_anonymous": 0,
        "api_rate_limit_keyed": 0,
        "api_rate_limit_exempt": [],
        "public_base_url": None,
        **overrides,
    }
    return Settings(**values)


#: Headers whose values differ between two answers of the same content (or are the server's).
VARIABLE = {"date", "server"}


@pytest.fixture
def hot_client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine, settings=settings())) as client:
        yield client


@pytest.fixture
def tracked(engine: Engine):
    return add_output(engine, [DOI], title="First title", posts={"news": 2}, score=8)


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in VARIABLE}


def test_hot_badge_matches_the_route(hot_client: TestClient, tracked) -> None:
    hot = hot_client.get(f"/badge/doi/{DOI}.svg?type=bar&size=large")
    # Without ".svg" the hot path steps aside and the framework's route answers.
    routed = hot_client.get(f"/badge/doi/{DOI}?type=bar&size=large")
    assert hot.status_code == routed.status_code == 200
    assert hot.content == routed.content
    assert _headers(hot) == _headers(routed)
    assert hot.headers["access-control-allow-origin"] == "*"
    assert "content-security-policy" in hot.headers
    cached = hot_client.app.state.hot_cache.entries
    assert [key[1] for key in cached] == [f"/badge/doi/{DOI}.svg"]  # the hot path answered


def test_hot_unknown_badge_matches_the_route(hot_client: TestClient) -> None:
    hot = hot_client.get("/badge/doi/10.5555/never.seen.svg")
    routed = hot_client.get("/badge/doi/10.5555/never.seen")
    assert hot.content == routed.content
    assert _headers(hot) == _headers(routed)
    assert hot.headers["x-altscope-badge"] == "unknown"


def test_cached_badge_follows_title_and_score_changes(
    hot_client: TestClient, engine: Engine, tracked
) -> None:
    first = hot_client.get(f"/badge/doi/{DOI}.svg")
    assert "First title" in first.text and ">8<" in first.text
    assert hot_client.get(f"/badge/doi/{DOI}.svg").content == first.content  # from the cache
    with transaction(engine) as session:
        session.execute(
            update(Output).where(Output.id == tracked.output_id).values(title="Second title")
        )
    renamed = hot_client.get(f"/badge/doi/{DOI}.svg")
    assert "Second title" in renamed.text and renamed.headers["etag"] != first.headers["etag"]
    set_score(engine, tracked.output_id, {"news": 5}, 31)
    rescored = hot_client.get(f"/badge/doi/{DOI}.svg", headers={"If-None-Match": "*"})
    assert rescored.status_code == 304
    assert ">31<" in hot_client.get(f"/badge/doi/{DOI}.svg").text


def test_newly_tracked_output_replaces_a_cached_unknown_badge(
    hot_client: TestClient, engine: Engine
) -> None:
    unknown = hot_client.get("/badge/doi/10.5555/later.svg")
    assert unknown.headers["x-altscope-badge"] == "unknown"
    add_output(engine, ["10.5555/later"], posts={"news": 1}, score=3)
    known = hot_client.get("/badge/doi/10.5555/later.svg")
    assert "x-altscope-badge" not in known.headers and ">3<" in known.text


def test_head_and_304_from_the_cache(hot_client: TestClient, tracked) -> None:
    full = hot_client.get(f"/badge/doi/{DOI}.svg")
    head = hot_client.head(f"/badge/doi/{DOI}.svg")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    etag = full.headers["etag"]
    again = hot_client.get(f"/badge/doi/{DOI}.svg", headers={"If-None-Match": f"W/{etag}"})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag


def test_a_failing_hot_query_leaves_the_answer_to_the_app(
    hot_client: TestClient, tracked, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args, **_kwargs):
        raise HotReadError("connection lost")

    reader = hot_client.app.hot_paths.badge.reader
    monkeypatch.setattr(reader, "rows", broken)
    monkeypatch.setattr(reader, "version", broken)
    response = hot_client.get(f"/badge/doi/{DOI}.svg")
    assert response.status_code == 200 and ">8<" in response.text


# --- v1 counts ----------------------------------------------------------------------------


def test_v1_counts_follow_author_changes(client: TestClient, app_engine: Engine, sample_ids):
    path = f"/v1/doi/{sample.SPECIES_DOI}"
    first = client.get(path).json()
    assert first["authors"] == ["Lucas Mora", "Ann Other"]
    assert client.get(path).json() == first  # from the cache
    with transaction(app_engine) as session:
        session.add(OutputAuthor(output_id=sample_ids["species"], position=99, name="Late Author"))
    assert client.get(path).json()["authors"] == ["Lucas Mora", "Ann Other", "Late Author"]


def test_v1_answers_depend_on_the_host(client: TestClient, sample_ids) -> None:
    path = f"/v1/doi/{sample.SPECIES_DOI}"
    one = client.get(path, headers={"Host": "one.example"}).json()
    two = client.get(path, headers={"Host": "two.example"}).json()
    assert one["details_url"].startswith("http://one.example/")
    assert two["details_url"].startswith("http://two.example/")


def test_v1_requests_are_counted_once(app_engine: Engine, sample_ids) -> None:
    app = create_app(app_engine, settings=settings(api_rate_limit_anonymous=50))
    with TestClient(app) as client:
        remaining = []
        # Hot answers (twice: computed, then cached) and answers the hot path leaves to the
        # app (404, 400) draw from the same allowance, one request each.
        for path in (
            f"/v1/doi/{sample.SPECIES_DOI}",
            f"/v1/doi/{sample.SPECIES_DOI}",
            "/v1/doi/10.5555/unknown",
            "/v1/doi/not-a-doi",
            f"/v1/doi/{sample.SPECIES_DOI}",
        ):
            response = client.get(path)
            remaining.append(int(response.headers["x-ratelimit-remaining"]))
        assert remaining == [49, 48, 47, 46, 45]
