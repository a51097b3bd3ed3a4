"""The ``enrich_pending`` job end to end: outputs stored offline get their metadata from the
(fake, 127.0.0.1) Crossref, DataCite and OpenAlex when the job runs; still-offline outputs are
tried once per run, not over and over."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from altscope import jobs
from altscope.ingest import add_identifiers
from altscope.store.db import transaction
from altscope.store.outputs import find_output

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fakes.recorded import load_response
from fakes.server import CROSSREF, DATACITE, OPENALEX, FakeServer, Reply, offline_settings

PMED = "10.1371/journal.pmed.0020124"
ARXIV = "arXiv:1706.03762"
ARXIV_DOI = "10.48550/arXiv.1706.03762"


def serve_both(server: FakeServer) -> None:
    pmed = load_response("openalex_work_pmed_0020124")
    server.add(f"{CROSSREF}/works/{PMED}", Reply(json=load_response("crossref_work_pmed_0020124")))
    server.add(f"{OPENALEX}/works/doi:{PMED}", Reply(json=pmed))
    server.add(f"{OPENALEX}/works/pmid:16060722", Reply(json=pmed))
    server.add(
        f"{DATACITE}/dois/{ARXIV_DOI}", Reply(json=load_response("datacite_doi_arxiv_1706_03762"))
    )
    server.add(
        f"{OPENALEX}/works/doi:{ARXIV_DOI}",
        Reply(json=load_response("openalex_work_arxiv_1706_03762")),
    )


def title(engine: Engine, scheme: str, value: str) -> str | None:
    with transaction(engine) as session:
        output = find_output(session, scheme, value)
        assert output is not None
        return output.title


@pytest.fixture(autouse=True)
def _engine_stopped():
    yield
    jobs.stop()


def test_enrich_pending_job_enriches_in_batches(engine: Engine, db_url: str) -> None:
    assert add_identifiers(engine, [PMED, ARXIV]).added == 2
    with FakeServer() as server:
        serve_both(server)
        settings = server.settings(database_url=db_url)
        jobs.start(settings, listen=False)
        result = jobs.run("enrich_pending", limit=1)

    assert (result["attempted"], result["enriched"], result["failed"]) == (2, 2, 0)
    assert result["batches"] == 3  # 1 + 1 + the empty one that shows nothing is left
    assert title(engine, "doi", PMED) == "Why Most Published Research Findings Are False"
    assert title(engine, "arxiv", ARXIV) == "Attention Is All You Need"


def test_enrich_pending_job_offline_tries_each_output_once_per_run(
    engine: Engine, db_url: str
) -> None:
    add_identifiers(engine, [PMED, ARXIV])
    jobs.start(offline_settings(database_url=db_url), listen=False)
    result = jobs.run("enrich_pending", limit=1)

    assert (result["attempted"], result["failed"], result["enriched"]) == (2, 2, 0)
    assert result["batches"] == 3
    assert len(result["errors"]) == 2
    assert title(engine, "doi", PMED) is None  # still stored, enrichment left for a later run
