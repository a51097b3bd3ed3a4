"""Routes for badges, the embed script and the bookmarklet (see docs/badges.md).

* ``GET /badge/{scheme}/{identifier}.svg`` and ``GET /badge/id/{output_id}.svg``: the badge.
  Query: ``type`` (donut, bar, number or an Altmetric badge type such as ``medium-donut``),
  ``size`` (small, medium, large), ``hide_score=1``, ``condensed=1``. A valid identifier that
  altscope does not track gives a neutral "no attention tracked yet" badge (200, cached
  briefly); a malformed one gives the same picture with status 400.
* ``GET /badge/data?id=<scheme>:<identifier>&id=...``: JSON for the embed script's popovers
  (up to :data:`MAX_BATCH` identifiers per request).
* ``GET /embed.js``, ``GET /bookmarklet.js``, ``GET /bookmarklet`` (install page) and
  ``GET /details/lookup?doi=...`` (where the bookmarklet lands: 302 to the details page).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qsl, quote

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Scope, Send

from altscope.ids import IdentifierError, find_identifiers
from altscope.ids.arxiv import unversioned
from altscope.web.badges.lookup import (
    DEFAULT_RULES_VERSION,
    BadgeData,
    HotReader,
    badge_row,
    data_of_row,
    find_badge_data,
    parse_identifier,
)
from altscope.web.badges.svg import SIZES, STYLES, render, slices_from_sources
from altscope.web.caching import (
    Answer,
    AnswerCache,
    answer,
    cached_response,
    max_age_of,
    send_answer,
)
from altscope.web.headers import CORS_ANSWER_HEADERS
from altscope.web.templating import templates

router = APIRouter(include_in_schema=False)

#: Cache lifetimes (seconds) of unknown identifiers' badges and of the scripts; tracked
#: outputs' badges and data use the ``api_cache_max_age`` setting.
UNKNOWN_MAX_AGE = 60
SCRIPT_MAX_AGE = 86400
MAX_BATCH = 50
MAX_LOOKUP_CANDIDATES = 20
SVG = "image/svg+xml"

#: Badge types: ours and Altmetric's ``data-badge-type`` values → (style, default size).
BADGE_TYPES: dict[str, tuple[str, str]] = {
    **{style: (style, "small") for style in STYLES},
    "default": ("donut", "small"),
    "medium-donut": ("donut", "medium"),
    "large-donut": ("donut", "large"),
    "medium-bar": ("bar", "medium"),
    "large-bar": ("bar", "large"),
    "1": ("number", "small"),
    "4": ("number", "medium"),
}
#: Query parameters of /details/lookup, in the order they are tried (``id``: any scheme).
LOOKUP_PARAMS = ("doi", "pmid", "arxiv", "pmcid", "isbn", "handle", "urn", "nct", "uri", "id")
FLAG_VALUES = ("1", "true", "yes", "on", "")


def _static(name: str) -> str:
    return (files("altscope.web.badges") / "static" / name).read_text("utf-8")


def _version(request: Request) -> str:
    return getattr(request.app.state, "rules_version", None) or DEFAULT_RULES_VERSION


def _flag(request: Request, name: str) -> bool:
    return flag_of(request.query_params, name)


def flag_of(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name)
    return value is not None and value.lower() in FLAG_VALUES


def _lookup(request: Request, scheme: str, value: str) -> BadgeData | None:
    return find_badge_data(request.app.state.engine, scheme, value, _version(request))


# --- badges -------------------------------------------------------------------------------


def _style(request: Request) -> tuple[str, str]:
    """(style, size) from ``type`` and ``size``; ValueError names the bad one."""
    return style_of(request.query_params)


def style_of(params: Mapping[str, str]) -> tuple[str, str]:
    """(style, size) from the ``type`` and ``size`` parameters; ValueError names the bad one."""
    kind = params.get("type", "donut").lower()
    if kind not in BADGE_TYPES:
        raise ValueError(f"unknown badge type {kind[:40]!r}; known: {', '.join(BADGE_TYPES)}")
    style, size = BADGE_TYPES[kind]
    size = params.get("size", size).lower()
    if size not in SIZES:
        raise ValueError(f"unknown badge size {size[:40]!r}; known: {', '.join(SIZES)}")
    return style, size


def _badge(request: Request, scheme: str, identifier: str) -> Response:
    try:
        style, size = _style(request)
    except ValueError as error:
        return PlainTextResponse(str(error), status_code=400)
    show, condensed = not _flag(request, "hide_score"), _flag(request, "condensed")
    if identifier.endswith(".svg"):
        identifier = identifier[:-4]
    try:
        scheme, value = parse_identifier(scheme, identifier)
    except IdentifierError as error:
        svg = render(style, size, (), None, show_score=show, condensed=condensed)
        return Response(
            svg,
            status_code=400,
            media_type=SVG,
            headers={
                "Cache-Control": f"public, max-age={_brief(request)}",
                "X-Altscope-Error": _header_text(str(error)),
            },
        )
    data = _lookup(request, scheme, value)
    if data is None:
        svg = render(style, size, (), None, show_score=show, condensed=condensed)
        return cached_response(
            request,
            svg.encode(),
            SVG,
            max_age=_brief(request),
            headers={"X-Altscope-Badge": "unknown"},
        )
    svg = render(
        style,
        size,
        slices_from_sources(data.sources),
        data.score,
        title=data.title,
        show_score=show,
        condensed=condensed,
    )
    return cached_response(request, svg.encode(), SVG)


def _brief(request: Request) -> int:
    """Cache lifetime of answers about identifiers altscope does not track (yet)."""
    return min(max_age_of(request), UNKNOWN_MAX_AGE)


def _header_text(text: str) -> str:
    """``text`` fit for a response header (printable ASCII, short)."""
    return "".join(c if " " <= c <= "~" else "?" for c in text)[:200]


@router.get("/badge/data")
def badge_data(request: Request) -> Response:
    """Popover data for the embed script: ``{"items": {key: item | null}, "errors": {...}}``."""
    keys = request.query_params.getlist("id")
    if not keys:
        return PlainTextResponse("give one or more id=<scheme>:<identifier>", status_code=400)
    if len(keys) > MAX_BATCH:
        return PlainTextResponse(f"at most {MAX_BATCH} ids per request", status_code=400)
    items: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in keys:
        scheme, sep, text = key.partition(":")
        try:
            if not sep:
                raise IdentifierError("expected <scheme>:<identifier>")
            found = _lookup(request, *parse_identifier(scheme, text))
        except IdentifierError as error:
            errors[key] = str(error)
            continue
        items[key] = None if found is None else _item(found)
    body = orjson.dumps({"items": items, "errors": errors})
    complete = all(items.values()) and not errors
    max_age = max_age_of(request) if complete else _brief(request)
    return cached_response(request, body, "application/json", max_age=max_age)


def _item(data: BadgeData) -> dict[str, Any]:
    slices = slices_from_sources(data.sources)
    return {
        "output_id": data.output_id,
        "title": data.title,
        "score": data.score,
        "posts": data.posts,
        "details_url": f"/details/{data.output_id}",
        "badge_url": f"/badge/id/{data.output_id}.svg",
        "sources": [
            {"key": s.key, "name": s.name, "posts": s.posts, "color": s.color} for s in slices
        ],
    }


async def badge(request: Request) -> Response:
    """The SVG badge of one output (``/badge/doi/10.1234/abc.svg``, ``/badge/id/42.svg``).

    The hottest route: a plain Starlette route (no FastAPI parameter solving), run on the event
    loop (no thread hop) since its one indexed lookup is shorter than a hop to the threadpool.
    """
    params = request.path_params
    return _badge(request, params["scheme"], params["identifier"])


router.add_route("/badge/{scheme}/{identifier:path}", badge, methods=["GET", "HEAD"])


class BadgeHotPath:
    """``GET /badge/{scheme}/{identifier}.svg`` answered before the framework (see
    :class:`altscope.web.app.HotPaths`): one indexed query on a kept connection, the rendered
    SVG reused while that query returns the same row. Anything unusual (a bad parameter or
    identifier, a merged output, an arXiv version fallback) is left to :func:`badge`."""

    def __init__(self, reader: HotReader, version: str, max_age: int, cache: AnswerCache) -> None:
        self.reader = reader
        self.version = version
        self.max_age = max_age
        self.brief = min(max_age, UNKNOWN_MAX_AGE)
        self.cache = cache

    async def __call__(self, scope: Scope, send: Send) -> bool:
        """Answer the request and return True, or return False to leave it to the app."""
        path = scope["path"]
        if not path.endswith(".svg"):
            return False
        key = ("badge", path, scope["query_string"])
        entry = self.cache.get(key)
        seen = self.reader.version()
        if entry is not None:
            if seen is None or seen != entry.seen:
                scheme, value, style = entry.lookup
                row = badge_row(self.reader, scheme, value, self.version)
                if row != entry.check:
                    entry = self._answer(row, scheme, value, style)
                    if entry is None:
                        return False
                    self.cache.put(key, entry)
                entry.seen = seen
        else:
            found = self._parse(path, scope["query_string"])
            if found is None:
                return False
            scheme, value, style = found
            row = badge_row(self.reader, scheme, value, self.version)
            entry = self._answer(row, scheme, value, style)
            if entry is None:
                return False
            entry.seen = seen
            self.cache.put(key, entry)
        await send_answer(scope, send, entry)
        return True

    @staticmethod
    def _parse(path: str, query: bytes) -> tuple[str, str, tuple] | None:
        scheme, sep, identifier = path[len("/badge/") :].partition("/")
        if not sep:
            return None
        params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
        try:
            style, size = style_of(params)
            scheme, value = parse_identifier(scheme, identifier[:-4])
        except (ValueError, IdentifierError):
            return None
        show, condensed = not flag_of(params, "hide_score"), flag_of(params, "condensed")
        return scheme, value, (style, size, show, condensed)

    def _answer(self, row: tuple | None, scheme: str, value: str, style: tuple) -> Answer | None:
        kind, size, show, condensed = style
        lookup = (scheme, value, style)
        if row is None:
            if scheme == "arxiv" and unversioned(value) != value:
                return None  # the unversioned id may be tracked: the full route tries it
            svg = render(kind, size, (), None, show_score=show, condensed=condensed)
            return answer(svg.encode(), SVG_BYTES, self.brief, None, lookup, UNKNOWN_HEADERS)
        if row[1] is not None:
            return None  # merged: the full route follows it
        data = data_of_row(row)
        svg = render(
            kind,
            size,
            slices_from_sources(data.sources),
            data.score,
            title=data.title,
            show_score=show,
            condensed=condensed,
        )
        return answer(svg.encode(), SVG_BYTES, self.max_age, row, lookup, CORS_ANSWER_HEADERS)


SVG_BYTES = SVG.encode()
UNKNOWN_HEADERS = [(b"x-altscope-badge", b"unknown"), *CORS_ANSWER_HEADERS]


# --- scripts ------------------------------------------------------------------------------


class _Script:
    """A JavaScript file read once, served with a long cache lifetime and an ETag."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._body: bytes | None = None

    def response(self, request: Request) -> Response:
        if self._body is None:
            self._body = _static(self.name).encode()
        return cached_response(
            request, self._body, "text/javascript; charset=utf-8", max_age=SCRIPT_MAX_AGE
        )


_EMBED = _Script("embed.js")


@router.get("/embed.js")
def embed_js(request: Request) -> Response:
    """The embed script: turns ``altscope-embed`` / ``altmetric-embed`` elements into badges."""
    return _EMBED.response(request)


# --- bookmarklet --------------------------------------------------------------------------

ORIGIN_PLACEHOLDER = "__ALTSCOPE_ORIGIN__"


def _origin(request: Request) -> str:
    """The server's public base URL (``public_base_url`` setting, else the request's)."""
    settings = getattr(request.app.state, "settings", None)
    configured = getattr(settings, "public_base_url", None)
    return (configured or str(request.base_url)).rstrip("/")


def bookmarklet_source(origin: str) -> str:
    """The bookmarklet's JavaScript, opening details pages on ``origin``."""
    return _static("bookmarklet.js").replace(ORIGIN_PLACEHOLDER, origin.replace('"', "%22"))


def minify(source: str) -> str:
    """Whole-line ``//`` comments and indentation removed, lines joined by spaces.

    The bookmarklet source is written for this: statements end in ``;`` and comments sit on
    lines of their own.
    """
    lines = (line.strip() for line in source.splitlines())
    return " ".join(line for line in lines if line and not line.startswith("//"))


def bookmarklet_href(origin: str) -> str:
    """The ``javascript:`` URL to drag to the bookmarks bar."""
    return "javascript:" + quote(minify(bookmarklet_source(origin)), safe="();,=!'*._-~:/+[]{}")


@router.get("/bookmarklet.js")
def bookmarklet_js(request: Request) -> Response:
    """The bookmarklet's readable source, for this server."""
    body = bookmarklet_source(_origin(request)).encode()
    return cached_response(request, body, "text/javascript; charset=utf-8", max_age=SCRIPT_MAX_AGE)


@router.get("/bookmarklet", response_class=HTMLResponse)
def bookmarklet_page(request: Request) -> Response:
    """The install page: what the bookmarklet does and the link to drag."""
    origin = _origin(request)
    return templates.TemplateResponse(
        request,
        "bookmarklet.html",
        {"href": bookmarklet_href(origin), "origin": origin, "params": LOOKUP_PARAMS},
    )


def _candidates(request: Request) -> list[tuple[str, str]]:
    """(scheme, text) pairs from the query, in trying order; the page URL's ids come last."""
    query = request.query_params
    pairs = [(name, text) for name in LOOKUP_PARAMS for text in query.getlist(name)]
    for url in query.getlist("url"):
        pairs.append(("url", url))
        pairs.extend((found.identifier.scheme, found.identifier.value) for found in _found(url))
    return [(("any" if s == "id" else s), t) for s, t in pairs][:MAX_LOOKUP_CANDIDATES]


def _found(text: str) -> list[Any]:
    try:
        return find_identifiers(text[:2000])
    except ValueError:
        return []


@router.get("/details/lookup", response_class=HTMLResponse)
def details_lookup(request: Request) -> Response:
    """Where the bookmarklet lands: 302 to the first tracked candidate's details page."""
    candidates = _candidates(request)
    tried: list[dict[str, str]] = []
    for scheme, text in candidates:
        try:
            parsed = parse_identifier(scheme, text)
        except IdentifierError as error:
            tried.append({"scheme": scheme, "text": text[:300], "result": str(error)[:300]})
            continue
        data = _lookup(request, *parsed)
        if data is not None:
            return RedirectResponse(f"/details/{data.output_id}", status_code=302)
        tried.append({"scheme": parsed[0], "text": parsed[1][:300], "result": "not tracked"})
    status = 404 if candidates else 400
    return templates.TemplateResponse(
        request,
        "bookmarklet_missing.html",
        {"tried": tried, "no_candidates": not candidates},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


__all__ = ["BADGE_TYPES", "BadgeHotPath", "bookmarklet_href", "minify", "router"]
