"""An existing Altmetric client from PyPI (pyaltmetric), unchanged, against a live altscope."""

from __future__ import annotations

import pytest

from altscope.web.app import create_app
from support import web_sample as sample
from support.live_server import live_server as serve
from support.web_settings import settings

pyaltmetric = pytest.importorskip("pyaltmetric")


@pytest.fixture
def altmetric(live_server, monkeypatch):
    """pyaltmetric's client, pointed at the test server (its only knob: ``base_url``)."""
    monkeypatch.setattr(pyaltmetric.Altmetric, "base_url", f"{live_server}/v1/")
    return pyaltmetric.Altmetric()


def test_doi_pmid_arxiv_id(altmetric, sample_ids):
    species = altmetric.doi(sample.SPECIES_DOI)
    assert species["altmetric_id"] == sample_ids["species"]
    assert species["title"] == "Number of species on Earth tagged at 8.7 million"
    assert altmetric.pmid(sample.LANCET_PMID)["altmetric_id"] == sample_ids["lancet"]
    assert altmetric.arxiv(sample.ARXIV)["altmetric_id"] == sample_ids["preprint"]
    assert altmetric.id(str(sample_ids["book"]))["altmetric_id"] == sample_ids["book"]
    # The client builds the URL without encoding the DOI: parentheses and semicolons survive.
    assert altmetric.doi(sample.LANCET_DOI)["altmetric_id"] == sample_ids["lancet"]


def test_no_details_is_none(altmetric, sample_ids):
    assert altmetric.doi(sample.SILENT_DOI) is None
    assert altmetric.doi("10.9999/never.seen") is None


def test_citations(altmetric, sample_ids):
    answer = altmetric.citations("at", num_results=2)
    assert answer["query"]["total"] >= 5 and len(answer["results"]) == 2
    assert answer["results"][0]["score"] >= answer["results"][1]["score"]


def test_citation_object(altmetric, sample_ids):
    # pyaltmetric's Citation uses Python 2's iteritems; its repr helpers still read our fields.
    fields = pyaltmetric.Citation.get_fields(
        type("C", (), altmetric.doi(sample.SPECIES_DOI))(), "title", "cited_by_posts_count"
    )
    assert fields == ["Number of species on Earth tagged at 8.7 million", 6]


def test_rate_limit_reaches_the_client_as_429(app_engine, sample_ids, monkeypatch):
    app = create_app(app_engine, settings=settings(api_rate_limit_anonymous=2))
    with serve(app) as base:
        monkeypatch.setattr(pyaltmetric.Altmetric, "base_url", f"{base}/v1/")
        client = pyaltmetric.Altmetric()
        client.doi(sample.SPECIES_DOI)
        client.doi(sample.SPECIES_DOI)
        with pytest.raises(pyaltmetric.HTTPException) as error:
            client.doi(sample.SPECIES_DOI)
    assert error.value.status_code == 429


def test_api_key_is_sent_as_key_parameter(app_engine, sample_ids, monkeypatch):
    from altscope.store.db import transaction
    from altscope.web.keys import create_key

    with transaction(app_engine) as session:
        _, key = create_key(session, "client", rate_limit=2)
    app = create_app(app_engine, settings=settings(api_rate_limit_anonymous=100))
    with serve(app) as base:
        monkeypatch.setattr(pyaltmetric.Altmetric, "base_url", f"{base}/v1/")
        client = pyaltmetric.Altmetric(api_key=key)
        assert client.doi(sample.SPECIES_DOI)["altmetric_id"] == sample_ids["species"]
        fetched = client.fetch("fetch", "doi", sample.SPECIES_DOI)  # needs the key
        assert fetched["counts"]["total"]["posts_count"] == 6
        with pytest.raises(pyaltmetric.HTTPException) as error:  # the key's 2 a minute
            client.doi(sample.SPECIES_DOI)
    assert error.value.status_code == 429
