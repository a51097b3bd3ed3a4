"""What every command shares: consoles, the database option, clear one-line failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from altscope.config import get_settings
from altscope.store import migrate
from altscope.store.db import make_engine, normalize_url

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

DatabaseUrlOption = typer.Option(
    None,
    "--database-url",
    help="SQLAlchemy URL of the database; defaults to the configured ALTSCOPE_DATABASE_URL.",
    show_default=False,
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    err_console.print(f"[red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def shown_url(url: str) -> str:
    """``url`` with any password hidden."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def first_line(error: BaseException) -> str:
    """The first line of a database error's underlying message."""
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn database failures into one clear line and exit code 1."""
    try:
        yield
    except ArgumentError as error:
        fail(f"not a database URL: {shown_url(url)} ({error})")
    except SQLAlchemyError as error:
        fail(f"database {shown_url(url)}: {first_line(error)}")


@contextmanager
def open_database(database_url: str | None) -> Iterator[Engine]:
    """An engine on the database (default: the configured one), its failures one clear line.

    A new, empty database gets the schema; one at an older revision is refused, since migrating
    a shared database is for `altscope db upgrade`, not a side effect of another command.
    """
    url = database_url or get_settings().database_url
    with database_errors(url):
        revision = migrate.current(url)
        if revision is None:
            migrate.upgrade(url)
        elif revision != migrate.head():
            fail("the database schema is out of date: run `altscope db upgrade`")
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A progress display on stderr for long work."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as progress:
        yield progress
