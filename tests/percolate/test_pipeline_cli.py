"""``altscope percolate`` and ``altscope domains``, on a fresh Typer app (the lead wires cli.py)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import typer
from pipeline_site import Site, site_in_thread
from sqlalchemy import select
from typer.testing import CliRunner

from altscope.commands import domains, percolate
from altscope.config import get_settings
from altscope.percolate.domains import url_key_hash
from altscope.store.db import make_engine, transaction
from altscope.store.domains import lookup_domain_url
from altscope.store.schema import DomainUrlMap, TrackedDomain


@pytest.fixture
def app() -> typer.Typer:
    fresh = typer.Typer()
    percolate.register(fresh)
    domains.register(fresh)
    return fresh


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def local_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    with site_in_thread() as site:
        monkeypatch.setenv("ALTSCOPE_FETCH_ALLOW_HOSTS", '["127.0.0.1"]')
        monkeypatch.setenv("ALTSCOPE_FETCH_HOST_DELAY", "0")
        monkeypatch.setenv("ALTSCOPE_DOI_RESOLVER_URL", f"http://127.0.0.1:{site.port}/resolver")
        get_settings.cache_clear()
        yield site
    get_settings.cache_clear()


def test_percolate_offline_text_from_stdin(app, runner) -> None:
    text = "doi:10.1038/nature14539 https://www.nature.com/articles/s41586-020-2649-2 10.5555/1"
    result = runner.invoke(app, ["percolate", "--no-fetch", "--json", "-"], input=text)
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert [(m["identifier"], m["method"], m["verification"]) for m in data["matches"]] == [
        ("doi:10.1038/nature14539", "text-id", "exact"),
        ("doi:10.1038/s41586-020-2649-2", "url-rule", "recognised-domain"),
    ]
    assert data["skipped"] == [
        {
            "subject": "doi:10.5555/1",
            "reason": "example-prefix",
            "detail": data["skipped"][0]["detail"],
        }
    ]


def test_percolate_html_file_table(app, runner, tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(
        "<html><body><p>Read <a href='https://arxiv.org/abs/1706.03762'>the paper</a>.</p>"
        "</body></html>"
    )
    result = runner.invoke(app, ["percolate", "--no-fetch", str(page)])
    assert result.exit_code == 0, result.output
    assert "arXiv:1706.03762" in result.stdout and "url-id" in result.stdout


def test_percolate_bad_input_is_one_clear_line(app, runner) -> None:
    result = runner.invoke(app, ["percolate", "/no/such/file"])
    assert result.exit_code == 1
    assert "no such file" in result.output and "Traceback" not in result.output


def test_percolate_fetches_a_landing_page(app, runner, local_site: Site) -> None:
    url = f"http://127.0.0.1:{local_site.port}/articles/beta"
    result = runner.invoke(app, ["percolate", "--json", url])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    [match] = data["matches"]
    assert (match["identifier"], match["method"], match["verification"]) == (
        "doi:10.1234/beta",
        "landing-meta",
        "resolver-confirmed",
    )
    assert data["pages"][0]["final_url"] == url
    gone = runner.invoke(app, ["percolate", "--json", url.replace("beta", "nope")])
    [skip] = orjson.loads(gone.stdout)["skipped"]
    assert skip["reason"] == "bad-status"


def test_domains_commands(app, runner, db_url: str, tmp_path: Path) -> None:
    db = ["--database-url", db_url]
    assert (
        runner.invoke(app, ["domains", "add", "https://www.Repo.example.edu/", *db]).exit_code == 0
    )
    again = runner.invoke(app, ["domains", "add", "repo.example.edu", *db])
    assert "Already tracking" in again.output
    bad = runner.invoke(app, ["domains", "add", "not a domain", *db])
    assert bad.exit_code == 1 and "not a domain name" in bad.output

    mapped = runner.invoke(
        app,
        [
            "domains",
            "map",
            "repo.example.edu",
            r"/handle/(\d+/\d+)",
            "handle",
            "{1}",
            *db,
            "--test",
            "https://repo.example.edu/handle/1/2",
        ],
    )
    assert mapped.exit_code == 0, mapped.output
    assert "handle:1/2" in mapped.output
    wrong = runner.invoke(app, ["domains", "map", "repo.example.edu", r"/(\d+)", "doi", "{2}", *db])
    assert wrong.exit_code == 1 and "group" in wrong.output
    untracked = runner.invoke(app, ["domains", "map", "other.example.org", "/x", "doi", "{0}", *db])
    assert untracked.exit_code == 1 and "not a tracked domain" in untracked.output

    listing = tmp_path / "list.csv"
    listing.write_text(
        "url,identifier\n"
        "https://repo.example.edu/record/1,10.9999/one\n"
        "https://repo.example.edu/record/2,doi:10.9999/two\n"
        "https://elsewhere.example.org/record/3,10.9999/three\n"
        "https://repo.example.edu/record/4,not an identifier\n"
    )
    imported = runner.invoke(app, ["domains", "import-list", str(listing), *db])
    assert imported.exit_code == 0, imported.output
    assert "2 URLs added, 0 updated, 0 unchanged, 2 skipped" in imported.output
    again = runner.invoke(app, ["domains", "import-list", str(listing), *db])
    assert "0 URLs added, 0 updated, 2 unchanged" in again.output

    sitemap = tmp_path / "sitemap.xml.gz"
    sitemap.write_bytes(
        gzip.compress(
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://repo.example.edu/handle/123/456</loc></url>"
            b"<url><loc>https://repo.example.edu/handle/123/457?a=1&amp;b=2</loc></url>"
            b"<url><loc>https://repo.example.edu/about</loc></url></urlset>"
        )
    )
    from_sitemap = runner.invoke(
        app,
        [
            "domains",
            "import-sitemap",
            str(sitemap),
            "--domain",
            "repo.example.edu",
            "--pattern",
            r"/handle/(\d+/\d+)",
            "--scheme",
            "handle",
            *db,
        ],
    )
    assert from_sitemap.exit_code == 0, from_sitemap.output
    assert "2 URLs added" in from_sitemap.output and "1 skipped" in from_sitemap.output

    listed = runner.invoke(app, ["domains", "list", *db])
    assert "repo.example.edu" in listed.output
    engine = make_engine(db_url)
    try:
        with transaction(engine) as session:
            [domain] = session.scalars(select(TrackedDomain)).all()
            assert [m.pattern for m in session.scalars(select(DomainUrlMap))] == [
                r"/handle/(\d+/\d+)"
            ]
            assert domain.domain == "repo.example.edu"
            key = url_key_hash("http://repo.example.edu/record/2/")
            assert lookup_domain_url(session, key) == ("doi", "10.9999/two")
            key = url_key_hash("https://repo.example.edu/handle/123/457?a=1&b=2")
            assert lookup_domain_url(session, key) == ("handle", "123/457")
    finally:
        engine.dispose()
    assert runner.invoke(app, ["domains", "remove", "repo.example.edu", *db]).exit_code == 0
    assert "No tracked domains" in runner.invoke(app, ["domains", "list", *db]).output
