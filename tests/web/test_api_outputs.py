"""The native API: outputs by id or identifier, mentions, score, explain, history, context,
people, categories, groups, sources and bulk lookup."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope import scoring
from altscope.store.schema import OutputScore
from support import web_sample as sample


def _row(engine, output_id: int) -> OutputScore:
    with Session(engine) as session:
        return session.scalars(select(OutputScore).where(OutputScore.output_id == output_id)).one()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/outputs/{species}", "species"),
        (f"/api/outputs/doi/{sample.SPECIES_DOI}", "species"),
        (f"/api/outputs/doi/https://doi.org/{sample.SPECIES_DOI}", "species"),
        (f"/api/outputs/pmid/{sample.LANCET_PMID}", "lancet"),
        (f"/api/outputs/doi/{sample.LANCET_DOI}", "lancet"),
        (f"/api/outputs/arxiv/{sample.ARXIV}", "preprint"),
        (f"/api/outputs/isbn/{sample.ISBN}", "book"),
        (f"/api/outputs/handle/{sample.HANDLE}", "thesis"),
    ],
)
def test_output_by_any_identifier(client, sample_ids, path, name):
    response = client.get(path.format(**sample_ids))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == sample_ids[name]
    assert body["details_url"] == f"http://testserver/details/{sample_ids[name]}"
    assert body["links"]["mentions"].endswith(f"/api/outputs/{sample_ids[name]}/mentions")


def test_output_metadata_and_score_summary(client, app_engine, sample_ids):
    body = client.get(f"/api/outputs/{sample_ids['species']}").json()
    row = _row(app_engine, sample_ids["species"])
    assert body["title"] == "Number of species on Earth tagged at 8.7 million"
    assert body["journal"] == "Nature News"
    assert body["published"] == "2011-08-23"
    assert {"scheme": "doi", "value": sample.SPECIES_DOI} in body["identifiers"]
    assert body["authors"][0] == {
        "name": "Lucas Mora", "orcid": "0000-0002-1825-0097", "affiliations": []
    }  # fmt: skip
    assert body["score"]["score"] == row.score
    assert body["score"]["display_score"] == row.display_score
    assert body["score"]["rules_version"] == row.rules_version


def test_outside_strings_come_back_verbatim_as_json(client, sample_ids):
    response = client.get(f"/api/outputs/{sample_ids['lancet']}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["title"] == sample.EVIL_TITLE


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/outputs/999999", 404),
        ("/api/outputs/0", 404),
        ("/api/outputs/doi/10.9999/unknown", 404),
        ("/api/outputs/doi/not-a-doi", 400),
        ("/api/outputs/pmid/abc", 400),
        ("/api/outputs/nonsense/123", 404),
        ("/api/outputs/999999/mentions", 404),
        ("/api/outputs/doi/not-a-doi/score", 400),
    ],
)
def test_errors_are_json_with_proper_codes(client, sample_ids, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


def test_mentions_newest_first_with_actor_match_and_flag(client, sample_ids):
    body = client.get(f"/api/outputs/doi/{sample.SPECIES_DOI}/mentions").json()
    assert body["total"] == 6 and body["page"] == 1
    times = [m["occurred_at"] for m in body["results"]]
    assert times == sorted(times, reverse=True)
    newest = body["results"][0]
    assert newest["id"] == sample_ids["flagged_mention"]
    assert newest["flag"]["kind"] == "bot"
    assert newest["actor"]["handle"] == "alice.bsky.social"
    assert newest["actor"]["name"] == "Alice <b>Researcher</b>"  # data, not markup
    assert newest["match_method"] == "doi_in_text"
    assert newest["match_verification"] == "identifier"
    assert newest["source"] == "bluesky" and newest["source_name"] == "Bluesky"
    assert sum(1 for m in body["results"] if m["flag"]) == 1


def test_mentions_paging_and_filters(client, sample_ids):
    base = f"/api/outputs/{sample_ids['species']}/mentions"
    first = client.get(f"{base}?per_page=4").json()
    second = client.get(f"{base}?per_page=4&page=2").json()
    assert len(first["results"]) == 4 and len(second["results"]) == 2
    assert not {m["id"] for m in first["results"]} & {m["id"] for m in second["results"]}
    bluesky = client.get(f"{base}?source=bluesky").json()
    assert bluesky["total"] == 3 and {m["source"] for m in bluesky["results"]} == {"bluesky"}
    recent = client.get(f"{base}?since={first['results'][1]['occurred_at'][:10]}").json()
    assert 1 <= recent["total"] < 6
    old = client.get(f"{base}?until=2000-01-01").json()
    assert old["total"] == 0 and old["results"] == []
    assert client.get(f"{base}?per_page=1000").status_code == 422
    assert client.get(f"{base}?since=yesterday").status_code == 422


def test_removed_mentions_are_not_listed(client, sample_ids):
    body = client.get(f"/api/outputs/{sample_ids['preprint']}/mentions").json()
    assert body["total"] == 1


def test_score_categories_context_history(client, app_engine, sample_ids):
    row = _row(app_engine, sample_ids["species"])
    base = f"/api/outputs/{sample_ids['species']}"
    score = client.get(f"{base}/score").json()
    assert score["score"] == row.score and score["sources"] == row.sources
    assert score["categories"] == row.categories and score["flags"] == row.flags
    assert client.get(f"{base}/categories").json()["categories"] == row.categories
    context = client.get(f"{base}/context").json()["context"]
    assert context["all"] == row.context["all"]
    history = client.get(f"{base}/history").json()
    assert history["windows"] == row.history
    with Session(app_engine) as session:
        daily = scoring.daily_series(session, sample_ids["species"], row.rules_version)
    assert len(history["daily"]) == len(daily)
    assert sum(p["posts"] for p in history["daily"]) == sum(p["posts"] for p in daily)


def test_explain_people(client, app_engine, sample_ids):
    base = f"/api/outputs/{sample_ids['species']}"
    explained = client.get(f"{base}/explain").json()
    with Session(app_engine) as session:
        expected = scoring.explain(session, sample_ids["species"])
        people = scoring.demographics(session, sample_ids["species"])
    assert explained["output_id"] == sample_ids["species"]
    assert explained["score"] == expected["score"]
    body = client.get(f"{base}/people").json()
    assert body["kinds"] == people["kinds"] and body["countries"] == people["countries"]


def test_unscored_output_has_no_score_resource(client, app_engine, sample_ids):
    from sqlalchemy import delete

    from altscope.store.db import transaction

    with transaction(app_engine) as session:
        session.execute(delete(OutputScore).where(OutputScore.output_id == sample_ids["silent"]))
    assert client.get(f"/api/outputs/{sample_ids['silent']}/score").status_code == 404
    assert client.get(f"/api/outputs/{sample_ids['silent']}").json()["score"] is None


def test_sources(client, sample_ids):
    body = client.get("/api/sources").json()
    assert {s["key"] for s in body} >= {s.key for s in sample.SOURCES}
    assert all(s["category"] for s in body)


def test_groups(client, sample_ids):
    listed = client.get("/api/groups").json()
    assert listed["total"] == 2
    by_name = {g["name"]: g for g in listed["results"]}
    assert by_name["Biology"]["outputs"] == 3 and by_name["Lab A"]["outputs"] == 1
    assert client.get("/api/groups?kind=lab").json()["total"] == 1
    biology = client.get(f"/api/groups/{sample_ids['biology']}").json()
    assert [c["name"] for c in biology["children"]] == ["Lab A"]
    outputs = client.get(f"/api/groups/{sample_ids['biology']}/outputs").json()
    assert outputs["total"] == 3
    scores = [o["score"] for o in outputs["results"]]
    assert scores == sorted(scores, reverse=True)
    assert outputs["results"][0]["id"] == sample_ids["species"]
    assert client.get("/api/groups/999999").status_code == 404
    assert client.get("/api/groups/999999/outputs").status_code == 404


def test_lookup(client, sample_ids):
    identifiers = [
        sample.SPECIES_DOI,
        f"https://doi.org/{sample.LANCET_DOI}",
        f"pmid:{sample.LANCET_PMID}",
        f"arXiv:{sample.ARXIV}",
        "10.9999/unknown",
        "certainly not an identifier",
    ]
    response = client.post("/api/lookup", json={"identifiers": identifiers})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {"requested": 6, "found": 4, "not_found": 1, "invalid": 1}
    results = body["results"]
    assert [r["input"] for r in results] == identifiers
    assert results[0]["output_id"] == sample_ids["species"] and results[0]["score"] > 0
    assert results[1]["output_id"] == results[2]["output_id"] == sample_ids["lancet"]
    assert results[4]["found"] is False and results[4]["scheme"] == "doi"
    assert results[5]["found"] is False and results[5]["error"]


def test_lookup_limits(client, sample_ids):
    many = [f"10.1234/n{i}" for i in range(1000)]
    ok = client.post("/api/lookup", json={"identifiers": many})
    assert ok.status_code == 200 and ok.json()["summary"]["not_found"] == 1000
    too_many = client.post("/api/lookup", json={"identifiers": [*many, "10.1/x"]})
    assert too_many.status_code == 413
    assert client.post("/api/lookup", json={"identifiers": "10.1/x"}).status_code == 422
    assert client.post("/api/lookup", content=b"not json").status_code == 422


def test_openapi_documents_the_api(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/outputs/{output_id}",
        "/api/outputs/{scheme}/{identifier}",
        "/api/outputs/{output_id}/mentions",
        "/api/lookup",
        "/api/groups",
        "/api/sources",
        "/v1/{id_type}/{identifier}",
        "/v1/citations/{timeframe}",
    ):
        assert path in paths
    assert "OutputOut" in schema["components"]["schemas"]
