"""``altscope check-page URL|FILE``: which tags a landing page has, and what is missing."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.markup import escape
from rich.table import Table

from altscope.commands.common import console, fail
from altscope.percolate.landing import LandingMeta, extract_landing
from altscope.percolate.landing_check import INFO, PROBLEM, Assessment, assess
from altscope.percolate.landing_tags import GROUP_LABELS
from altscope.percolate.urls import is_http_url

MAX_FILE_BYTES = 50 * 1024 * 1024

_VERDICT_STYLE = {
    "good": "bold green",
    "trackable": "green",
    "weak": "yellow",
    "untrackable": "bold red",
    "error": "bold red",
}
_LEVEL_MARK = {PROBLEM: "[red]✗[/]", "warning": "[yellow]![/]", INFO: "[blue]i[/]"}


def register(app: typer.Typer) -> None:
    app.command("check-page")(check_page)


def _read_file(target: str) -> bytes:
    if target == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(target)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            fail(f"{target}: {error.strerror or error}")
    if len(data) > MAX_FILE_BYTES:
        fail(f"{target}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return data


def _fetch(url: str) -> tuple[bytes, str, int | None, str | None]:
    """(body, final URL, status, charset) of `url`, through the safe fetcher."""
    try:
        from altscope.percolate.fetch import SafeFetcher
    except ImportError:
        fail("fetching URLs is not available in this build; save the page and pass the FILE")

    async def run() -> Any:
        async with SafeFetcher() as fetcher:
            return await fetcher.fetch(url, use_cache=False)

    result = asyncio.run(run())
    if result.body is None:
        status = f" (HTTP {result.status})" if result.status else ""
        fail(f"{url}: could not fetch the page{status}: {result.error} [{result.reason_code}]")
    return result.body, result.final_url, result.status, result.charset


def report(meta: LandingMeta, assessment: Assessment, source: str) -> dict[str, Any]:
    """The machine-readable report (what ``--json`` prints)."""
    return {
        "source": source,
        "page_url": meta.page_url,
        "verdict": assessment.verdict,
        "summary": assessment.summary,
        "doi": meta.doi.value if meta.doi else None,
        "identifiers": [
            {
                "scheme": found.identifier.scheme,
                "value": found.identifier.value,
                "strength": found.strength,
                "sources": list(found.sources),
                "example_prefix": found.example_prefix,
            }
            for found in meta.identifiers
        ],
        "tags": {group: list(meta.tags.get(group, ())) for group in GROUP_LABELS},
        "citation_references": meta.citation_references,
        "canonical_url": meta.canonical_url,
        "canonical_source": meta.canonical_source,
        "canonical_matches_page_url": meta.canonical_matches_page_url,
        "bibliographic": {
            "title": meta.title,
            "authors": list(meta.authors),
            "journal": meta.journal,
            "date": meta.date,
            "issns": list(meta.issns),
            "publisher": meta.publisher,
            "pdf_url": meta.pdf_url,
        },
        "advice": [{"level": item.level, "message": item.message} for item in assessment.advice],
        "error": meta.error,
    }


def _show(meta: LandingMeta, assessment: Assessment, source: str) -> None:
    style = _VERDICT_STYLE[assessment.verdict]
    console.print(f"[bold]Page[/] {escape(source)}")
    if meta.page_url and meta.page_url != source:
        console.print(f"[bold]Page URL[/] {escape(meta.page_url)}")
    console.print(
        f"[bold]Verdict[/] [{style}]{assessment.verdict.upper()}[/]: {escape(assessment.summary)}"
    )

    tags = Table("family", "tags present", title="Metadata tags", title_justify="left")
    for group, label in GROUP_LABELS.items():
        names = meta.tags.get(group, ())
        shown = ", ".join(name for name in names if name.lower() != "citation_reference")
        if group == "highwire" and meta.citation_references:
            shown += f"{', ' if shown else ''}citation_reference ×{meta.citation_references}"
        tags.add_row(label, escape(shown) if shown else "[dim]—[/]")
    console.print(tags)

    if meta.identifiers:
        table = Table(
            "identifier", "strength", "found in", title="Identifiers", title_justify="left"
        )
        for found in meta.identifiers:
            flag = " [yellow](example prefix)[/]" if found.example_prefix else ""
            table.add_row(
                escape(str(found.identifier)) + flag,
                found.strength,
                escape(", ".join(found.sources)),
            )
        console.print(table)
    else:
        console.print("[bold]Identifiers[/] [dim]none[/]")

    canonical = meta.canonical_url or "—"
    via = f" (from {meta.canonical_source})" if meta.canonical_source else ""
    console.print(f"[bold]Canonical URL[/] {escape(canonical)}{via}")
    details = [
        ("title", meta.title),
        ("authors", ", ".join(meta.authors[:5]) + (" …" if len(meta.authors) > 5 else "")),
        ("journal", meta.journal),
        ("date", meta.date),
        ("ISSN", ", ".join(meta.issns)),
        ("publisher", meta.publisher),
        ("PDF", meta.pdf_url),
    ]
    for name, value in details:
        console.print(f"  {name:10} {escape(value) if value else '[dim]—[/]'}")

    if assessment.advice:
        console.print("[bold]What to fix[/]")
        for item in assessment.advice:
            console.print(f"  {_LEVEL_MARK[item.level]} {escape(item.message)}")


def check_page(
    target: str = typer.Argument(
        ..., help="A saved landing page (FILE, or - for standard input) or an http(s) URL."
    ),
    url: str | None = typer.Option(
        None,
        "--url",
        help="The page's own URL, for a saved FILE (resolves relative canonical links).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check a landing page's metadata tags: what it has and what tracking needs.

    Shows the tags found, the identifiers and where they came from, and what is missing for
    reliable tracking (for repository and journal managers).
    """
    status = charset = None
    if is_http_url(target):
        body, final_url, status, charset = _fetch(target)
        page_url = url or final_url
    else:
        body = _read_file(target)
        page_url = url
    if page_url is not None and not is_http_url(page_url):
        fail(f"--url must be an http(s) URL, not {page_url!r}")
    meta = extract_landing(body, page_url, status=status, encoding=charset)
    assessment = assess(meta)
    if as_json:
        sys.stdout.write(
            orjson.dumps(report(meta, assessment, target), option=orjson.OPT_INDENT_2).decode()
            + "\n"
        )
    else:
        _show(meta, assessment, target)
