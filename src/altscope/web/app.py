"""The FastAPI application: ``create_app(engine)`` wires the routers together."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from altscope.web.badges.routes import router as badges_router
from altscope.web.pages.routes import router as pages_router


def create_app(engine: Engine) -> FastAPI:
    """The altscope web app serving ``engine``'s database."""
    app = FastAPI(title="altscope", version="0.1.0")
    app.state.engine = engine
    app.include_router(badges_router)
    app.include_router(pages_router)
    return app
