"""The ``add``, ``import``, ``enrich`` and ``outputs list`` commands (registered on a fresh app)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from altscope.commands import ingest as ingest_commands
from altscope.commands.ingest import register
from altscope.config import get_settings
from fakes.recorded import load_response
from fakes.server import CROSSREF, OPENALEX, FakeServer, Reply, unused_url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
IOANNIDIS = "10.1371/journal.pmed.0020124"
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as wide as needed, so assertions see whole titles."""
    monkeypatch.setattr(ingest_commands, "console", Console(width=240))
    monkeypatch.setattr(ingest_commands, "err_console", Console(width=240, stderr=True))


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """altscope (test)"""

    register(app)
    return app


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, fake_server: FakeServer) -> Iterator[FakeServer]:
    """Point the settings at the fake server; serve the Ioannidis 2005 paper."""
    fake_server.add(
        f"{CROSSREF}/works/{IOANNIDIS}", Reply(json=load_response("crossref_work_pmed_0020124"))
    )
    fake_server.add(
        f"{OPENALEX}/works/doi:{IOANNIDIS}", Reply(json=load_response("openalex_work_pmed_0020124"))
    )
    for name, path in (
        ("CROSSREF", "/crossref"),
        ("DATACITE", "/datacite"),
        ("OPENALEX", "/openalex"),
    ):
        monkeypatch.setenv(f"ALTSCOPE_{name}_URL", fake_server.url + path)
    monkeypatch.setenv("ALTSCOPE_CONTACT_EMAIL", "tests@example.org")
    monkeypatch.setenv("ALTSCOPE_HTTP_RETRIES", "0")
    get_settings.cache_clear()
    yield fake_server
    get_settings.cache_clear()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("CROSSREF", "DATACITE", "OPENALEX"):
        monkeypatch.setenv(f"ALTSCOPE_{name}_URL", unused_url())
    monkeypatch.setenv("ALTSCOPE_HTTP_RETRIES", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(db_url: str, *args: str):
    return runner.invoke(make_app(), [*args, "--database-url", db_url])


def test_add_stores_enriches_and_shows_a_table(db_url: str, services: FakeServer):
    result = run(db_url, "add", IOANNIDIS)
    assert result.exit_code == 0, result.output
    assert "Why Most Published Research" in result.output
    assert "crossref" in result.output
    assert "pmid:16060722" in result.output  # revealed by OpenAlex, shown in the table
    listed = run(db_url, "outputs", "list")
    assert listed.exit_code == 0
    assert "PLoS Medicine" in listed.output and "2005" in listed.output


def test_add_no_enrich_asks_nobody(db_url: str, services: FakeServer):
    result = run(db_url, "add", "--no-enrich", IOANNIDIS)
    assert result.exit_code == 0, result.output
    assert services.requests == []
    assert "doi:10.1371/journal.pmed.0020124" in result.output


def test_add_reports_a_malformed_identifier_and_exits_1(db_url: str, offline: None):
    result = run(db_url, "add", "--no-enrich", "10.1038/171737a0", "not-an-id")
    assert result.exit_code == 1
    assert "argument:2: 'not-an-id' is not an identifier" in result.output
    assert "doi:10.1038/171737a0" in result.output  # the good one is stored


def test_import_summary_errors_and_exit_code(db_url: str, offline: None, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("doi,title\n10.1038/171737a0,ok\nnonsense,broken\n", "utf-8")
    result = run(db_url, "import", "--no-enrich", str(EXAMPLES / "outputs.bib"), str(bad))
    assert result.exit_code == 1
    assert "Imported 2 files: 5 added, 0 already stored, 0 merged, 1 error" in result.output
    assert f"{bad}:3: 'nonsense' is not" in result.output
    again = run(db_url, "import", "--no-enrich", str(EXAMPLES / "outputs.bib"))
    assert again.exit_code == 0
    assert "0 added, 4 already stored" in again.output


def test_import_offline_keeps_outputs_pending_and_enrich_retries(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    ids = tmp_path / "ids.txt"
    ids.write_text(f"{IOANNIDIS}\n", "utf-8")
    for name in ("CROSSREF", "DATACITE", "OPENALEX"):
        monkeypatch.setenv(f"ALTSCOPE_{name}_URL", unused_url())
    monkeypatch.setenv("ALTSCOPE_HTTP_RETRIES", "0")
    get_settings.cache_clear()
    result = run(db_url, "import", str(ids))
    assert result.exit_code == 0, result.output  # stored; enrichment failing is not an import error
    assert "1 failed (kept; retried by `altscope enrich`)" in result.output
    assert "connection refused" in result.output
    assert IOANNIDIS in run(db_url, "outputs", "list", "--pending").output
    with FakeServer() as server:
        server.add(
            f"{CROSSREF}/works/{IOANNIDIS}", Reply(json=load_response("crossref_work_pmed_0020124"))
        )
        for name, path in (
            ("CROSSREF", "/crossref"),
            ("DATACITE", "/datacite"),
            ("OPENALEX", "/openalex"),
        ):
            monkeypatch.setenv(f"ALTSCOPE_{name}_URL", server.url + path)
        get_settings.cache_clear()
        retried = run(db_url, "enrich")
    get_settings.cache_clear()
    assert retried.exit_code == 0, retried.output
    assert "Metadata for 1 output: 1 enriched" in retried.output
    assert "No outputs stored yet" not in run(db_url, "outputs", "list").output
    assert "journal.pmed" not in run(db_url, "outputs", "list", "--pending").output


def test_import_refuses_a_png_and_an_unknown_format(db_url: str, offline: None, tmp_path: Path):
    png = tmp_path / "outputs.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = run(db_url, "import", str(png))
    assert result.exit_code == 1
    assert "this is a PNG image, not a text file" in result.output
    unknown = run(db_url, "import", "--format", "xls", str(png))
    assert unknown.exit_code == 2
    assert "unknown format 'xls'" in unknown.output


def test_empty_database_lists_nothing(db_url: str, offline: None):
    result = run(db_url, "outputs", "list")
    assert result.exit_code == 0
    assert "No outputs stored yet" in result.output


@pytest.mark.parametrize(
    "command", [["add"], ["import"], ["enrich"], ["outputs"], ["outputs", "list"]]
)
def test_help(command: list[str]):
    result = runner.invoke(make_app(), [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
