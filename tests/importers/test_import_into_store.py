"""Importing files and identifiers into the store (SQLite and PostgreSQL via the shared fixtures):
counts, merges, idempotent re-imports and bad input that never stops the rest."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from altscope.ingest import add_identifiers, import_file, import_files
from altscope.records import OutputMetadata
from altscope.store.db import transaction
from altscope.store.outputs import apply_metadata, find_output
from altscope.store.schema import Output, OutputAuthor, OutputIdentifier

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.*"))
EXAMPLE_FILES = [p for p in EXAMPLES if p.suffix != ".md"]


def snapshot(engine: Engine) -> dict:
    """Everything an import can change: row counts and every output's stored values."""
    with transaction(engine) as session:
        counts = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Output, OutputIdentifier, OutputAuthor)
        }
        outputs = [
            (
                o.id,
                o.merged_into,
                o.title,
                o.container_title,
                o.published,
                o.metadata_provider,
                o.updated_at,
                tuple(sorted(str(i) for i in o.identifiers)),
            )
            for o in session.scalars(select(Output).order_by(Output.id))
        ]
    return {"counts": counts, "outputs": outputs}


def live_outputs(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(
            select(func.count()).select_from(Output).where(Output.merged_into.is_(None))
        )


def identifiers_of(engine: Engine, scheme: str, value: str) -> set[str]:
    with transaction(engine) as session:
        output = find_output(session, scheme, value)
        assert output is not None, f"{scheme}:{value} not stored"
        return {str(i) for i in output.identifiers}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_imports_cleanly_and_twice_changes_nothing(engine: Engine, path: Path):
    first = import_file(engine, path)
    assert first.errors == []
    assert first.added > 0 and first.existing == 0
    before = snapshot(engine)
    second = import_file(engine, path)
    assert second.errors == []
    assert second.added == 0 and second.merged == 0
    assert second.existing == first.added + first.existing + first.merged
    assert snapshot(engine) == before


def test_all_examples_together_merge_aliases(engine: Engine):
    report = import_files(engine, EXAMPLE_FILES)
    assert report.errors == []
    # The CSV gives DOI + PMID for Watson & Crick; the ID list and the ORCID file name it by DOI.
    assert identifiers_of(engine, "doi", "10.1038/171737a0") == {
        "doi:10.1038/171737a0",
        "pmid:13054692",
    }
    # The RIS file and the CSV both know the LeCun paper by DOI and PMID: one output.
    assert identifiers_of(engine, "pmid", "26017442") == {
        "doi:10.1038/nature14539",
        "pmid:26017442",
    }
    before = snapshot(engine)
    again = import_files(engine, EXAMPLE_FILES)
    assert again.added == 0 and again.merged == 0 and again.errors == []
    assert snapshot(engine) == before


def test_file_metadata_is_stored(engine: Engine):
    import_file(engine, ROOT / "examples" / "outputs.bib")
    with transaction(engine) as session:
        output = find_output(session, "doi", "10.1371/journal.pmed.0020124")
        assert output is not None
        assert output.title == "Why Most Published Research Findings Are False"
        assert output.container_title == "PLoS Medicine"
        assert output.metadata_provider == "bibtex"
        assert [a.family for a in output.authors] == ["Ioannidis"]
        assert {str(i) for i in output.identifiers} == {
            "doi:10.1371/journal.pmed.0020124",
            "pmid:16060722",
        }


def test_rows_that_join_two_stored_outputs_are_counted_as_merged(engine: Engine, tmp_path: Path):
    path = tmp_path / "outputs.csv"
    path.write_text("doi,pmid\n10.1371/journal.pmed.0020124,\n,16060722\n", "utf-8")
    assert import_file(engine, path).added == 2
    joined = tmp_path / "joined.csv"
    joined.write_text("doi,pmid\n10.1371/journal.pmed.0020124,16060722\n", "utf-8")
    report = import_file(engine, joined)
    assert (report.added, report.existing, report.merged) == (0, 0, 1)
    assert live_outputs(engine) == 1


def test_a_file_never_overwrites_service_metadata(engine: Engine):
    import_file(engine, ROOT / "examples" / "dois.txt")
    with transaction(engine) as session:
        output = find_output(session, "doi", "10.1371/journal.pmed.0020124")
        apply_metadata(
            session,
            output,
            OutputMetadata(
                provider="crossref", title="Why most published research findings are false"
            ),
        )
    import_file(engine, ROOT / "examples" / "outputs.bib")
    with transaction(engine) as session:
        output = find_output(session, "doi", "10.1371/journal.pmed.0020124")
        assert output.title == "Why most published research findings are false"
        assert output.metadata_provider == "crossref"
        assert "pmid:16060722" in {str(i) for i in output.identifiers}  # aliases still added


# -- bad input -----------------------------------------------------------------------------------
def test_malformed_identifiers_are_reported_by_line_and_the_rest_imported(
    engine: Engine, tmp_path: Path
):
    path = tmp_path / "dois.txt"
    path.write_text(
        "10.1038/171737a0\nnot-an-identifier\n0028-0836\n10.1038/nature14539\n", "utf-8"
    )
    report = import_file(engine, path)
    assert report.added == 2
    assert [(e.file, e.line) for e in report.errors] == [(str(path), 2), (str(path), 3)]
    assert "not an identifier" in report.errors[0].message
    assert "journal" in report.errors[1].message  # an ISSN is not a research output
    assert str(report.errors[0]).startswith(f"{path}:2: ")


def test_a_bad_identifier_in_a_row_keeps_the_good_one(engine: Engine, tmp_path: Path):
    path = tmp_path / "outputs.csv"
    path.write_text("doi,pmid\n10.1038/171737a0,PMC-nonsense\n", "utf-8")
    report = import_file(engine, path)
    assert report.added == 1
    assert [(e.line, "pmid" in e.message) for e in report.errors] == [(2, True)]


def test_badly_encoded_lines_are_reported_and_the_rest_imported(engine: Engine, tmp_path: Path):
    path = tmp_path / "outputs.csv"
    path.write_bytes(
        b"doi,title\n10.1038/171737a0,DNA\n10.1038/nature14539,Caf\xe9 learning\n"
        b"10.1371/journal.pmed.0020124,Findings\n"
    )
    report = import_file(engine, path)
    assert report.added == 2
    (error,) = report.errors
    assert (error.file, error.line) == (str(path), 3)
    assert "not valid UTF-8" in error.message


def test_utf16_and_bom_files_import(engine: Engine, tmp_path: Path):
    utf16 = tmp_path / "excel.txt"
    utf16.write_bytes(
        codecs.BOM_UTF16_LE + "DOI\tTitle\r\n10.1038/171737a0\tDNA\r\n".encode("utf-16-le")
    )
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + b"PMID;Title\n16060722;Findings\n")
    report = import_files(engine, [utf16, bom])
    assert (report.added, report.errors) == (2, [])


def test_broken_rows_are_reported_and_the_rest_imported(engine: Engine, tmp_path: Path):
    path = tmp_path / "outputs.csv"
    path.write_text(
        'doi,title\n10.1038/171737a0,DNA\n10.1038/nature14539,"unclosed\n'
        "10.1371/journal.pmed.0020124,Findings\n",
        "utf-8",
    )
    report = import_file(engine, path)
    assert report.added == 2
    assert [(e.line, "unclosed quote" in e.message) for e in report.errors] == [(3, True)]


def test_wrong_file_type_is_one_clear_error(engine: Engine, tmp_path: Path):
    path = tmp_path / "outputs.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    report = import_file(engine, path)
    assert report.stored == 0
    (error,) = report.errors
    assert (error.file, error.line) == (str(path), None)
    assert error.message == "this is a PNG image, not a text file"
    assert live_outputs(engine) == 0


def test_missing_and_empty_files(engine: Engine, tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n")
    report = import_files(engine, [tmp_path / "missing.csv", empty, ROOT / "examples" / "dois.txt"])
    assert report.added == 7
    assert [(e.file, e.message) for e in report.errors] == [
        (str(tmp_path / "missing.csv"), "no such file"),
        (str(empty), "no entries found (read as ids)"),
    ]


def test_add_identifiers(engine: Engine):
    report = add_identifiers(
        engine, ["10.1038/171737a0", "https://doi.org/10.1038/171737a0", "nope", " "]
    )
    assert (report.added, report.existing) == (1, 1)
    assert [(e.file, e.line) for e in report.errors] == [("argument", 3), ("argument", 4)]
    assert len(report.output_ids) == 1
