"""The FastAPI application: ``create_app(engine)`` wires the routers and middleware together."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from altscope import __version__
from altscope.config import Settings, get_settings
from altscope.scoring.rules import default_version
from altscope.web.api import docs, groups, lookup, outputs, v1
from altscope.web.api.serialize import JSONBytes
from altscope.web.badges.routes import router as badges_router
from altscope.web.caching import ETagMiddleware
from altscope.web.headers import SecurityHeadersMiddleware
from altscope.web.pages.routes import mount_static
from altscope.web.pages.routes import router as pages_router
from altscope.web.ratelimit import RateLimitMiddleware

DESCRIPTION = (
    "Open, self-hosted altmetrics. `/api/...` is altscope's native API; `/v1/...` is "
    "compatible with Altmetric's Details Page API v1. Keys: `X-API-Key` header or `key` "
    "parameter. See docs/api.md."
)


def create_app(
    engine: Engine, *, settings: Settings | None = None, rules_version: str | None = None
) -> FastAPI:
    """The altscope web app serving ``engine``'s database.

    ``settings`` default to the process-wide ones; ``rules_version`` to the configured scoring
    version (the scores the APIs, badges and pages show).
    """
    settings = settings or get_settings()
    app = FastAPI(
        title="altscope",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        default_response_class=JSONBytes,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.rules_version = rules_version or default_version()
    app.state.cache_max_age = settings.api_cache_max_age
    # Badges first: they are the most requested route, and routes are matched in order.
    app.include_router(badges_router)
    app.include_router(v1.router)
    app.include_router(lookup.router)
    app.include_router(groups.router)
    app.include_router(outputs.router)
    app.include_router(docs.router)
    app.include_router(pages_router)
    mount_static(app)
    app.add_middleware(ETagMiddleware, prefixes=("/api/",), max_age=settings.api_cache_max_age)
    # Outermost last: security headers and CORS wrap everything, rate limits included.
    app.add_middleware(
        RateLimitMiddleware,
        engine=engine,
        anonymous=settings.api_rate_limit_anonymous,
        keyed=settings.api_rate_limit_keyed,
        exempt=settings.api_rate_limit_exempt,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    return app
