"""Enrichment end to end: which services are asked, offline behaviour, retries, merged aliases.

Database tests run on SQLite and PostgreSQL through the shared ``engine`` fixture; the services
are the fake server on 127.0.0.1 (or a port nothing listens on, for "offline").
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from altscope.ids import Identifier
from altscope.ingest import add_identifiers, enrich_outputs, enrich_pending
from altscope.sources.enrich import Enricher, arxiv_doi
from altscope.store.db import transaction
from altscope.store.outputs import find_output
from altscope.store.schema import Output
from fakes.recorded import crossref_interactions, load_response, source_responses_dir
from fakes.server import CROSSREF, DATACITE, OPENALEX, FakeServer, Reply, offline_settings

IOANNIDIS = "10.1371/journal.pmed.0020124"
ARXIV_DOI = "10.48550/arXiv.1706.03762"


def serve_ioannidis(server: FakeServer) -> None:
    work = load_response("openalex_work_pmed_0020124")
    server.add(
        f"{CROSSREF}/works/{IOANNIDIS}", Reply(json=load_response("crossref_work_pmed_0020124"))
    )
    server.add(f"{OPENALEX}/works/doi:{IOANNIDIS}", Reply(json=work))
    server.add(f"{OPENALEX}/works/pmid:16060722", Reply(json=work))


def serve_attention(server: FakeServer) -> None:
    server.add(
        f"{DATACITE}/dois/{ARXIV_DOI}", Reply(json=load_response("datacite_doi_arxiv_1706_03762"))
    )
    server.add(
        f"{OPENALEX}/works/doi:{ARXIV_DOI}",
        Reply(json=load_response("openalex_work_arxiv_1706_03762")),
    )


def stored(engine: Engine, scheme: str, value: str) -> Output:
    with transaction(engine) as session:
        output = find_output(session, scheme, value)
        assert output is not None
        output.identifiers, output.authors  # noqa: B018 - load before the session closes
        return output


# -- strategy (no database) ----------------------------------------------------------------------
async def test_doi_asks_crossref_then_openalex(fake_server: FakeServer):
    serve_ioannidis(fake_server)
    async with Enricher(fake_server.settings()) as enricher:
        result = await enricher.enrich([Identifier("doi", IOANNIDIS)])
    assert result.complete
    assert result.providers == ["openalex", "crossref"]  # the agency's record is applied last
    assert fake_server.paths() == [
        f"{CROSSREF}/works/{IOANNIDIS}",
        f"{OPENALEX}/works/doi:{IOANNIDIS}",
    ]
    assert "pmid:16060722" in result.records[0].identifiers


async def test_crossref_404_falls_back_to_datacite(fake_server: FakeServer):
    serve_attention(fake_server)
    async with Enricher(fake_server.settings()) as enricher:
        result = await enricher.enrich([Identifier("doi", ARXIV_DOI.lower())])
    assert result.complete
    assert result.providers == ["openalex", "datacite"]
    assert fake_server.hits(f"{CROSSREF}/works/{ARXIV_DOI}") == 1


async def test_arxiv_id_asks_datacite_under_the_arxiv_doi(fake_server: FakeServer):
    serve_attention(fake_server)
    assert arxiv_doi("arXiv:1706.03762v5") == ARXIV_DOI
    async with Enricher(fake_server.settings()) as enricher:
        result = await enricher.enrich([Identifier("arxiv", "arXiv:1706.03762")])
    assert result.providers == ["openalex", "datacite"]
    assert not any(path.startswith(CROSSREF) for path in fake_server.paths())
    assert result.records[-1].title == "Attention Is All You Need"


async def test_pmid_only_asks_openalex_then_crossref_for_the_doi_it_reveals(
    fake_server: FakeServer,
):
    serve_ioannidis(fake_server)
    async with Enricher(fake_server.settings()) as enricher:
        result = await enricher.enrich([Identifier("pmid", "16060722")])
    assert result.providers == ["openalex", "crossref"]
    assert fake_server.paths() == [
        f"{OPENALEX}/works/pmid:16060722",
        f"{CROSSREF}/works/{IOANNIDIS}",
    ]


async def test_crossref_failure_is_not_taken_for_a_404(fake_server: FakeServer):
    serve_ioannidis(fake_server)
    fake_server.add(f"{CROSSREF}/works/{IOANNIDIS}", Reply(503, body="down"))
    async with Enricher(fake_server.settings(http_retries=0)) as enricher:
        result = await enricher.enrich([Identifier("doi", IOANNIDIS)])
    assert not result.complete
    assert result.errors and result.errors[0].startswith("crossref:")
    assert result.providers == ["openalex"]  # what did answer is kept
    assert not any(path.startswith(DATACITE) for path in fake_server.paths())


async def test_polite_pool_contact_is_sent_everywhere(fake_server: FakeServer):
    serve_ioannidis(fake_server)
    settings = fake_server.settings(contact_email="team@example.org")
    async with Enricher(settings) as enricher:
        await enricher.enrich([Identifier("doi", IOANNIDIS)])
    for seen in fake_server.requests:
        assert seen.query["mailto"] == "team@example.org"
        assert seen.headers["User-Agent"].startswith("altscope/")
        assert "mailto:team@example.org" in seen.headers["User-Agent"]


# -- with the store --------------------------------------------------------------------------------
def test_enrichment_stores_metadata_and_merges_revealed_aliases(
    engine: Engine, fake_server: FakeServer
):
    serve_ioannidis(fake_server)
    add_identifiers(engine, [IOANNIDIS, "PMC1182327"])  # two outputs: OpenAlex shows they are one
    report = enrich_pending(engine, fake_server.settings(), limit=10)
    assert report.errors == []
    output = stored(engine, "doi", IOANNIDIS)
    assert {str(i) for i in output.identifiers} == {
        f"doi:{IOANNIDIS}",
        "pmid:16060722",
        "pmcid:PMC1182327",
    }
    assert output.title == "Why Most Published Research Findings Are False"
    assert output.issns == ["1549-1676"]  # Crossref's record, applied last, wins
    assert output.published == date(2005, 8, 30)
    assert output.metadata_provider == "crossref"
    assert output.enriched_at is not None and output.enrich_last_error is None
    with transaction(engine) as session:
        live = session.scalars(select(Output).where(Output.merged_into.is_(None))).all()
        assert len(live) == 1
    assert enrich_pending(engine, fake_server.settings(), limit=10).attempted == 0  # nothing left


def test_offline_outputs_stay_stored_and_are_retried_later(engine: Engine):
    report = add_identifiers(engine, [IOANNIDIS, "arXiv:1706.03762"])
    assert report.added == 2
    offline = enrich_pending(engine, offline_settings(), limit=10)
    assert (offline.attempted, offline.failed, offline.enriched) == (2, 2, 0)
    output = stored(engine, "doi", IOANNIDIS)
    assert output.enriched_at is None
    assert output.enrich_attempts == 1
    assert "cannot connect" in output.enrich_last_error
    assert {str(i) for i in output.identifiers} == {f"doi:{IOANNIDIS}"}

    # Not yet due for a retry with a one-hour delay; due at once with no delay.
    assert enrich_pending(engine, offline_settings(), retry_after=timedelta(hours=1)).attempted == 0
    with FakeServer() as server:
        serve_ioannidis(server)
        serve_attention(server)
        later = enrich_pending(engine, server.settings(), limit=10)
    assert (later.attempted, later.enriched, later.failed) == (2, 2, 0)
    output = stored(engine, "doi", IOANNIDIS)
    assert output.enriched_at is not None and output.enrich_last_error is None
    assert output.enrich_attempts == 2
    assert output.title == "Why Most Published Research Findings Are False"
    assert stored(engine, "arxiv", "arXiv:1706.03762").title == "Attention Is All You Need"


def test_a_failed_refresh_never_loses_stored_metadata(engine: Engine, fake_server: FakeServer):
    serve_ioannidis(fake_server)
    ids = add_identifiers(engine, [IOANNIDIS]).output_ids
    enrich_outputs(engine, fake_server.settings(), ids)
    before = stored(engine, "doi", IOANNIDIS)
    fake_server.add(f"{CROSSREF}/works/{IOANNIDIS}", Reply(500))
    fake_server.add(f"{OPENALEX}/works/doi:{IOANNIDIS}", Reply(json={"not": "a work"}))
    report = enrich_pending(engine, fake_server.settings(http_retries=0), refresh=True)
    assert report.failed == 1
    after = stored(engine, "doi", IOANNIDIS)
    assert (after.title, after.container_title, after.published, after.metadata_provider) == (
        before.title,
        before.container_title,
        before.published,
        before.metadata_provider,
    )
    assert [a.name for a in after.authors] == [a.name for a in before.authors]
    assert after.enriched_at == before.enriched_at
    assert "HTTP 500" in after.enrich_last_error


def test_not_found_anywhere_is_recorded_and_left_pending(engine: Engine, fake_server: FakeServer):
    add_identifiers(engine, ["10.5555/no-such-work"])
    report = enrich_pending(engine, fake_server.settings())
    assert (report.attempted, report.not_found) == (1, 1)
    output = stored(engine, "doi", "10.5555/no-such-work")
    assert output.enriched_at is None
    assert "not found" in output.enrich_last_error


def test_outputs_no_service_can_describe_are_not_asked(engine: Engine, fake_server: FakeServer):
    add_identifiers(engine, ["ISBN 978-0-374-27563-1"])
    report = enrich_pending(engine, fake_server.settings())
    assert (report.attempted, report.unsupported, report.enriched) == (1, 1, 0)
    assert fake_server.requests == []
    assert enrich_pending(engine, fake_server.settings()).attempted == 0


@pytest.mark.skipif(source_responses_dir() is None, reason="conformance data not found")
def test_recorded_crossref_answers_enrich_stored_outputs(engine: Engine, fake_server: FakeServer):
    """Replay every recorded single-DOI Crossref answer through the whole pipeline."""
    found = [
        i
        for i in crossref_interactions()
        if i.expected["status"] == 200 and i.expected.get("message_type") == "work"
    ]
    missing = [i for i in crossref_interactions() if i.expected["status"] == 404]
    for interaction in found + missing:
        fake_server.add(interaction.route, interaction.reply)
    dois = sorted({i.doi for i in found} | {i.doi for i in missing})
    add_identifiers(engine, dois)
    report = enrich_pending(engine, fake_server.settings(), limit=100)
    expected_found = {i.expected["doi"].lower() for i in found}
    assert report.enriched == len(expected_found)
    assert report.not_found == len({i.doi for i in missing})
    for interaction in found:
        output = stored(engine, "doi", interaction.expected["doi"].lower())
        assert output.metadata_provider == "crossref"
        assert output.type == interaction.expected["type"]
        assert output.title
