"""``altscope db``: migrate the database and see what it holds."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from altscope.commands.common import (
    DatabaseUrlOption,
    console,
    database_errors,
    fail,
    shown_url,
)
from altscope.store import migrate
from altscope.store.db import is_sqlite, make_engine, normalize_url, session_factory
from altscope.store.schema import Mention, Output


def _url(database_url: str | None) -> str:
    if database_url:
        return database_url
    from altscope.config import get_settings

    return get_settings().database_url


def _require_existing(url: str) -> None:
    """Refuse to inspect a SQLite file that does not exist (connecting would create it)."""
    with database_errors(url):
        parsed = make_url(normalize_url(url))
    in_file = is_sqlite(url) and parsed.database not in (None, "", ":memory:")
    if in_file and not Path(parsed.database).exists():
        fail(f"no database at {parsed.database}: run `altscope db upgrade`")


def _describe(revision: str | None) -> str:
    return revision or "empty (never migrated)"


def upgrade(
    revision: str = typer.Argument("head", help="Revision to migrate to (default: the newest)."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Create or migrate the database schema to the newest version."""
    url = _url(database_url)
    with database_errors(url):
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
    with database_errors(url):
        revision = migrate.current(url)
    newest = migrate.head()
    state = "up to date" if revision == newest else f"behind {newest}: run `altscope db upgrade`"
    console.print(f"{_describe(revision)} ({state})")


def info(database_url: str | None = DatabaseUrlOption) -> None:
    """Show the database URL (password hidden), backend, revision and what it holds."""
    url = _url(database_url)
    _require_existing(url)
    table = Table(show_header=False, box=None)
    with database_errors(url):
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
