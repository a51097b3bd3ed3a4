"""The FastAPI application: ``create_app(engine)`` wires the routers and middleware together."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.types import Receive, Scope, Send

from altscope import __version__
from altscope.config import Settings, get_settings
from altscope.scoring.rules import default_version
from altscope.web.api import docs, groups, lookup, outputs, v1
from altscope.web.api.serialize import JSONBytes
from altscope.web.badges.lookup import HotReader, HotReadError
from altscope.web.badges.routes import BadgeHotPath
from altscope.web.badges.routes import router as badges_router
from altscope.web.caching import AnswerCache, ETagMiddleware
from altscope.web.headers import SecurityHeadersMiddleware
from altscope.web.pages.routes import mount_static
from altscope.web.pages.routes import router as pages_router
from altscope.web.ratelimit import RateLimitMiddleware, RateLimits

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
    app = AltscopeApp(
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
    limits = RateLimits(
        engine=engine,
        anonymous=settings.api_rate_limit_anonymous,
        keyed=settings.api_rate_limit_keyed,
        exempt=settings.api_rate_limit_exempt,
    )
    # Outermost last: security headers and CORS wrap everything, rate limits included.
    app.add_middleware(RateLimitMiddleware, limits=limits)
    app.add_middleware(SecurityHeadersMiddleware)
    # Before all of them, the two hottest routes (they add the same headers themselves).
    reader, cache = HotReader(engine), AnswerCache()
    max_age = settings.api_cache_max_age
    app.state.hot_cache = cache
    app.hot_paths = HotPaths(
        badge=BadgeHotPath(reader, app.state.rules_version, max_age, cache),
        counts=v1.CountsHotPath(
            reader, app.state.rules_version, max_age, cache, limits, settings.public_base_url
        ),
    )
    return app


class HotPaths:
    """Answers ``GET /badge/…svg`` and ``GET /v1/{type}/{id}`` before the framework: before the
    middleware stack and the router, whose layers cost more than these answers when they come
    from the answer cache. A hot path sends the headers the stack would (security, CORS, rate
    limits, ETag, Cache-Control) or, for anything unusual, leaves the request to the app."""

    def __init__(self, *, badge: BadgeHotPath, counts: v1.CountsHotPath) -> None:
        self.badge = badge
        self.counts = counts

    async def answer(self, scope: Scope, send: Send) -> bool:
        """Whether the request was answered here."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        path = scope["path"]
        try:
            if path.startswith("/badge/"):
                return await self.badge(scope, send)
            if path.startswith("/v1/"):
                return await self.counts(scope, send)
        except HotReadError:
            pass  # the kept connection was closed; the app answers (and reports) as usual
        return False


class AltscopeApp(FastAPI):
    """FastAPI, with :class:`HotPaths` tried first."""

    hot_paths: HotPaths | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hot = self.hot_paths
        if hot is not None and await hot.answer(scope, send):
            return
        await super().__call__(scope, receive, send)
