"""Outputs: upsert by identifiers, metadata, merging aliases, enrichment bookkeeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import count, doi, pmid

from altscope.records import Author, OutputMetadata
from altscope.store.groups import add_to_group, ensure_group
from altscope.store.mentions import add_mention
from altscope.store.metrics import record_metric
from altscope.store.outputs import (
    apply_metadata,
    find_output,
    merge_outputs,
    outputs_needing_enrichment,
    record_enrichment_attempt,
    upsert_output,
)
from altscope.store.schema import (
    Mention,
    MetricSnapshot,
    Output,
    OutputAuthor,
    OutputIdentifier,
    Source,
    group_outputs,
)


def metadata(**fields) -> OutputMetadata:
    return OutputMetadata(provider=fields.pop("provider", "crossref"), **fields)


def test_upsert_creates_once_and_is_idempotent(db_session: Session) -> None:
    meta = metadata(
        title="On tides",
        authors=[Author("A. One", "A", "One"), Author("B. Two", "B", "Two", "0000-0002-1825-0097")],
        container_title="Journal of Water",
        issns=["1234-5679"],
        published=date(2021, 3, 4),
        subjects=["Oceanography"],
        citation_count=7,
    )
    first = upsert_output(db_session, [doi("10.1000/tides")], meta)
    db_session.commit()
    stamp = first.updated_at
    author_ids = [a.id for a in first.authors]

    second = upsert_output(db_session, [doi("10.1000/tides")], meta)
    db_session.commit()

    assert second.id == first.id
    assert count(db_session, Output) == 1
    assert count(db_session, OutputIdentifier) == 1
    assert count(db_session, MetricSnapshot) == 1
    db_session.expire_all()
    again = db_session.get(Output, first.id)
    assert again.updated_at == stamp
    assert [a.id for a in again.authors] == author_ids
    assert [a.name for a in again.authors] == ["A. One", "B. Two"]
    assert again.authors[1].orcid == "0000-0002-1825-0097"
    assert again.title == "On tides"
    assert again.issns == ["1234-5679"]
    assert again.published == date(2021, 3, 4)
    assert again.metadata_provider == "crossref"


def test_upsert_adds_missing_identifiers(db_session: Session) -> None:
    output = upsert_output(db_session, [doi("10.1000/a")])
    same = upsert_output(db_session, [doi("10.1000/a"), pmid("123")])
    db_session.commit()
    assert same.id == output.id
    assert sorted(str(i) for i in same.identifiers) == ["doi:10.1000/a", "pmid:123"]
    assert find_output(db_session, "pmid", "123").id == output.id
    assert find_output(db_session, "pmid", "999") is None


def test_upsert_needs_an_identifier(db_session: Session) -> None:
    with pytest.raises(ValueError, match="at least one identifier"):
        upsert_output(db_session, [])


def test_metadata_keeps_known_values_and_updates_authors_in_place(db_session: Session) -> None:
    output = upsert_output(
        db_session,
        [doi("10.1000/b")],
        metadata(title="Old title", publisher="P", authors=[Author("X"), Author("Y"), Author("Z")]),
    )
    db_session.commit()
    first_author_id = output.authors[0].id

    apply_metadata(
        db_session,
        output,
        metadata(provider="openalex", title="New title", authors=[Author("X"), Author("W")]),
    )
    db_session.commit()
    db_session.expire_all()
    output = db_session.get(Output, output.id)
    assert output.title == "New title"
    assert output.publisher == "P"  # unknown to the second provider: kept
    assert output.metadata_provider == "openalex"
    assert [(a.position, a.name) for a in output.authors] == [(0, "X"), (1, "W")]
    assert output.authors[0].id == first_author_id
    assert count(db_session, OutputAuthor) == 2


def test_citation_count_becomes_a_snapshot(db_session: Session) -> None:
    output = upsert_output(db_session, [doi("10.1000/c")], metadata(citation_count=3))
    upsert_output(db_session, [doi("10.1000/c")], metadata(citation_count=5))
    db_session.commit()
    snapshot = db_session.scalars(select(MetricSnapshot)).one()
    assert (snapshot.output_id, snapshot.provider, snapshot.kind) == (
        output.id,
        "crossref",
        "citations",
    )
    assert snapshot.value == 5
    assert snapshot.period == datetime.now(UTC).date().isoformat()


def test_merge_of_a_doi_output_and_a_pmid_output(
    db_session: Session, sources: dict[str, Source]
) -> None:
    s = db_session
    by_doi = upsert_output(s, [doi("10.1000/same")], metadata(title="Same work"))
    by_pmid = upsert_output(s, [pmid("4242")], metadata(provider="pubmed", publisher="PubMed Inc"))
    s.commit()
    assert by_doi.id < by_pmid.id

    # Both have mentions, one post is recorded for both, one only for the PMID output.
    add_mention(s, by_doi, "wikipedia", native_id="rev/1", url="https://en.wikipedia.org/wiki/A")
    add_mention(s, by_pmid, "wikipedia", native_id="rev/1", url="https://en.wikipedia.org/wiki/A")
    only_pmid, _ = add_mention(s, by_pmid, "bluesky", native_id="at://post/9")
    # Group memberships, overlapping.
    dept = ensure_group(s, "department", "Physics", external_key="dept-phys")
    lab = ensure_group(s, "research_group", "Tides lab")
    add_to_group(s, dept, by_doi)
    add_to_group(s, dept, by_pmid)
    add_to_group(s, lab, by_pmid)
    # Snapshots: a clash (same provider/kind/period: the later observation wins) and a new one.
    early = datetime(2024, 5, 1, 8, tzinfo=UTC)
    late = datetime(2024, 5, 1, 20, tzinfo=UTC)
    record_metric(s, by_doi, "mendeley", "readers", 10, period="2024-05-01", observed_at=early)
    record_metric(s, by_pmid, "mendeley", "readers", 12, period="2024-05-01", observed_at=late)
    record_metric(s, by_pmid, "counter", "views", 99, period="2024-04")
    s.commit()

    # Crossref says the DOI's PMID is 4242: one upsert with both merges them.
    survivor = upsert_output(s, [doi("10.1000/same"), pmid("4242")])
    s.commit()
    s.expire_all()

    assert survivor.id == by_doi.id
    alias = s.get(Output, by_pmid.id)
    assert alias.merged_into == by_doi.id
    assert find_output(s, "pmid", "4242").id == by_doi.id
    assert find_output(s, "doi", "10.1000/same").id == by_doi.id
    assert count(s, Output, Output.merged_into.is_(None)) == 1

    survivor = s.get(Output, by_doi.id)
    assert sorted(map(str, survivor.identifiers)) == ["doi:10.1000/same", "pmid:4242"]
    assert count(s, OutputIdentifier, OutputIdentifier.output_id == alias.id) == 0
    # Missing metadata filled from the alias, own metadata kept.
    assert (survivor.title, survivor.publisher) == ("Same work", "PubMed Inc")

    mentions = s.scalars(select(Mention).order_by(Mention.id)).all()
    assert [m.output_id for m in mentions] == [by_doi.id, by_doi.id]  # duplicate post folded
    assert only_pmid.id in [m.id for m in mentions]
    # The moved mention's dedup key is the survivor's: recording it again creates nothing.
    _, created = add_mention(s, by_doi, "bluesky", native_id="at://post/9")
    assert created is False
    _, created = add_mention(s, alias, "bluesky", native_id="at://post/9")
    assert created is False

    memberships = s.execute(select(group_outputs.c.group_id, group_outputs.c.output_id)).all()
    assert sorted(memberships) == sorted([(dept.id, by_doi.id), (lab.id, by_doi.id)])

    snapshots = {
        (m.provider, m.kind, m.period): (m.output_id, m.value)
        for m in s.scalars(select(MetricSnapshot))
    }
    assert snapshots == {
        ("mendeley", "readers", "2024-05-01"): (by_doi.id, 12),
        ("counter", "views", "2024-04"): (by_doi.id, 99),
    }


def test_merge_chains_are_flattened(db_session: Session) -> None:
    a = upsert_output(db_session, [doi("10.1/a")])
    b = upsert_output(db_session, [doi("10.1/b")])
    c = upsert_output(db_session, [doi("10.1/c")])
    merge_outputs(db_session, b, c)  # c → b
    merge_outputs(db_session, a, b)  # b → a, and c follows
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Output, c.id).merged_into == a.id
    assert db_session.get(Output, b.id).merged_into == a.id
    assert find_output(db_session, "doi", "10.1/c").id == a.id
    # Merging an output into itself (or an alias into its survivor) does nothing.
    assert merge_outputs(db_session, a, c).id == a.id


def test_upsert_through_several_outputs_keeps_the_lowest(db_session: Session) -> None:
    ids = [upsert_output(db_session, [doi(f"10.2/{n}")]).id for n in range(3)]
    survivor = upsert_output(db_session, [doi("10.2/2"), doi("10.2/0"), doi("10.2/1")])
    db_session.commit()
    assert survivor.id == min(ids)
    assert count(db_session, Output, Output.merged_into.is_(None)) == 1
    assert count(db_session, OutputIdentifier, OutputIdentifier.output_id == survivor.id) == 3


def test_enrichment_queue(db_session: Session) -> None:
    fresh = upsert_output(db_session, [doi("10.3/fresh")])
    failing = upsert_output(db_session, [doi("10.3/failing")])
    done = upsert_output(db_session, [doi("10.3/done")])
    merged = upsert_output(db_session, [doi("10.3/merged")])
    merge_outputs(db_session, done, merged)
    record_enrichment_attempt(db_session, failing, "timeout " * 1000)
    record_enrichment_attempt(db_session, done, None, provider="crossref")
    db_session.commit()

    assert failing.enrich_attempts == 1
    assert len(failing.enrich_last_error) == 2000
    assert done.enriched_at is not None and done.enrich_provider == "crossref"

    waiting = outputs_needing_enrichment(db_session, 10, retry_after=timedelta(hours=1))
    assert [o.id for o in waiting] == [fresh.id]
    due = outputs_needing_enrichment(db_session, 10, retry_after=timedelta(0))
    assert [o.id for o in due] == [fresh.id, failing.id]  # never-tried first
    assert len(outputs_needing_enrichment(db_session, 1, retry_after=timedelta(0))) == 1

    record_enrichment_attempt(db_session, failing, None)
    db_session.commit()
    assert failing.enrich_attempts == 2 and failing.enrich_last_error is None
    due = outputs_needing_enrichment(db_session, 10, retry_after=timedelta(0))
    assert [o.id for o in due] == [fresh.id]


def test_identifiers_in_metadata_merge_aliases(db_session: Session, caplog) -> None:
    by_doi = upsert_output(db_session, [doi("10.1000/xyz")])
    by_pmid = upsert_output(db_session, [pmid("31415")])
    db_session.commit()

    result = apply_metadata(
        db_session,
        by_pmid,
        metadata(provider="openalex", title="T", identifiers=["doi:10.1000/XYZ", "not an id"]),
    )
    db_session.commit()

    assert result.id == by_doi.id  # the lowest id survives, whichever output was enriched
    assert result.title == "T"
    assert db_session.get(Output, by_pmid.id).merged_into == by_doi.id
    assert find_output(db_session, "pmid", "31415").id == by_doi.id
    assert "not an id" in caplog.text
    # Applying it again changes nothing.
    assert apply_metadata(db_session, by_doi, metadata(identifiers=["doi:10.1000/xyz"])).id == (
        by_doi.id
    )
    assert count(db_session, OutputIdentifier) == 2
