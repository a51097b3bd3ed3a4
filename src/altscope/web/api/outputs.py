"""Native API: one output by its id or any identifier, and what is known about its attention.

Every resource exists twice: ``/api/outputs/{id}/...`` (altscope's output id) and
``/api/outputs/{scheme}/{identifier}/...`` (identifier unencoded, e.g.
``/api/outputs/doi/10.1038/nature12373/mentions``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from altscope import ids, scoring
from altscope.store.outputs import canonical, find_output
from altscope.store.schema import Mention, MentionFlag, Output, Source
from altscope.web.api.models import (
    CategoriesOut,
    ContextOut,
    ExplainOut,
    HistoryOut,
    MentionPage,
    OutputOut,
    PeopleOut,
    ScoreOut,
    SourceOut,
)
from altscope.web.api.serialize import JSONBytes, details_url
from altscope.web.deps import SessionDep, base_url, rules_version

router = APIRouter(prefix="/api", tags=["outputs"], default_response_class=JSONBytes)

MAX_IDENTIFIER = 1000
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed identifier or parameter"},
    404: {"description": "No such output (or nothing of this kind known about it)"},
    429: {"description": "Rate limited"},
}


def output_by_id(
    output_id: Annotated[int, Path(description="altscope's output id")],
    session: SessionDep,
) -> Output:
    """The canonical output with this id (merged outputs lead to the survivor)."""
    if not 0 < output_id < 2**63:
        raise HTTPException(404, f"no output {output_id}")
    output = session.get(Output, output_id)
    if output is None:
        raise HTTPException(404, f"no output {output_id}")
    return canonical(session, output)


def output_by_identifier(
    scheme: Annotated[str, Path(description="doi, pmid, arxiv, isbn, handle ...")],
    identifier: Annotated[str, Path(description="The identifier, unencoded (a DOI keeps its '/')")],
    session: SessionDep,
) -> Output:
    """The output known by ``scheme:identifier``; 400 when malformed, 404 when unknown."""
    scheme = scheme.lower()
    if scheme not in ids.SCHEMES:
        raise HTTPException(404, f"unknown identifier scheme {scheme!r}")
    if len(identifier) > MAX_IDENTIFIER:
        raise HTTPException(400, "identifier too long")
    try:
        value = ids.parse(identifier, scheme).value
    except ValueError as error:
        raise HTTPException(400, str(error)) from None
    output = find_output(session, scheme, value)
    if output is None:
        raise HTTPException(404, f"no output known by {scheme}:{value}")
    return output


def _both(suffix: str, **route: Any) -> Callable[[Callable], Callable]:
    """Register an endpoint taking ``output`` under the id path and the identifier path."""

    def register(endpoint: Callable) -> Callable:
        signature = inspect.signature(endpoint)
        for path, dependency, name in (
            ("/outputs/{output_id:int}", output_by_id, "by_id"),
            ("/outputs/{scheme}/{identifier:path}", output_by_identifier, "by_identifier"),
        ):
            parameters = [
                p.replace(
                    kind=inspect.Parameter.KEYWORD_ONLY,
                    default=Depends(dependency) if p.name == "output" else p.default,
                )
                for p in signature.parameters.values()
            ]

            @functools.wraps(endpoint)
            def variant(**kwargs: Any) -> Any:
                return endpoint(**kwargs)

            variant.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
            router.add_api_route(
                path + suffix,
                variant,
                methods=["GET"],
                operation_id=f"{endpoint.__name__}_{name}",
                responses=ERRORS,
                **route,
            )
        return endpoint

    return register


def _score_of(session: Session, output: Output, version: str) -> Any:
    score = scoring.get_score(session, output.id, version)
    if score is None:
        raise HTTPException(404, f"output {output.id} has no score under {version}")
    return score


# Sub-resources first: "/outputs/doi/10.1/x/mentions" must not read as the DOI "10.1/x/mentions".


@_both("/mentions", response_model=MentionPage, summary="Mentions of an output, newest first")
def mentions(
    output: Output,
    request: Request,
    session: SessionDep,
    source: Annotated[str | None, Query(max_length=64, description="Source key")] = None,
    since: Annotated[date | None, Query(description="From day (UTC)")] = None,
    until: Annotated[date | None, Query(description="To day (UTC)")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Any:
    """Non-removed mentions with their actor, match method and evidence; ``flag`` is set on
    those anomaly detection excluded from the score."""
    version = rules_version(request)
    conditions = [Mention.output_id == output.id, Mention.removed_at.is_(None)]
    if source:
        conditions.append(Source.key == source)
    if since:
        conditions.append(Mention.occurred_at >= datetime.combine(since, time(), tzinfo=UTC))
    if until:
        end = datetime.combine(until, time.max, tzinfo=UTC)
        conditions.append(Mention.occurred_at <= end)
    joined = select(Mention.id).join(Source, Source.id == Mention.source_id).where(*conditions)
    total = session.execute(select(func.count()).select_from(joined.subquery())).scalar_one()
    rows = session.execute(
        select(Mention, MentionFlag)
        .join(Source, Source.id == Mention.source_id)
        .outerjoin(
            MentionFlag,
            and_(MentionFlag.mention_id == Mention.id, MentionFlag.rules_version == version),
        )
        .options(joinedload(Mention.actor), joinedload(Mention.source))
        .where(*conditions)
        .order_by(Mention.occurred_at.desc().nulls_last(), Mention.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    results = []
    for mention, flag in rows:
        actor = mention.actor
        results.append(
            {
                "id": mention.id,
                "source": mention.source.key,
                "source_name": mention.source.name,
                "occurred_at": mention.occurred_at,
                "harvested_at": mention.harvested_at,
                "url": mention.url,
                "title": mention.title,
                "snippet": mention.snippet,
                "actor": None
                if actor is None
                else {
                    "id": actor.id,
                    "name": actor.name,
                    "handle": actor.handle,
                    "url": actor.url,
                    "kind": actor.kind,
                    "country": actor.country,
                },
                "match_method": mention.match_method,
                "match_verification": mention.match_verification,
                "evidence_id": mention.evidence_id,
                "landing_evidence_id": mention.landing_evidence_id,
                "flag": None if flag is None else {"kind": flag.kind, "reason": flag.reason},
            }
        )
    return {"total": total, "page": page, "per_page": per_page, "results": results}


@_both("/score", response_model=ScoreOut, summary="Score, per-source totals, categories, flags")
def score(output: Output, request: Request, session: SessionDep) -> Any:
    """The output's rollup under the configured rules version."""
    row = _score_of(session, output, rules_version(request))
    return {
        "output_id": output.id,
        "rules_version": row.rules_version,
        "score": row.score,
        "display_score": row.display_score,
        "posts": row.posts,
        "accounts": row.accounts,
        "computed_at": row.computed_at,
        "sources": row.sources,
        "categories": row.categories,
        "history": row.history,
        "context": row.context,
        "flags": row.flags,
        "first_seen_at": row.first_seen_at,
        "last_mention_at": row.last_mention_at,
    }


@_both("/explain", response_model=ExplainOut, summary="Where every point of the score comes from")
def explain(output: Output, request: Request, session: SessionDep) -> Any:
    """Per-mention contributions: rule, base weight, modifiers, points, exclusion reason."""
    version = rules_version(request)
    _score_of(session, output, version)
    return {"output_id": output.id, **scoring.explain(session, output.id, version)}


@_both("/history", response_model=HistoryOut, summary="Score history: windows and daily series")
def history(output: Output, request: Request, session: SessionDep) -> Any:
    version = rules_version(request)
    row = _score_of(session, output, version)
    return {
        "output_id": output.id,
        "rules_version": row.rules_version,
        "windows": row.history,
        "daily": scoring.daily_series(session, output.id, version),
    }


@_both("/context", response_model=ContextOut, summary="Score in context (all, journal, age)")
def context(output: Output, request: Request, session: SessionDep) -> Any:
    row = _score_of(session, output, rules_version(request))
    return {"output_id": output.id, "rules_version": row.rules_version, "context": row.context}


@_both("/people", response_model=PeopleOut, summary="Who mentions it: kinds and countries")
def people(output: Output, session: SessionDep) -> Any:
    found = scoring.demographics(session, output.id)
    return {
        "output_id": output.id,
        "kinds": found.get("kinds", {}),
        "countries": found.get("countries", {}),
    }


@_both("/categories", response_model=CategoriesOut, summary="PlumX-style category counts")
def categories(output: Output, request: Request, session: SessionDep) -> Any:
    row = _score_of(session, output, rules_version(request))
    return {
        "output_id": output.id,
        "rules_version": row.rules_version,
        "categories": row.categories,
    }


@_both("", response_model=OutputOut, summary="An output: metadata, identifiers, score summary")
def output(output: Output, request: Request, session: SessionDep) -> Any:
    base = base_url(request)
    version = rules_version(request)
    row = scoring.get_score(session, output.id, version)
    api = f"{base}/api/outputs/{output.id}"
    return {
        "id": output.id,
        "title": output.title,
        "journal": output.container_title,
        "issns": output.issns or [],
        "publisher": output.publisher,
        "type": output.type,
        "published": output.published,
        "subjects": output.subjects or [],
        "abstract": output.abstract,
        "url": output.url,
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in output.identifiers],
        "authors": [
            {"name": a.name, "orcid": a.orcid, "affiliations": a.affiliations or []}
            for a in output.authors
        ],
        "score": None
        if row is None
        else {
            "rules_version": row.rules_version,
            "score": row.score,
            "display_score": row.display_score,
            "posts": row.posts,
            "accounts": row.accounts,
            "computed_at": row.computed_at,
        },
        "details_url": details_url(base, output.id),
        "links": {
            "self": api,
            "details": details_url(base, output.id),
            "badge": f"{base}/badge/id/{output.id}.svg",
            **{
                name: f"{api}/{name}"
                for name in (
                    "mentions",
                    "score",
                    "explain",
                    "history",
                    "context",
                    "people",
                    "categories",
                )
            },
        },
    }


@router.get("/sources", response_model=list[SourceOut], tags=["sources"], summary="Sources")
def sources(session: SessionDep) -> Any:
    """Every registered source of attention."""
    rows = session.scalars(select(Source).order_by(Source.key))
    return [
        {"key": s.key, "name": s.name, "category": s.category, "active": s.active} for s in rows
    ]
