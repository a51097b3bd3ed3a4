"""``altscope db``: migrate the database and see what it holds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from altscope.store import migrate
from altscope.store.db import is_sqlite, make_engine, normalize_url, session_factory
from altscope.store.schema import Mention, Output

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

DatabaseUrlOption = typer.Option(
    None,
    "--database-url",
    help="SQLAlchemy URL of the database; defaults to the configured ALTSCOPE_DATABASE_URL.",
    show_default=False,
)


def _url(database_url: str | None) -> str:
    if database_url:
        return database_url
    from altscope.config import get_settings

    return get_settings().database_url


def shown_url(url: str) -> str:
    """``url`` with any password hidden."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


@contextmanager
def _errors(url: str) -> Iterator[None]:
    """Turn database failures into one clear line and exit code 1."""
    try:
        yield
    except ArgumentError as error:
        err_console.print(f"[red]error:[/] not a database URL: {shown_url(url)} ({error})")
        raise typer.Exit(1) from None
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        err_console.print(f"[red]error:[/] database {shown_url(url)}: {reason}")
        raise typer.Exit(1) from None


def _require_existing(url: str) -> None:
    """Refuse to inspect a SQLite file that does not exist (connecting would create it)."""
    with _errors(url):
        parsed = make_url(normalize_url(url))
    in_file = is_sqlite(url) and parsed.database not in (None, "", ":memory:")
    if in_file and not Path(parsed.database).exists():
        err_console.print(
            f"[red]error:[/] no database at {parsed.database}: run `altscope db upgrade`"
        )
        raise typer.Exit(1)


def _describe(revision: str | None) -> str:
    return revision or "empty (never migrated)"


def upgrade(
    revision: str = typer.Argument("head", help="Revision to migrate to (default: the newest)."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Create or migrate the database schema to the newest version."""
    url = _url(database_url)
    with _errors(url):
        result = migrate.upgrade(url, revision)
    if not result.applied:
        console.print(f"{shown_url(url)} is up to date at revision {_describe(result.after)}.")
        return
    console.print(f"Migrated {shown_url(url)} from {_describe(result.before)} to {result.after}:")
    for step in result.applied:
        console.print(f"  applied {step.id}  {step.message}")


def current(database_url: str | None = DatabaseUrlOption) -> None:
    """Show the schema revision the database is at, and the newest one shipped."""
    url = _url(database_url)
    _require_existing(url)
    with _errors(url):
        revision = migrate.current(url)
    newest = migrate.head()
    state = "up to date" if revision == newest else f"behind {newest}: run `altscope db upgrade`"
    console.print(f"{_describe(revision)} ({state})")


def info(database_url: str | None = DatabaseUrlOption) -> None:
    """Show the database URL (password hidden), backend, revision and what it holds."""
    url = _url(database_url)
    _require_existing(url)
    table = Table(show_header=False, box=None)
    with _errors(url):
        engine = make_engine(url)
        try:
            table.add_row("database", shown_url(url))
            table.add_row("backend", engine.dialect.name)
            revision = migrate.current(url)
            table.add_row("revision", _describe(revision))
            if "outputs" in inspect(engine).get_table_names():
                with session_factory(engine)() as session:
                    outputs = session.scalar(
                        select(func.count()).select_from(Output).where(Output.merged_into.is_(None))
                    )
                    mentions = session.scalar(
                        select(func.count())
                        .select_from(Mention)
                        .where(Mention.removed_at.is_(None))
                    )
                table.add_row("outputs", str(outputs))
                table.add_row("mentions", str(mentions))
        finally:
            engine.dispose()
    console.print(table)
    if revision is None:
        console.print("The database is empty: run `altscope db upgrade`.")


def register(app: typer.Typer) -> None:
    """Add the ``db`` command group to ``app``."""
    db = typer.Typer(
        name="db",
        help="Create, migrate and inspect the altscope database.",
        no_args_is_help=True,
    )
    db.command("upgrade")(upgrade)
    db.command("current")(current)
    db.command("info")(info)
    app.add_typer(db, name="db")
