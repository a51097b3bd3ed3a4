"""Routes for the server-rendered pages: start page, details pages, mention tabs, feed, evidence.

Every page is a Jinja2 template with autoescaping; links that came from outside pass
:func:`~altscope.web.pages.links.safe_url`. Static files are served by :func:`mount_static`.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from altscope.ids import IdentifierError, parse
from altscope.store.merge import canonical
from altscope.store.outputs import find_output
from altscope.store.schema import Output
from altscope.web.deps import get_session
from altscope.web.pages import queries, start
from altscope.web.pages.cache import app_cache
from altscope.web.pages.details import PageOutOfRange, aggregates, details_view, mention_tabs
from altscope.web.pages.evidence import evidence_view
from altscope.web.pages.feed import atom_feed
from altscope.web.pages.links import safe_url
from altscope.web.pages.scoring_view import DEFAULT_VERSION, explain, get_score
from altscope.web.pages.worldmap import country_name
from altscope.web.templating import environment, templates

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]

STATIC_DIR = str(files("altscope.web") / "static")
environment.filters.setdefault("safe_url", safe_url)
environment.filters.setdefault("country_name", country_name)
environment.globals.setdefault("DEFAULT_VERSION", DEFAULT_VERSION)


def mount_static(app: FastAPI) -> None:
    """Serve ``altscope/web/static`` at ``/static`` (call once from ``create_app``)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    titles = {400: "Bad request", 404: "Not found"}
    return page(
        request,
        "error.html",
        {"heading": titles.get(status_code, "Error"), "message": message},
        status_code,
    )


def rules_version(request: Request) -> str:
    """The rules version the app serves (``create_app``'s), else the default one."""
    return getattr(request.app.state, "rules_version", None) or DEFAULT_VERSION


def _page_number(raw: str | None) -> int | None:
    """A 1-based page number from the query (None when it is not one)."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        return None
    return int(raw)


def _load(session: Session, output_id: int) -> tuple[Output | None, Output | None]:
    """(stored row, canonical output) of ``output_id``; (None, None) when there is none."""
    row = session.get(Output, output_id)
    if row is None:
        return None, None
    try:
        return row, canonical(session, row)
    except (LookupError, RuntimeError):
        return row, None


def _survivor_redirect(request: Request, row: Output, survivor: Output) -> Response | None:
    if row.id == survivor.id:
        return None
    path = request.url.path.replace(f"/details/{row.id}", f"/details/{survivor.id}", 1)
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(path + query, status_code=301)


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request, session: SessionDep) -> HTMLResponse:
    """What altscope is and what to look at first."""
    return page(request, "start.html", start.start_context(session, rules_version(request)))


@router.get("/outputs", response_class=HTMLResponse)
def outputs_page(request: Request, session: SessionDep, q: str = "") -> HTMLResponse:
    """Tracked outputs whose title contains ``q``."""
    q = q.strip()[:200]
    return page(request, "outputs.html", {"q": q, "outputs": queries.search_outputs(session, q)})


@router.get("/details/{output_id:int}", response_class=HTMLResponse)
def details_page(
    request: Request,
    session: SessionDep,
    output_id: int,
    source: str | None = None,
) -> Response:
    """The details page of an output (a merged output redirects to its survivor)."""
    row, output = _load(session, output_id)
    if row is None or output is None:
        return error_page(request, 404, f"No output with id {output_id} is tracked here.")
    moved = _survivor_redirect(request, row, output)
    if moved is not None:
        return moved
    number = _page_number(request.query_params.get("page"))
    if number is None:
        return error_page(request, 400, "page must be a whole number of at least 1.")
    try:
        view = details_view(
            session,
            output,
            version=rules_version(request),
            source=source or None,
            page=number,
            cache=app_cache(request.app.state),
        )
    except PageOutOfRange as error:
        return error_page(request, 404, str(error))
    return page(request, "details.html", {"v": view, "o": output})


@router.get("/details/{output_id:int}/mentions", response_class=HTMLResponse)
def mentions_tab(
    request: Request,
    session: SessionDep,
    output_id: int,
    source: str | None = None,
    partial: bool = False,
) -> Response:
    """One tab page of mentions: a whole page, or with ``partial=1`` the fragment alone."""
    row, output = _load(session, output_id)
    if row is None or output is None:
        return error_page(request, 404, f"No output with id {output_id} is tracked here.")
    moved = _survivor_redirect(request, row, output)
    if moved is not None:
        return moved
    number = _page_number(request.query_params.get("page"))
    if number is None:
        return error_page(request, 400, "page must be a whole number of at least 1.")
    version = rules_version(request)
    score = get_score(session, output.id, version)
    numbers = aggregates(
        session, output.id, version, score, app_cache(request.app.state), series=False
    )
    try:
        tabs = mention_tabs(session, output.id, numbers.counts, source or None, number, version)
    except PageOutOfRange as error:
        return error_page(request, 404, str(error))
    template = "_mentions.html" if partial else "mentions.html"
    return page(request, template, {"tabs": tabs, "o": output})


@router.get("/details/{output_id:int}/feed.atom")
def feed(request: Request, output_id: int, session: SessionDep) -> Response:
    """An Atom feed of the output's 50 newest mentions."""
    row, output = _load(session, output_id)
    if row is None or output is None:
        return error_page(request, 404, f"No output with id {output_id} is tracked here.")
    moved = _survivor_redirect(request, row, output)
    if moved is not None:
        return moved
    version = rules_version(request)
    rows = queries.newest_mentions(session, output.id, version)
    body = atom_feed(output, rows, str(request.base_url))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/details/{output_id:int}/explain", response_class=HTMLResponse)
def explain_page(request: Request, output_id: int, session: SessionDep) -> Response:
    """Where every point of the score comes from, mention by mention."""
    row, output = _load(session, output_id)
    if row is None or output is None:
        return error_page(request, 404, f"No output with id {output_id} is tracked here.")
    moved = _survivor_redirect(request, row, output)
    if moved is not None:
        return moved
    data = explain(session, output.id, rules_version(request))
    contributions = list(data.get("contributions") or data.get("mentions") or [])
    return page(
        request,
        "explain.html",
        {"o": output, "x": data, "contributions": contributions[:1000],
         "more": max(0, len(contributions) - 1000)},
    )  # fmt: skip


@router.get("/details/{scheme}/{identifier:path}")
def details_by_identifier(
    request: Request, scheme: str, identifier: str, session: SessionDep
) -> Response:
    """``/details/doi/10.1234/x`` → 302 to ``/details/{id}``."""
    try:
        parsed = parse(identifier, scheme.lower())
    except (IdentifierError, ValueError, KeyError) as error:
        return error_page(request, 400, f"Not a valid identifier: {error}")
    output = find_output(session, parsed.scheme, parsed.value)
    if output is None:
        return error_page(request, 404, f"No tracked output has the identifier {parsed}.")
    return RedirectResponse(f"/details/{output.id}", status_code=302)


@router.get("/evidence/{evidence_id:int}", response_class=HTMLResponse)
def evidence_page(request: Request, evidence_id: int, session: SessionDep) -> Response:
    """A stored observation shown as escaped text (never rendered), with its hash and source."""
    view = evidence_view(session, evidence_id)
    if view is None:
        return error_page(request, 404, f"No evidence with id {evidence_id} is stored here.")
    return page(request, "evidence.html", {"e": view})


@router.get("/evidence/{evidence_id:int}/raw")
def evidence_raw(request: Request, evidence_id: int, session: SessionDep) -> Response:
    """The observation's bytes as a download (never rendered by the browser)."""
    row = queries.evidence(session, evidence_id)
    if row is None:
        return error_page(request, 404, f"No evidence with id {evidence_id} is stored here.")
    return Response(
        row.body(),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="evidence-{row.id}-{row.sha256[:12]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
