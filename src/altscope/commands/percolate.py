"""``altscope percolate``: what research outputs a post, page or link names, and how sure we are."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import orjson
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from altscope.commands.common import console, database_errors, fail
from altscope.config import get_settings
from altscope.percolate.observation import Observation
from altscope.percolate.pipeline import PercolationResult, Percolator, PercolatorOptions
from altscope.percolate.urls import is_http_url

MAX_INPUT_BYTES = 16 * 1024 * 1024


def register(app: typer.Typer) -> None:
    app.command("percolate")(percolate)


def _read(source: str, html: bool) -> Observation:
    if is_http_url(source.strip()):
        return Observation.of_url(source.strip())
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name = "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"{source}: no such file (give a URL, a file, or - for standard input)")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as error:
            fail(f"cannot read {source}: {error.strerror or error}")
        name = source
        html = html or path.suffix.lower() in {".html", ".htm", ".xhtml"}
    if len(data) > MAX_INPUT_BYTES:
        fail(f"{name} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    if html:
        from altscope.percolate.html import decode_html

        return Observation.of_html(decode_html(data), raw=data, media_type="text/html")
    return Observation.of_text(data.decode("utf-8", errors="replace"))


async def _run(
    observation: Observation, percolator: Percolator, fetch: bool, database_url: str | None
) -> PercolationResult:
    if not fetch:
        return await percolator.percolate(observation)
    from altscope.percolate.fetch import SafeFetcher

    cache = None
    engine = None
    if database_url:
        from altscope.percolate.fetch_result import FetchResult
        from altscope.store.db import make_engine
        from altscope.store.fetch_cache import DatabaseFetchCache

        engine = make_engine(database_url)
        cache = DatabaseFetchCache(engine, FetchResult.from_dict)
    try:
        async with SafeFetcher(get_settings(), cache=cache) as fetcher:
            return await percolator.percolate(observation, fetcher)
    finally:
        if engine is not None:
            engine.dispose()


def _percolator(database_url: str | None, options: PercolatorOptions) -> Percolator:
    settings = get_settings()
    common = {"doi_resolver_url": settings.doi_resolver_url, "crossref_url": settings.crossref_url}
    if not database_url:
        return Percolator(options=options, **common)
    from altscope.commands.common import open_database
    from altscope.percolate.record import load_percolator

    with open_database(database_url) as engine:
        return load_percolator(engine, options=options, **common)


def _show(result: PercolationResult) -> None:
    if result.matches:
        table = Table(title="Found", box=box.SIMPLE_HEAD, title_justify="left")
        for column in ("identifier", "method", "verification"):
            table.add_column(column, no_wrap=True)
        for column in ("from", "detail"):
            table.add_column(column, overflow="fold")
        for match in result.matches:
            where = match.landing_url or match.url or ""
            table.add_row(
                f"[cyan]{escape(str(match.identifier))}[/]",
                match.method,
                match.verification,
                escape(where),
                escape(match.detail),
            )
        console.print(table)
    else:
        console.print("No research output identified.")
    if result.skipped:
        table = Table(title="Not matched", box=box.SIMPLE_HEAD, title_justify="left")
        for column in ("candidate", "why", "detail"):
            table.add_column(column, overflow="fold")
        for skip in result.skipped:
            table.add_row(escape(skip.subject), f"[yellow]{skip.reason}[/]", escape(skip.detail))
        console.print(table)
    for page in result.pages.values():
        console.print(
            f"read {escape(page.final_url)} (HTTP {page.status}, {len(page.body)} bytes, "
            f"sha256:{page.sha256[:12]}…)",
            highlight=False,
        )


def percolate(
    source: str = typer.Argument(
        ..., help="A URL, a file (text or HTML), or - for standard input."
    ),
    html: bool = typer.Option(False, "--html", help="Read the file or input as HTML."),
    no_fetch: bool = typer.Option(
        False, "--no-fetch", help="Offline: no landing pages, no DOI checks (cheap rungs only)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    title_window: int | None = typer.Option(
        None,
        "--title-window",
        help="Title matches only for outputs published this many days before now.",
    ),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="Use this database's tracked domains, tracked outputs' titles and fetch cache.",
        show_default=False,
    ),
) -> None:
    """Find the research outputs a post, page or link names, and how sure we are.

    Each match shows its method (text-id, url-id, url-rule, domain-map, landing-meta,
    landing-body-verified, title-match) and verification (exact, resolver-confirmed,
    recognised-domain, unverified); every other candidate shows why it was not matched.

    Landing pages are fetched through the safe fetcher (SSRF guard, robots.txt, size and time
    limits); with --no-fetch only the offline rungs run. Nothing is stored.
    """
    observation = replace(_read(source, html), occurred_at=datetime.now(UTC))
    options = PercolatorOptions(fetch=not no_fetch, title_window_days=title_window)
    with database_errors(database_url or ""):
        percolator = _percolator(database_url, options)
        try:
            result = asyncio.run(_run(observation, percolator, not no_fetch, database_url))
        except KeyboardInterrupt:
            fail("interrupted", code=130)
    if as_json:
        sys.stdout.write(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    _show(result)
