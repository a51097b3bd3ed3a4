"""``altscope keys``: create, list and revoke API keys (only their hashes are stored)."""

from __future__ import annotations

import typer
from rich.table import Table

from altscope.commands.common import DatabaseUrlOption, console, fail, open_database
from altscope.store.db import transaction
from altscope.web import keys as api_keys


def register(app: typer.Typer) -> None:
    """Add the ``keys`` command group to ``app``."""
    group = typer.Typer(name="keys", help="Create, list and revoke API keys.", no_args_is_help=True)
    group.command("create")(create)
    group.command("list")(list_keys)
    group.command("revoke")(revoke)
    app.add_typer(group, name="keys")


def create(
    name: str = typer.Argument(..., help="Who or what the key is for."),
    rate_limit: int | None = typer.Option(
        None, "--rate-limit", min=0, help="Requests per minute (default: the server's; 0: none)."
    ),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Create a key and print it once: it is not stored, only its SHA-256 is."""
    with open_database(database_url) as engine, transaction(engine) as session:
        try:
            row, key = api_keys.create_key(session, name, rate_limit)
        except ValueError as error:
            fail(str(error))
        prefix = row.prefix
    console.print(f"Created key {prefix} for {name!r}. Keep it now; it cannot be shown again:")
    print(key)


def list_keys(database_url: str | None = DatabaseUrlOption) -> None:
    """Every key: prefix, name, rate limit, created, last used, revoked."""
    with open_database(database_url) as engine, transaction(engine) as session:
        rows = api_keys.list_keys(session)
        table = Table("prefix", "name", "rate limit", "created", "last used", "revoked")
        for row in rows:
            table.add_row(
                row.prefix,
                row.name,
                "default" if row.rate_limit is None else str(row.rate_limit),
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never",
                f"{row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "",
            )
    if not rows:
        console.print("No API keys.")
        return
    console.print(table)


def revoke(
    prefix: str = typer.Argument(..., help="The key's prefix (as `keys list` shows it)."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Revoke a key (servers stop accepting it within a minute)."""
    with open_database(database_url) as engine, transaction(engine) as session:
        try:
            row = api_keys.revoke_key(session, prefix)
        except LookupError as error:
            fail(str(error))
        console.print(f"Revoked key {row.prefix} ({row.name}).")
