"""`altscope check-page` and the assessment behind it, on hand-written and conformance pages."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from altscope.commands.check_page import register
from altscope.config import get_settings
from altscope.percolate.landing import extract_landing
from altscope.percolate.landing_check import PROBLEM, WARNING, assess

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)
PAGES = CONFORMANCE / "landing_pages"
needs_conformance = pytest.mark.skipif(
    not (PAGES / "manifest.json").is_file(), reason=f"conformance data not found at {PAGES}"
)

DOI = "10.1234/abc.42"
COMPLETE = f"""<!DOCTYPE html><html><head><title>A study</title>
<meta name="citation_title" content="A study">
<meta name="citation_author" content="Silva, Ana">
<meta name="citation_publication_date" content="2024/05/17">
<meta name="citation_journal_title" content="Journal of Examples">
<meta name="citation_doi" content="{DOI}">
<link rel="canonical" href="https://journal.example.org/article/42">
</head><body><p>Text.</p></body></html>"""


def app() -> typer.Typer:
    application = typer.Typer()
    register(application)

    @application.command("version")
    def version() -> None:  # a second command, so check-page is a sub-command as in altscope
        """Print nothing."""

    return application


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app(), ["check-page", *args], input=stdin)


def run_json(*args: str, stdin: str | None = None) -> dict:
    result = run(*args, "--json", stdin=stdin)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def levels(report: dict) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for item in report["advice"]:
        grouped.setdefault(item["level"], []).append(item["message"])
    return grouped


def save(tmp_path: Path, html: str) -> str:
    path = tmp_path / "page.html"
    path.write_text(html, "utf-8")
    return str(path)


# --- hand-written pages -----------------------------------------------------------------------


def test_complete_page_is_good(tmp_path: Path) -> None:
    report = run_json(save(tmp_path, COMPLETE), "--url", "https://journal.example.org/article/42")
    assert report["verdict"] == "good"
    assert report["doi"] == DOI
    assert report["advice"] == []
    assert report["tags"]["highwire"][:2] == ["citation_title", "citation_author"]
    assert report["tags"]["canonical"] == ["link rel=canonical"]
    assert report["canonical_matches_page_url"] is True
    assert report["bibliographic"]["journal"] == "Journal of Examples"


def test_rich_output_lists_families_identifiers_and_fixes(tmp_path: Path) -> None:
    html = COMPLETE.replace(
        '<link rel="canonical" href="https://journal.example.org/article/42">', ""
    )
    result = run(save(tmp_path, html))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "TRACKABLE" in out
    for label in (
        "Highwire Press citation_*",
        "Dublin Core",
        "PRISM",
        "schema.org JSON-LD",
        "COinS",
    ):
        assert label in out
    assert f"doi:{DOI}" in out and "citation_doi" in out
    assert "no canonical link" in out


def test_doi_only_in_the_body(tmp_path: Path) -> None:
    html = f"<html><head><title>Repository item</title></head><body><p>doi:{DOI}</p></body></html>"
    report = run_json(save(tmp_path, html))
    assert report["verdict"] == "weak"
    assert report["doi"] is None
    assert report["identifiers"][0]["strength"] == "body"
    problems = levels(report)[PROBLEM]
    assert any("DOI only in the body" in message and DOI in message for message in problems)


def test_doi_only_in_dublin_core(tmp_path: Path) -> None:
    html = COMPLETE.replace(
        f'<meta name="citation_doi" content="{DOI}">',
        f'<meta name="DC.Identifier" scheme="doi" content="{DOI}">',
    )
    report = run_json(save(tmp_path, html))
    assert report["verdict"] == "trackable" and report["doi"] == DOI
    warnings = levels(report)[WARNING]
    assert any("DOI declared only in DC.Identifier" in message for message in warnings)
    assert any(f'<meta name="citation_doi" content="{DOI}">' in message for message in warnings)


def test_missing_google_scholar_tags(tmp_path: Path) -> None:
    html = f'<html><head><meta name="citation_doi" content="{DOI}"></head></html>'
    warnings = levels(run_json(save(tmp_path, html)))[WARNING]
    assert any(message.startswith("citation_title missing") for message in warnings)
    assert any(message.startswith("citation_author missing") for message in warnings)
    assert any(message.startswith("citation_publication_date missing") for message in warnings)


def test_pmid_only_is_trackable_and_nothing_is_untrackable(tmp_path: Path) -> None:
    pmid = COMPLETE.replace(
        f'<meta name="citation_doi" content="{DOI}">',
        '<meta name="citation_pmid" content="24385230">',
    )
    report = run_json(save(tmp_path, pmid))
    assert report["verdict"] == "trackable"
    assert "pmid:24385230" in report["summary"]
    assert run_json("-", stdin="<p>Nothing to see.</p>")["verdict"] == "untrackable"


def test_conflicting_and_example_dois() -> None:
    two = (
        f'<meta name="citation_doi" content="{DOI}"><meta name="citation_doi" content="10.9999/x">'
    )
    assessment = assess(extract_landing(two))
    assert assessment.verdict == "weak"
    assert any("ambiguous" in item.message for item in assessment.advice)
    example = assess(extract_landing('<meta name="citation_doi" content="10.5555/test.1">'))
    assert example.verdict == "weak"
    assert any("example/test prefix" in item.message for item in example.advice)


def test_bad_input_gives_one_line_errors(tmp_path: Path) -> None:
    missing = run(str(tmp_path / "nope.html"))
    assert missing.exit_code == 1
    assert "nope.html" in missing.output and "Traceback" not in missing.output
    bad_url = run(save(tmp_path, COMPLETE), "--url", "journal.example.org/42")
    assert bad_url.exit_code == 1 and "--url must be an http(s) URL" in bad_url.output


# --- conformance pages ------------------------------------------------------------------------


@needs_conformance
@pytest.mark.parametrize(
    ("page", "page_url", "verdict", "doi"),
    [
        (
            "percolator/s13054-016-1322-5.html",
            "http://ccforum.biomedcentral.com/articles/10.1186/s13054-016-1322-5",
            "good",
            "10.1186/s13054-016-1322-5",
        ),
        ("percolator/18594.html", None, "trackable", "10.3402/ijch.v71i0.18594"),
        ("percolator/A_Modeler_s_Tale.html", None, "weak", None),
        ("lagotto/work_canonical.html", None, "weak", None),
        (
            "lagotto/doi_not_found.html",
            "http://doi.org/10.1371/journal.pone.0000030",
            "error",
            None,
        ),
    ],
)
def test_conformance_pages(page: str, page_url: str | None, verdict: str, doi: str | None) -> None:
    args = [str(PAGES / page)] + (["--url", page_url] if page_url else [])
    report = run_json(*args)
    assert (report["verdict"], report["doi"]) == (verdict, doi)
    if page.endswith("18594.html"):
        messages = " ".join(item["message"] for item in report["advice"])
        assert "'18594'" in messages and "no canonical link" in messages
    if page.endswith("s13054-016-1322-5.html"):
        assert report["citation_references"] == 33
        assert all(i["value"] == doi for i in report["identifiers"])


# --- fetching a URL ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/article/42":
            body, status = COMPLETE.encode(), 200
        else:
            body, status = b"<html><head><title>404 Not Found</title></head></html>", 404
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    pytest.importorskip("altscope.percolate.fetch", reason="the safe fetcher is not in this tree")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("ALTSCOPE_FETCH_ALLOW_HOSTS", '["127.0.0.1"]')
    get_settings.cache_clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        get_settings.cache_clear()


def test_fetches_a_url_through_the_safe_fetcher(local_site: str) -> None:
    report = run_json(f"{local_site}/article/42")
    assert report["page_url"] == f"{local_site}/article/42"
    assert report["doi"] == DOI and report["tags"]["canonical"] == ["link rel=canonical"]
    missing = run(f"{local_site}/gone")
    assert missing.exit_code == 1
    assert "could not fetch" in missing.output and "404" in missing.output
