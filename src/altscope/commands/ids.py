"""``altscope ids``: parse identifiers and find them in text."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from altscope.commands.common import console, err_console, fail
from altscope.ids import IdentifierError, find_identifiers, parse

ids_app = typer.Typer(
    name="ids", help="Parse persistent identifiers and find them in text.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(ids_app, name="ids")


@ids_app.command("parse")
def parse_command(
    identifiers: list[str] = typer.Argument(..., help="Identifiers in any spelling or URL."),
    scheme: str | None = typer.Option(
        None, "--scheme", help="Read every value as this scheme (e.g. pmid for bare numbers)."
    ),
) -> None:
    """Show the scheme, normal form and resolver URL of each identifier."""
    table = Table("input", "scheme", "normal form", "resolver URL")
    bad = 0
    for text in identifiers:
        try:
            identifier = parse(text, scheme)
        except IdentifierError as error:
            err_console.print(f"[red]error:[/] {error}", highlight=False)
            bad += 1
            continue
        table.add_row(text, identifier.scheme, identifier.value, identifier.url or "")
    if table.row_count:
        console.print(table)
    if bad:
        raise typer.Exit(1)


@ids_app.command("find")
def find_command(
    text: list[str] = typer.Argument(None, help="Text to search; omit to read --file."),
    file: Path | None = typer.Option(
        None, "--file", "-f", help="Read the text from this file ('-' for standard input)."
    ),
    html: bool = typer.Option(False, "--html", help="The text is HTML: search its visible text."),
) -> None:
    """List every identifier written in a text, with where it was found."""
    if file is not None:
        try:
            raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
        except OSError as error:
            fail(f"{file}: {error.strerror or error}")
        content = raw.decode("utf-8", errors="replace")
    elif text:
        content = " ".join(text)
    else:
        fail("give a text, or --file", code=2)
    found = find_identifiers(content, html=html)
    if not found:
        console.print("No identifiers found.")
        return
    table = Table("scheme", "identifier", "at", "as written", "resolver URL")
    for hit in found:
        table.add_row(
            hit.identifier.scheme,
            hit.identifier.value,
            f"{hit.start}-{hit.end}",
            hit.text,
            hit.identifier.url or "",
        )
    console.print(table)
