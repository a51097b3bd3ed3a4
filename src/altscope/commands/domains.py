"""``altscope domains``: repositories and digital libraries whose links are always followed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine

from altscope.commands.common import (
    DatabaseUrlOption,
    console,
    err_console,
    fail,
    open_database,
    progress_bar,
)
from altscope.config import get_settings
from altscope.percolate.domains import (
    MapError,
    UrlMap,
    domain_of,
    normalize_domain,
    url_key_hash,
)
from altscope.percolate.sitemap import SitemapError, read_sitemap, read_url_list
from altscope.store.db import transaction
from altscope.store.domains import (
    ListedUrl,
    UrlImport,
    add_domain,
    add_url_map,
    find_domain,
    list_domains,
    remove_domain,
    tracked_domains,
    upsert_domain_urls,
)

MAX_CHILD_SITEMAPS = 200

domains_app = typer.Typer(
    name="domains",
    help=(
        "Track repositories and digital libraries: their links are always followed, and URL "
        "patterns or URL lists name the items whose pages carry no meta tags."
    ),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(domains_app)


def _domain(text: str) -> str:
    try:
        return normalize_domain(text)
    except MapError as error:
        fail(str(error))


@domains_app.command("add")
def add(
    domain: str = typer.Argument(..., help="Domain name, e.g. repository.example.edu."),
    note: str | None = typer.Option(None, "--note", help="What this domain is."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Track DOMAIN (and its subdomains): links into it are always followed."""
    name = _domain(domain)
    with open_database(database_url) as engine, transaction(engine) as session:
        _, created = add_domain(session, name, note=note)
    console.print(f"{'Tracking' if created else 'Already tracking'} [bold]{escape(name)}[/]")


@domains_app.command("remove")
def remove(
    domain: str = typer.Argument(..., help="A tracked domain."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Stop tracking DOMAIN (its URL maps and listed URLs are deleted; mentions stay)."""
    name = _domain(domain)
    with open_database(database_url) as engine, transaction(engine) as session:
        removed = remove_domain(session, name)
    if not removed:
        fail(f"{name} is not a tracked domain")
    console.print(f"No longer tracking [bold]{escape(name)}[/]")


@domains_app.command("list")
def list_(database_url: str | None = DatabaseUrlOption) -> None:
    """List tracked domains with their URL maps and listed URLs."""
    with open_database(database_url) as engine, transaction(engine) as session:
        rows = list_domains(session)
    if not rows:
        console.print("No tracked domains. Add one with: altscope domains add DOMAIN")
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("domain", "URL maps", "listed URLs", "note"):
        table.add_column(column, justify="right" if "URL" in column else "left")
    for row in rows:
        table.add_row(escape(row.domain), str(row.maps), str(row.urls), escape(row.note or ""))
    console.print(table)


@domains_app.command("map")
def map_(
    domain: str = typer.Argument(..., help="A tracked domain."),
    pattern: str = typer.Argument(
        ..., help=r"Regular expression searched in the URL: /handle/(\d+/\d+)"
    ),
    scheme: str = typer.Argument(..., help="Identifier scheme: doi, handle, urn, isbn, ..."),
    template: str = typer.Argument(
        ..., help="Identifier template: {1} (group 1), {name} (named group)."
    ),
    test: list[str] = typer.Option([], "--test", help="A URL to try the map on (repeatable)."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Add a URL pattern → identifier map to a tracked domain."""
    name = _domain(domain)
    try:
        url_map = UrlMap(name, pattern, scheme, template).validate()
        tried = [(example, url_map.identifier(example)) for example in test]
    except MapError as error:
        fail(str(error))
    with open_database(database_url) as engine, transaction(engine) as session:
        row = find_domain(session, name)
        if row is None:
            fail(f"{name} is not a tracked domain: add it with `altscope domains add {name}`")
        _, created = add_url_map(session, row, pattern, scheme, template)
    console.print(
        f"{'Added' if created else 'Already had'} map on {escape(name)}: "
        f"{escape(pattern)} → {scheme} {escape(template)}"
    )
    for example, identifier in tried:
        console.print(
            f"  {escape(example)} → "
            + (escape(str(identifier)) if identifier else "[yellow]no match[/]")
        )


def _import(
    engine: Engine, rows: Iterable[tuple[str, str, str]], origin: str, only_domain: str | None
) -> tuple[UrlImport, list[str]]:
    """Store (url, scheme, value) rows under their tracked domains; returns counts and problems."""
    report = UrlImport()
    problems: list[str] = []
    by_domain: dict[str, list[ListedUrl]] = {}
    with transaction(engine) as session:
        tracked = {d.domain: d for d in tracked_domains(session)}
        for url, scheme, value in rows:
            owner = _owner(url, tracked)
            if owner is None or (only_domain and owner != only_domain):
                problems.append(
                    f"{url}: not in "
                    + (f"domain {only_domain}" if only_domain else "a tracked domain")
                )
                continue
            by_domain.setdefault(owner, []).append(ListedUrl(url_key_hash(url), url, scheme, value))
        for name, listed in by_domain.items():
            done = upsert_domain_urls(session, tracked[name], listed, origin=origin)
            report.added += done.added
            report.updated += done.updated
            report.unchanged += done.unchanged
    return report, problems


def _owner(url: str, tracked: Mapping[str, object]) -> str | None:
    """The tracked domain ``url`` belongs to."""
    host = domain_of(url)
    while host:
        if host in tracked:
            return host
        _, _, host = host.partition(".")
    return None


def _report(report: UrlImport, problems: list[str], origin: str) -> None:
    for problem in problems[:20]:
        err_console.print(f"[yellow]skipped:[/] {escape(problem)}", highlight=False)
    if len(problems) > 20:
        err_console.print(f"[yellow]... and {len(problems) - 20} more skipped rows[/]")
    console.print(
        f"{escape(origin)}: {report.added} URLs added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(problems)} skipped.",
        soft_wrap=True,
    )


@domains_app.command("import-list")
def import_list(
    file: Path = typer.Argument(..., help="CSV or TSV file of url,identifier rows."),
    scheme: str | None = typer.Option(
        None, "--scheme", help="Scheme of bare identifiers (e.g. handle)."
    ),
    domain: str | None = typer.Option(
        None, "--domain", help="Only accept URLs of this tracked domain."
    ),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Import explicit URL → identifier pairs for tracked domains (CSV url,identifier)."""
    try:
        text = file.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {error}")
    only = _domain(domain) if domain else None
    problems: list[str] = []
    rows: list[tuple[str, str, str]] = []
    for row in read_url_list(text, scheme):
        if row.identifier is None:
            problems.append(f"line {row.line}: {row.error}")
        else:
            rows.append((row.url, row.identifier.scheme, row.identifier.value))
    with open_database(database_url) as engine:
        report, more = _import(engine, rows, file.name, only)
    _report(report, problems + more, file.name)


def _sitemap_urls(source: str) -> Iterator[str]:
    """Page URLs of a sitemap file or URL (sitemap indexes followed, URLs fetched safely)."""
    if source.startswith(("http://", "https://")):
        yield from asyncio.run(_fetch_sitemaps(source))
        return
    try:
        data = Path(source).read_bytes()
    except OSError as error:
        fail(f"cannot read {source}: {error.strerror or error}")
    try:
        urls, is_index = read_sitemap(data)
    except SitemapError as error:
        fail(f"{source}: {error}")
    if is_index:
        fail(
            f"{source} is a sitemap index: give its URL (its sitemaps are then fetched) "
            "or one of its sitemaps"
        )
    yield from urls


async def _fetch_sitemaps(first: str) -> list[str]:
    from altscope.percolate.fetch import SafeFetcher

    pages: list[str] = []
    queue, seen = [first], set()
    async with SafeFetcher(get_settings()) as fetcher:
        while queue and len(seen) < MAX_CHILD_SITEMAPS:
            location = queue.pop(0)
            if location in seen:
                continue
            seen.add(location)
            answer = await fetcher.fetch(location, accept="application/xml,text/xml,*/*")
            if not answer.ok or answer.body is None:
                err_console.print(
                    f"[yellow]skipped:[/] {escape(location)}: {answer.reason_code} "
                    + escape(answer.error or "")
                )
                continue
            try:
                urls, is_index = read_sitemap(answer.body)
            except SitemapError as error:
                err_console.print(f"[yellow]skipped:[/] {escape(location)}: {error}")
                continue
            (queue if is_index else pages).extend(urls)
    if not pages and len(seen) == 1:
        fail(f"no page URLs read from {first}")
    return pages


@domains_app.command("import-sitemap")
def import_sitemap(
    source: str = typer.Argument(..., help="sitemap.xml file (or .xml.gz) or its URL."),
    domain: str = typer.Option(..., "--domain", help="The tracked domain the URLs belong to."),
    pattern: str = typer.Option(
        ..., "--pattern", help="Regular expression finding the identifier in each URL."
    ),
    scheme: str = typer.Option(..., "--scheme", help="Identifier scheme (doi, handle, ...)."),
    template: str = typer.Option("{1}", "--template", help="Identifier template ({1}, {name})."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Import the page URLs of a sitemap, each with the identifier PATTERN finds in it."""
    name = _domain(domain)
    try:
        url_map = UrlMap(name, pattern, scheme, template).validate()
    except MapError as error:
        fail(str(error))
    rows: list[tuple[str, str, str]] = []
    problems: list[str] = []
    with progress_bar() as progress:
        task = progress.add_task("Reading the sitemap", total=None)
        for page in _sitemap_urls(source):
            progress.advance(task)
            try:
                identifier = url_map.identifier(page)
            except MapError as error:
                problems.append(str(error))
                continue
            if identifier is None:
                problems.append(f"{page}: the pattern does not match")
                continue
            rows.append((page, identifier.scheme, identifier.value))
    with open_database(database_url) as engine:
        with transaction(engine) as session:
            if find_domain(session, name) is None:
                fail(f"{name} is not a tracked domain: add it with `altscope domains add {name}`")
        report, more = _import(engine, rows, source, name)
    _report(report, problems + more, source)
