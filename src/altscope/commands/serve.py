"""``altscope serve``: the web app (APIs, badges, pages) under uvicorn."""

from __future__ import annotations

import os

import typer

from altscope.commands.common import DatabaseUrlOption, console, open_database, shown_url
from altscope.config import get_settings


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    database_url: str | None = DatabaseUrlOption,
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
) -> None:
    """Serve the web app: native API (/api, /docs), Altmetric-v1-compatible API (/v1), badges
    and pages. A new, empty database gets the schema first."""
    import uvicorn

    url = database_url or get_settings().database_url
    with open_database(url):
        pass
    # Every worker builds its own engine from the settings (altscope.web.asgi).
    os.environ["ALTSCOPE_DATABASE_URL"] = url
    get_settings.cache_clear()
    console.print(f"Serving {shown_url(url)} on http://{host}:{port} ({workers} worker(s))")
    uvicorn.run(
        "altscope.web.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
    )
