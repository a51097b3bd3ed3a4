"""The Altmetric Details Page API v1, compatible: shapes from ../shared/conformance/altmetric_api,
values from the database."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store.schema import OutputScore
from support import web_sample as sample

TYPES = {
    "string": str,
    "number": (int, float),
    "decimal": (int, float),
    "boolean": bool,
    "object": dict,
    "string[]": list,
    "object[]": list,
}


def _type_of(description: str) -> type | tuple[type, ...]:
    word = description.split(" ")[0].rstrip(":")
    if word == "one":  # "one of dataset, book, ..."
        return str
    return TYPES[word]


@pytest.fixture
def altmetric(conformance_dir):
    folder = conformance_dir / "altmetric_api"
    return {
        "counts": json.loads((folder / "counts.json").read_text()),
        "citations": json.loads((folder / "citations.json").read_text()),
        "facts": json.loads((folder / "api_facts.json").read_text()),
    }


def _score(engine, output_id: int) -> OutputScore:
    with Session(engine) as session:
        return session.scalars(select(OutputScore).where(OutputScore.output_id == output_id)).one()


def test_counts_has_the_documented_keys_and_types(client, altmetric, sample_ids):
    response = client.get(f"/v1/doi/{sample.SPECIES_DOI}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    example = altmetric["counts"]
    # Every key of the published example that altscope knows (nlmid is NLM's journal id: absent).
    assert set(example) - set(body) == {"nlmid"}
    for key, value in example.items():
        if key in body:
            assert isinstance(body[key], type(value)) or (
                isinstance(value, (int, float)) and isinstance(body[key], (int, float))
            ), key
    field_types = altmetric["facts"]["counts_field_types"]
    for key, value in body.items():
        if key in field_types:
            assert isinstance(value, _type_of(field_types[key])), (key, value)
            if field_types[key] == "string[]":
                assert all(isinstance(v, str) for v in value), key
    assert list(body["history"]) == altmetric["facts"]["history_windows"]
    assert set(body["images"]) == set(example["images"]) == {"small", "medium", "large"}
    assert set(body["readers"]) >= set(example["readers"])
    assert body["type"] in field_types["type"].split("one of ", 1)[1].split(", ")


def test_counts_values_come_from_the_score_row(client, app_engine, sample_ids):
    body = client.get(f"/v1/doi/{sample.SPECIES_DOI}").json()
    row = _score(app_engine, sample_ids["species"])
    assert body["altmetric_id"] == sample_ids["species"]
    assert body["score"] == row.score
    assert body["cited_by_posts_count"] == row.posts
    assert body["history"]["1d"] == row.history["1d"]["score"]
    assert body["history"]["at"] == row.history["at"]["score"]
    assert body["cited_by_bluesky_count"] == row.sources["bluesky"]["accounts"]
    # Mentions without a known account (stories, pages) count one each.
    for field, key in (("msm", "news"), ("feeds", "blog"), ("wikipedia", "wikipedia")):
        expected = row.sources[key]["accounts"] or row.sources[key]["posts"]
        assert body[f"cited_by_{field}_count"] == expected
    assert body["cited_by_tweeters_count"] == 0
    cited = sum(v for k, v in body.items() if k.startswith("cited_by_") and k not in (
        "cited_by_posts_count", "cited_by_accounts_count"))  # fmt: skip
    assert cited == body["cited_by_accounts_count"]
    assert body["last_updated"] == int(row.computed_at.timestamp())
    assert body["doi"] == sample.SPECIES_DOI
    assert body["journal"] == "Nature News"
    assert body["issns"] == ["0028-0836", "1476-4687"]
    assert body["authors"] == ["Lucas Mora", "Ann Other"]
    assert body["published_on"] == 1314057600  # 2011-08-23T00:00:00Z
    assert body["readers"]["mendeley"] == 42  # the latest snapshot, not the first
    assert body["readers"]["downloads"] == 12  # monthly downloads add up
    assert body["readers_count"] == 42
    base = "http://testserver"
    assert body["details_url"] == f"{base}/details/{sample_ids['species']}"
    assert body["images"]["small"] == f"{base}/badge/id/{sample_ids['species']}.svg?size=small"
    assert set(body["context"]) <= {"all", "journal", "similar_age_3m", "similar_age_journal_3m"}
    assert body["context"]["all"] == row.context["all"]


def test_unknown_reader_counts_are_minus_one(client, sample_ids):
    body = client.get(f"/v1/pmid/{sample.LANCET_PMID}").json()
    assert body["readers"] == {"mendeley": -1, "downloads": -1}
    assert body["readers_count"] == 0


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (f"/v1/doi/{sample.SPECIES_DOI}", "species"),
        (f"/v1/doi/{sample.SPECIES_DOI.upper()}", "species"),
        (f"/v1/doi/{sample.LANCET_DOI}", "lancet"),
        (f"/v1/pmid/{sample.LANCET_PMID}", "lancet"),
        (f"/v1/arxiv/{sample.ARXIV}", "preprint"),
        (f"/v1/isbn/{sample.ISBN}", "book"),
        (f"/v1/isbn/{sample.ISBN.replace('-', '')}", "book"),
        (f"/v1/handle/{sample.HANDLE}", "thesis"),
    ],
)
def test_every_identifier_type(client, sample_ids, path, name):
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.json()["altmetric_id"] == sample_ids[name]


def test_identifiers_of_each_type_are_echoed(client, sample_ids):
    assert client.get(f"/v1/arxiv/{sample.ARXIV}").json()["arxiv_id"] == sample.ARXIV
    assert client.get(f"/v1/isbn/{sample.ISBN}").json()["isbns"] == ["9783319255576"]
    assert client.get(f"/v1/handle/{sample.HANDLE}").json()["handles"] == [sample.HANDLE]
    lancet = client.get(f"/v1/doi/{sample.LANCET_DOI}").json()
    assert lancet["pmid"] == sample.LANCET_PMID
    assert lancet["doi"] == sample.LANCET_DOI.lower()
    assert client.get(f"/v1/isbn/{sample.ISBN}").json()["type"] == "book"


def test_by_altmetric_id(client, sample_ids):
    body = client.get(f"/v1/id/{sample_ids['preprint']}").json()
    assert body["altmetric_id"] == sample_ids["preprint"]
    assert body["cited_by_posts_count"] == 1  # the removed mention does not count


def test_doi_with_parentheses_semicolons_and_brackets_unencoded(client, sample_ids):
    # Only what HTTP itself needs (< >) is percent-encoded; '/', '(', ')', ';', ':' travel as-is.
    path = "/v1/doi/" + quote(sample.SICI_DOI, safe="/();:")
    assert "(" in path and ";" in path
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.json()["altmetric_id"] == sample_ids["sici"]


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/doi/{sample.SILENT_DOI}",  # known, but no mentions
        "/v1/doi/10.9999/never.seen",
        "/v1/pmid/1",
        "/v1/id/999999",
        "/v1/ads/2012apphl.100y3104b",  # a type altscope does not track
    ],
)
def test_no_details_is_a_404(client, sample_ids, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    ["/v1/doi/not-a-doi", "/v1/pmid/abc", "/v1/id/12x", "/v1/isbn/123", "/v1/arxiv/%00"],
)
def test_malformed_identifiers_are_a_400(client, sample_ids, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_unknown_identifier_type_is_rejected(client, sample_ids):
    assert client.get("/v1/orcid/0000-0002-1825-0097").status_code in (404, 422)


def test_callback_is_ignored_no_jsonp(client, sample_ids):
    response = client.get(f"/v1/doi/{sample.SPECIES_DOI}?callback=alert")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text.startswith("{")
    assert response.json()["altmetric_id"] == sample_ids["species"]


def test_public_base_url_setting_shapes_links(app_engine, sample_ids):
    from fastapi.testclient import TestClient

    from altscope.web.app import create_app
    from support.web_settings import settings

    app = create_app(app_engine, settings=settings(public_base_url="https://alt.example.edu/"))
    body = TestClient(app).get(f"/v1/id/{sample_ids['species']}").json()
    assert body["details_url"] == f"https://alt.example.edu/details/{sample_ids['species']}"
    assert body["images"]["large"].startswith("https://alt.example.edu/badge/")


# -- citations -----------------------------------------------------------------------------------


def test_citations_shape(client, altmetric, sample_ids):
    response = client.get("/v1/citations/at")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(altmetric["citations"])
    assert {"total", "page", "num_results"} <= set(body["query"])
    assert body["query"]["num_results"] == 25 and body["query"]["page"] == 1
    mentioned = {k for k in sample_ids if k not in ("silent", "biology", "lab", "flagged_mention")}
    assert body["query"]["total"] == len(mentioned)
    assert {r["altmetric_id"] for r in body["results"]} == {sample_ids[k] for k in mentioned}
    example_keys = set(altmetric["citations"]["results"][0]) - {"nlmid"}
    for result in body["results"]:
        # Bibliographic fields are absent when unknown (as with Altmetric); the rest never is.
        assert example_keys <= set(result) | {"journal", "doi", "url", "published_on"}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_citations_paging(client, sample_ids):
    first = client.get("/v1/citations/at?num_results=2&page=1").json()
    second = client.get("/v1/citations/at?num_results=2&page=2").json()
    assert len(first["results"]) == 2 and first["query"]["num_results"] == 2
    ids_1 = [r["altmetric_id"] for r in first["results"]]
    ids_2 = [r["altmetric_id"] for r in second["results"]]
    assert not set(ids_1) & set(ids_2)
    total = first["query"]["total"]
    assert client.get(f"/v1/citations/at?num_results=2&page={total}").status_code == 404


@pytest.mark.parametrize(
    "query", ["page=0", "num_results=0", "num_results=100", "doi_prefix=11.2", "issn=1234"]
)
def test_citations_validation(client, sample_ids, query):
    response = client.get(f"/v1/citations/at?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_citations_unknown_timeframe(client, sample_ids):
    assert client.get("/v1/citations/2y").status_code == 422


def test_citations_filters(client, sample_ids):
    def ids_of(query: str) -> set[int]:
        response = client.get(f"/v1/citations/at?{query}")
        if response.status_code == 404:
            return set()
        return {r["altmetric_id"] for r in response.json()["results"]}

    assert ids_of("cited_in=reddit") == {sample_ids["lancet"]}
    news = {sample_ids[k] for k in ("species", "sici", "book")}
    assert ids_of("cited_in=news") == news
    assert ids_of("cited_in=news,reddit") == news | {sample_ids["lancet"]}
    assert ids_of("doi_prefix=10.1016") == {sample_ids["lancet"]}
    assert ids_of("doi_prefix=10.1038") == {sample_ids["species"]}
    assert ids_of("issn=0028-0836") == {sample_ids["species"]}
    assert ids_of("issn=00280836,01406736") == {sample_ids["species"], sample_ids["lancet"]}
    assert ids_of("doi_prefix=10.7777") == set()


def test_citations_timeframe_and_order(client, sample_ids):
    # Only the species paper has a mention in the last day (2 hours ago); the rest are older.
    day = client.get("/v1/citations/1d").json()
    assert [r["altmetric_id"] for r in day["results"]] == [sample_ids["species"]]
    by_pubdate = client.get("/v1/citations/at?order_by=pubdate").json()["results"]
    dated = [r["published_on"] for r in by_pubdate if "published_on" in r]
    assert dated == sorted(dated, reverse=True) and len(dated) >= 3
    assert client.get("/v1/citations/at?order_by=nonsense").status_code == 422


# -- fetch ---------------------------------------------------------------------------------------


def test_fetch_needs_a_key(client, sample_ids):
    response = client.get(f"/v1/fetch/doi/{sample.SPECIES_DOI}")
    assert response.status_code == 403


def test_fetch_with_a_key(client, app_engine, sample_ids, conformance_dir):
    from altscope.store.db import transaction
    from altscope.web.keys import create_key

    with transaction(app_engine) as session:
        _, key = create_key(session, "fetcher")
    response = client.get(f"/v1/fetch/doi/{sample.SPECIES_DOI}?key={key}")
    assert response.status_code == 200, response.text
    body = response.json()
    example = json.loads((conformance_dir / "altmetric_api" / "fetch.repaired.json").read_text())
    assert set(body) == set(example)
    assert set(body["altmetric_score"]) == set(example["altmetric_score"])
    assert set(body["demographics"]) >= {"poster_types", "geo"}
    assert body["counts"]["total"]["posts_count"] == 6
    assert body["counts"]["bluesky"]["unique_users_count"] == 2
    assert body["counts"]["news"]["posts_count"] == 1
    assert body["counts"]["blogs"]["posts_count"] == 1
    assert body["counts"]["readers"]["mendeley"] == 42
    assert len(body["posts"]["bluesky"]) == 3
    assert body["citation"]["doi"] == sample.SPECIES_DOI
    all_ctx = body["altmetric_score"]["context_for_score"]["all"]
    assert set(all_ctx) == set(example["altmetric_score"]["context_for_score"]["all"])
