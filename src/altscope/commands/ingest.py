"""``altscope add``, ``import``, ``enrich`` and ``outputs list``: getting research outputs in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from altscope.commands.common import (
    DatabaseUrlOption,
    console,
    err_console,
    fail,
    open_database,
    progress_bar,
)
from altscope.config import Settings, get_settings
from altscope.ingest import (
    EnrichReport,
    ImportReport,
    add_identifiers,
    enrich_outputs,
    enrich_pending,
    import_file,
)
from altscope.sources.importers import FORMAT_HELP, FORMATS
from altscope.store.db import transaction
from altscope.store.schema import Output

MAX_ERRORS_SHOWN = 50

NoEnrichOption = typer.Option(
    False,
    "--no-enrich",
    help="Only store the identifiers; do not ask Crossref, DataCite and OpenAlex for metadata "
    "(run `altscope enrich` later).",
)


def register(app: typer.Typer) -> None:
    """Add ``add``, ``import``, ``enrich`` and the ``outputs`` group to ``app``."""
    app.command("add")(add)
    app.command("import")(import_files_command)
    app.command("enrich")(enrich)
    outputs = typer.Typer(
        name="outputs", help="See the research outputs altscope follows.", no_args_is_help=True
    )
    outputs.command("list")(list_outputs)
    app.add_typer(outputs, name="outputs")


# -- commands ------------------------------------------------------------------------------------
def add(
    identifiers: Annotated[
        list[str],
        typer.Argument(
            help="Identifiers of research outputs: DOIs, PMIDs (PMID:123), PMCIDs, arXiv ids, "
            "ISBNs, handles, URNs or their URLs.",
            show_default=False,
        ),
    ],
    no_enrich: bool = NoEnrichOption,
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Follow research outputs: store them by identifier and fetch their metadata."""
    settings = get_settings()
    with open_database(database_url) as engine:
        report = add_identifiers(engine, identifiers)
        _print_errors(report)
        if report.output_ids and not no_enrich:
            _enrich_with_progress(engine, settings, report.output_ids)
        if report.output_ids:
            _print_outputs(engine, report.output_ids, "Stored outputs")
    if report.errors:
        raise typer.Exit(1)


def import_files_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Files to import: identifier lists, CSV/TSV, BibTeX, RIS or ORCID works JSON.",
            show_default=False,
        ),
    ],
    format: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="Read every file as this format instead of detecting it: "
        + "; ".join(f"{name} = {text}" for name, text in FORMAT_HELP.items()),
        show_default=False,
    ),
    no_enrich: bool = NoEnrichOption,
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Import research outputs from files (identifier lists, CSV, BibTeX, RIS, ORCID JSON).

    Broken entries are listed as file:line and the rest is imported. Importing the same file
    again changes nothing.
    """
    if format is not None and format.lower() not in FORMATS:
        fail(f"unknown format '{format}': choose from {', '.join(FORMATS)}", code=2)
    chosen = format.lower() if format else None
    settings = get_settings()
    report = ImportReport()
    with open_database(database_url) as engine:
        with progress_bar() as progress:
            for path in files:
                task = progress.add_task(f"Importing {path.name}", total=None)

                def advance(done: int, total: int, task=task) -> None:
                    progress.update(task, completed=done, total=total)

                part = import_file(engine, path, chosen, advance)
                progress.update(task, total=max(part.stored, 1), completed=max(part.stored, 1))
                report.extend(part)
        console.print(
            f"Imported {_plural(len(files), 'file')}: "
            f"[green]{report.added} added[/], {report.existing} already stored, "
            f"{report.merged} merged, "
            + (f"[red]{_plural(len(report.errors), 'error')}[/]" if report.errors else "no errors")
        )
        _print_errors(report)
        if report.output_ids and not no_enrich:
            _enrich_with_progress(engine, settings, report.output_ids)
    if report.errors:
        raise typer.Exit(1)


def enrich(
    limit: int = typer.Option(
        100, "--limit", "-n", min=1, help="Enrich at most this many outputs in this run."
    ),
    all_outputs: bool = typer.Option(
        False,
        "--all",
        help="Refresh every output, already enriched ones too (oldest first), for up-to-date "
        "metadata and citation counts.",
    ),
    retry_after: float = typer.Option(
        0,
        "--retry-after",
        min=0,
        help="Skip outputs whose last failed attempt is more recent than this many hours.",
    ),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Fetch missing metadata from Crossref, DataCite and OpenAlex.

    For outputs stored without it, for example after an import while offline.
    """
    settings = get_settings()
    with open_database(database_url) as engine:
        _contact_hint(settings)
        with progress_bar() as progress:
            task = progress.add_task("Enriching", total=None)
            report = enrich_pending(
                engine,
                settings,
                limit=limit,
                retry_after=timedelta(hours=retry_after),
                refresh=all_outputs,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        _print_enrich_report(report)
    if report.failed:
        raise typer.Exit(1)


def list_outputs(
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="Show at most this many outputs."),
    pending: bool = typer.Option(False, "--pending", help="Only outputs not enriched yet."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """List stored outputs: identifiers, title, journal, year and enrichment state."""
    with open_database(database_url) as engine, transaction(engine) as session:
        query = select(Output.id).where(Output.merged_into.is_(None)).order_by(Output.id)
        if pending:
            query = query.where(Output.enriched_at.is_(None))
        output_ids = list(session.scalars(query.limit(limit)))
    if not output_ids:
        console.print("No outputs stored yet: try `altscope add 10.1038/nature14539`.")
        return
    with open_database(database_url) as engine:
        _print_outputs(engine, output_ids, f"Outputs (first {len(output_ids)})")


# -- helpers -------------------------------------------------------------------------------------
def _contact_hint(settings: Settings) -> None:
    if not settings.contact_email:
        err_console.print(
            "[dim]hint: set ALTSCOPE_CONTACT_EMAIL so Crossref and OpenAlex serve you from "
            "their faster polite pool.[/]"
        )


def _enrich_with_progress(engine: Engine, settings: Settings, output_ids: Sequence[int]) -> None:
    _contact_hint(settings)
    with progress_bar() as progress:
        task = progress.add_task("Fetching metadata", total=len(output_ids))
        report = enrich_outputs(
            engine,
            settings,
            output_ids,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    _print_enrich_report(report)


def _print_enrich_report(report: EnrichReport) -> None:
    if report.attempted == 0:
        console.print("Nothing to enrich.")
        return
    parts = [f"[green]{report.enriched} enriched[/]"]
    if report.not_found:
        parts.append(f"{report.not_found} not found")
    if report.unsupported:
        parts.append(f"{report.unsupported} with no DOI, PMID, PMCID or arXiv id to look up")
    if report.failed:
        parts.append(f"[yellow]{report.failed} failed (kept; retried by `altscope enrich`)[/]")
    console.print(f"Metadata for {_plural(report.attempted, 'output')}: " + ", ".join(parts))
    # The same failure for many outputs (a service offline) is shown once, with a count.
    counts = Counter(message for _, message in report.errors)
    lines: list[str] = []
    for label, message in report.errors:
        if counts[message] == 0:
            continue
        who = label if counts[message] == 1 else _plural(counts[message], "output")
        lines.append(f"  [yellow]{who}[/]: {message}")
        counts[message] = 0
    for line in lines[:MAX_ERRORS_SHOWN]:
        err_console.print(line, highlight=False)
    if len(lines) > MAX_ERRORS_SHOWN:
        err_console.print(f"  … and {len(lines) - MAX_ERRORS_SHOWN} more")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _print_errors(report: ImportReport) -> None:
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        err_console.print(f"[red]error:[/] {error}", highlight=False)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        err_console.print(f"… and {len(report.errors) - MAX_ERRORS_SHOWN} more errors")


def _print_outputs(engine: Engine, output_ids: Sequence[int], title: str) -> None:
    table = Table(title=title, show_lines=False)
    table.add_column("id", justify="right", style="dim")
    table.add_column("identifiers", overflow="fold")
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("journal", overflow="fold", ratio=1)
    table.add_column("year", justify="right")
    table.add_column("metadata")
    with transaction(engine) as session:
        outputs = session.scalars(
            select(Output)
            .where(Output.id.in_(list(output_ids)))
            .options(selectinload(Output.identifiers))
            .order_by(Output.id)
        ).all()
        for output in outputs:
            if output.merged_into is not None:
                continue
            if output.enriched_at is not None:
                source = output.enrich_provider or output.metadata_provider
                state = f"[green]{source}[/]" if source else "[dim]nothing to ask[/]"
            elif output.enrich_last_error:
                state = "[yellow]pending[/]"
            else:
                state = f"[dim]{output.metadata_provider or 'not yet'}[/]"
            table.add_row(
                str(output.id),
                "\n".join(str(i) for i in output.identifiers),
                output.title or "[dim]—[/]",
                output.container_title or "",
                str(output.published.year) if output.published else "",
                state,
            )
    console.print(table)
