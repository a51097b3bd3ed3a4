"""Reading each import format into records (no database): identifiers, metadata, bad input."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import orjson
import pytest

from altscope.sources.importers import ImportFileError, detect_format, parse_text, read_file
from altscope.sources.importers.base import IdRef, decode

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def ids(record) -> list[tuple[str, str | None]]:
    return [(ref.text, ref.scheme) for ref in record.identifiers]


# -- detection -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.csv", "doi,title\n10.1/x,T\n", "csv"),
        ("a.tsv", "doi\ttitle\n", "tsv"),
        ("a.bib", "@article{k, doi={10.1/x}}", "bibtex"),
        ("a.ris", "TY  - JOUR\nER  - \n", "ris"),
        ("a.json", '{"group": []}', "orcid"),
        ("a.txt", "10.1/x\n10.1/y\n", "ids"),
        ("a.txt", "# DOIs, one identifier per line\n10.1/x\n", "ids"),
        ("a.txt", "TY  - JOUR\nDO  - 10.1/x\nER  - \n", "ris"),
        ("a.txt", "% refs\n@article{k, doi={10.1/x}}\n", "bibtex"),
        ("export", "Title;DOI;Year\nx;10.1/x;2000\n", "csv"),
        ("export", "title\tpmid\nx\t123\n", "tsv"),
        ("works", '\n  {"activities-summary": {}}', "orcid"),
        ("a.csv", "TY  - JOUR\nER  - \n", "ris"),  # content wins over a wrong extension
    ],
)
def test_detect_format(name: str, text: str, expected: str):
    assert detect_format(Path(name), text) == expected


# -- identifier lists ----------------------------------------------------------------------------
def test_identifier_list_comments_and_blank_lines():
    text = "# header\n\n10.1038/171737a0  # DNA\n  PMID:16060722\nhttps://example.org/a#frag\n"
    records = parse_text(text, "ids")
    assert [(r.line, ids(r)) for r in records] == [
        (3, [("10.1038/171737a0", None)]),
        (4, [("PMID:16060722", None)]),
        (5, [("https://example.org/a#frag", None)]),
    ]


# -- CSV -----------------------------------------------------------------------------------------
def test_csv_header_names_are_case_and_punctuation_insensitive():
    text = "\ufeffD.O.I.;PubMed ID;Article Title;Author(s);Source Title;Publication Year\n"
    text += '10.1038/nature14539;26017442;Deep learning;"LeCun, Yann; Bengio, Yoshua";Nature;2015\n'
    (record,) = parse_text(text, "csv")
    assert ids(record) == [("10.1038/nature14539", "doi"), ("26017442", "pmid")]
    meta = record.metadata
    assert meta.title == "Deep learning"
    assert [a.family for a in meta.authors] == ["LeCun", "Bengio"]
    assert meta.container_title == "Nature"
    assert meta.published == date(2015, 1, 1)
    assert meta.provider == "csv"


def test_csv_identifier_column_splits_lists_but_not_sici_dois():
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
    text = f'identifier,url\n"doi:10.1/a | PMID:1; arXiv:1706.03762",\n{sici},https://x.org/p\n'
    first, second = parse_text(text, "csv")
    assert ids(first) == [("doi:10.1/a", None), ("PMID:1", None), ("arXiv:1706.03762", None)]
    assert ids(second)[0] == (sici, None)
    assert second.identifiers[1] == IdRef("https://x.org/p", None, optional=True)


def test_csv_quoted_newlines_keep_line_numbers():
    text = 'doi,title\n10.1/a,"two\nlines"\n10.1/b,ok\n'
    first, second = parse_text(text, "csv")
    assert (first.line, first.end_line, first.metadata.title) == (2, 3, "two lines")
    assert second.line == 4


def test_csv_broken_rows_are_errors_and_the_rest_is_read():
    text = 'doi,title,year\n10.1/a,A,2000\n10.1/b,B, with comma,2001\n10.1/c,"unclosed,2002\n'
    text += ",no identifier,2003\n10.1/d,D,2004\n"
    records = parse_text(text, "csv")
    good = [ids(r)[0][0] for r in records if not r.error]
    bad = {r.line: r.error for r in records if r.error}
    assert good == ["10.1/a", "10.1/d"]
    assert set(bad) == {3, 4, 5}
    assert "4 fields but the header has 3" in bad[3]
    assert "unclosed quote" in bad[4]
    assert "no identifier" in bad[5]


def test_csv_without_identifier_column_is_one_clear_error():
    (record,) = parse_text("title,year\nA,2000\n", "csv")
    assert record.error and "no identifier column" in record.error


def test_csv_without_header_reads_the_first_column():
    records = parse_text("10.1/a,x\n10.1/b,y\n", "csv")
    assert [ids(r) for r in records] == [[("10.1/a", None)], [("10.1/b", None)]]


def test_tsv():
    (record,) = parse_text("PMCID\tTitle\nPMC1182327\tWhy\n", "tsv")
    assert ids(record) == [("PMC1182327", "pmcid")]


# -- BibTeX --------------------------------------------------------------------------------------
def test_bibtex_fields_and_latex():
    text = r"""@article{k,
  title = {The {AlphaFold} m{\"o}del \& more},
  author = {Jumper, John and M{\"u}ller, J{\"o}rg and {DeepMind Team}},
  journal = {Nature}, year = 2021, month = jul,
  doi = {10.1038/s41586-021-03819-2}, pmid = {34265844},
  issn = {0028-0836}, publisher = {Springer},
  url = {https://example.org/a\_b%20c}
}"""
    (record,) = parse_text(text, "bibtex")
    assert ids(record) == [
        ("10.1038/s41586-021-03819-2", "doi"),
        ("34265844", "pmid"),
        ("https://example.org/a_b%20c", None),
    ]
    meta = record.metadata
    assert meta.title == "The AlphaFold mödel & more"
    assert [a.name for a in meta.authors] == ["John Jumper", "Jörg Müller", "DeepMind Team"]
    assert meta.published == date(2021, 7, 1)
    assert meta.issns == ["0028-0836"]
    assert meta.type == "journal-article"


def test_bibtex_arxiv_eprint_and_isbn_of_a_book_only():
    text = """@misc{a, eprint={1706.03762}, archivePrefix={arXiv}, title={Attention}}
@incollection{c, isbn={978-0-262-03384-8}, booktitle={Some Book}, doi={10.1/chapter}}
@book{b, isbn={978-0-374-27563-1}, title={Thinking, Fast and Slow}}"""
    arxiv, chapter, book = parse_text(text, "bibtex")
    assert ids(arxiv) == [("1706.03762", "arxiv")]
    assert ids(chapter) == [("10.1/chapter", "doi")]  # the ISBN names the book, not the chapter
    assert ids(book) == [("978-0-374-27563-1", "isbn")]


def test_bibtex_broken_entry_is_reported_and_the_next_entries_read():
    text = "@article{ok1, doi={10.1/a}}\n@article{bad, title={never closed\n"
    text += "@article{ok2, doi={10.1/b}}\n@misc{noid, title={x}}\n"
    records = parse_text(text, "bibtex")
    assert [r.line for r in records] == [1, 2, 3, 4]
    assert ids(records[0]) == [("10.1/a", "doi")]
    assert records[1].error and "broken BibTeX entry @article{bad" in records[1].error
    assert ids(records[2]) == [("10.1/b", "doi")]
    assert records[3].error and "noid has no" in records[3].error


# -- RIS -----------------------------------------------------------------------------------------
def test_ris_example_file():
    records = read_file(EXAMPLES / "outputs.ris").records
    assert [ids(r) for r in records] == [
        [("10.1038/nature14539", "doi"), ("26017442", "pmid")],
        [("10.1056/NEJMoa2001017", "doi")],
    ]
    meta = records[0].metadata
    assert meta.published == date(2015, 5, 28)
    assert meta.issns == ["0028-0836"]
    assert meta.container_title == "Nature"
    assert [a.family for a in meta.authors] == ["LeCun", "Bengio", "Hinton"]


def test_ris_accession_number_is_a_pmid_only_for_pubmed():
    text = "TY  - JOUR\nDO  - 10.1/a\nAN  - 12345\nDB  - Web of Science\nER  - \n"
    (record,) = parse_text(text, "ris")
    assert ids(record) == [("10.1/a", "doi")]


def test_ris_broken_references():
    text = "TY  - JOUR\nDO  - 10.1/a\nER  - \nstray text\nTY  - JOUR\nDO  - 10.1/b\n"
    text += "TY  - JOUR\nDO  - 10.1/c\nER  - \nTY  - JOUR\nTI  - no id\nER  - \nTY  - JOUR\n"
    records = parse_text(text, "ris")
    assert [(r.line, bool(r.error)) for r in records] == [
        (1, False),
        (4, True),
        (5, True),
        (7, False),
        (10, True),
        (13, True),
    ]
    assert "outside a reference" in records[1].error
    assert "no ER line" in records[2].error
    assert "not closed" in records[5].error


# -- ORCID ---------------------------------------------------------------------------------------
def test_orcid_works_response():
    records = read_file(EXAMPLES / "orcid_works.json").records
    assert [ids(r) for r in records] == [
        [("10.1038/171737a0", "doi"), ("13054692", "pmid")],  # the part-of ISSN is left out
        [("1706.03762", "arxiv")],
        [("9780374275631", "isbn")],
    ]
    assert records[0].metadata.published == date(1953, 4, 25)
    assert records[0].metadata.container_title == "Nature"
    assert records[1].metadata.type == "preprint"


def test_orcid_full_record_single_work_and_bulk():
    work = {
        "put-code": 7,
        "title": {"title": {"value": "T"}},
        "external-ids": {
            "external-id": [
                {
                    "external-id-type": "pmc",
                    "external-id-value": "PMC1182327",
                    "external-id-relationship": "self",
                }
            ]
        },
        "contributors": {
            "contributor": [
                {
                    "credit-name": {"value": "Josiah Carberry"},
                    "contributor-orcid": {"path": "0000-0002-1825-0097"},
                }
            ]
        },
    }
    full = {"activities-summary": {"works": {"group": [{"work-summary": [work]}]}}}
    for document in (full, work, {"bulk": [{"work": work}]}):
        (record,) = parse_text(orjson.dumps(document).decode(), "orcid")
        assert ids(record) == [("PMC1182327", "pmcid")]
    (record,) = parse_text(orjson.dumps(work).decode(), "orcid")
    assert record.metadata.authors[0].orcid == "0000-0002-1825-0097"


def test_orcid_bad_documents():
    (broken,) = parse_text('{\n  "group": [\n  oops\n]}', "orcid")
    assert broken.error and broken.error.startswith("line 3: not valid JSON")
    (other,) = parse_text('{"hello": "world"}', "orcid")
    assert other.error and "not an ORCID works document" in other.error
    no_ids = {"group": [{"work-summary": [{"put-code": 5, "title": {"title": {"value": "X"}}}]}]}
    (record,) = parse_text(orjson.dumps(no_ids).decode(), "orcid")
    assert record.error and "put-code 5" in record.error


# -- bytes and encodings -------------------------------------------------------------------------
def test_decode_utf8_bom_and_utf16():
    assert decode(codecs.BOM_UTF8 + b"doi\n").text == "doi\n"
    assert decode(codecs.BOM_UTF16_LE + "doi\r\nx\r\n".encode("utf-16-le")).text == "doi\nx\n"


def test_decode_reports_each_bad_line():
    decoded = decode(b"ok\n" + "caf\xe9\n".encode("latin-1") + b"fine\n")
    assert list(decoded.bad_lines) == [2]
    assert "0xE9" in decoded.bad_lines[2]
    assert decoded.text.split("\n")[2] == "fine"


def test_binary_file_is_refused(tmp_path: Path):
    png = tmp_path / "outputs.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(ImportFileError, match=r"PNG image, not a text file"):
        read_file(png)
    with pytest.raises(ImportFileError, match="PNG image"):
        read_file(png, "csv")


def test_missing_file_and_unknown_format(tmp_path: Path):
    with pytest.raises(ImportFileError, match="no such file"):
        read_file(tmp_path / "nope.csv")
    (tmp_path / "a.txt").write_text("10.1/x\n")
    with pytest.raises(ImportFileError, match="unknown format 'xls'"):
        read_file(tmp_path / "a.txt", "xls")


def test_undecodable_lines_reject_only_their_entries(tmp_path: Path):
    path = tmp_path / "list.bib"
    path.write_bytes(
        b"@article{a, doi={10.1/a}}\n@article{b, doi={10.1/b}, title={Caf\xe9}}\n"
        b"@article{c, doi={10.1/c}}\n"
    )
    records = read_file(path).records
    assert [bool(r.error) for r in records] == [False, True, False]
    assert records[1].error.startswith("line 2: byte 0xE9")


def test_format_override(tmp_path: Path):
    path = tmp_path / "list.dat"
    path.write_text("doi\n10.1/x\n")
    assert read_file(path).format == "ids"
    parsed = read_file(path, "csv")
    assert parsed.format == "csv"
    assert [ids(r) for r in parsed.records] == [[("10.1/x", "doi")]]
