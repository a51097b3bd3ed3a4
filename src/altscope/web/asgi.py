"""An app factory for ASGI servers: ``uvicorn --factory altscope.web.asgi:create_app``.

It serves the database named by the settings (``ALTSCOPE_DATABASE_URL`` or altscope.toml), so
that every worker process of a multi-worker server builds its own engine.
"""

from __future__ import annotations

from fastapi import FastAPI

from altscope.config import get_settings
from altscope.store.db import make_engine
from altscope.web import app as web_app


def create_app() -> FastAPI:
    """The web app for the configured database."""
    return web_app.create_app(make_engine(get_settings().database_url))
