"""Native API: groups (departments, people, collections ...) and their outputs, by score."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from altscope.store.schema import Group, Output, OutputScore, group_outputs
from altscope.web.api.models import GroupDetail, GroupPage, ScoredOutputPage
from altscope.web.api.serialize import JSONBytes, details_url
from altscope.web.deps import SessionDep, base_url, rules_version

router = APIRouter(prefix="/api/groups", tags=["groups"], default_response_class=JSONBytes)
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such group"},
    429: {"description": "Rate limited"},
}


def _sizes(session: Session, group_ids: list[int]) -> dict[int, int]:
    if not group_ids:
        return {}
    rows = session.execute(
        select(group_outputs.c.group_id, func.count())
        .where(group_outputs.c.group_id.in_(group_ids))
        .group_by(group_outputs.c.group_id)
    )
    return {group_id: count for group_id, count in rows}


def _group(group: Group, sizes: dict[int, int]) -> dict[str, Any]:
    return {
        "id": group.id,
        "kind": group.kind,
        "name": group.name,
        "external_key": group.external_key,
        "parent_id": group.parent_id,
        "outputs": sizes.get(group.id, 0),
    }


def _get(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id) if 0 < group_id < 2**63 else None
    if group is None:
        raise HTTPException(404, f"no group {group_id}")
    return group


@router.get("", response_model=GroupPage, responses=ERRORS, summary="Groups")
def groups(
    session: SessionDep,
    kind: Annotated[str | None, Query(max_length=32, description="Group kind")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    """Every group (or those of one kind), by name."""
    condition = [Group.kind == kind] if kind else []
    total = session.execute(select(func.count(Group.id)).where(*condition)).scalar_one()
    rows = list(
        session.scalars(
            select(Group)
            .where(*condition)
            .order_by(Group.name, Group.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    sizes = _sizes(session, [g.id for g in rows])
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "results": [_group(g, sizes) for g in rows],
    }


@router.get("/{group_id}", response_model=GroupDetail, responses=ERRORS, summary="A group")
def group(group_id: int, session: SessionDep) -> Any:
    """A group, its size and its sub-groups."""
    found = _get(session, group_id)
    children = list(session.scalars(select(Group).where(Group.parent_id == found.id)))
    sizes = _sizes(session, [found.id, *(c.id for c in children)])
    return {**_group(found, sizes), "children": [_group(c, sizes) for c in children]}


@router.get(
    "/{group_id}/outputs",
    response_model=ScoredOutputPage,
    responses=ERRORS,
    summary="A group's outputs, highest score first",
)
def group_outputs_page(
    group_id: int,
    request: Request,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    found = _get(session, group_id)
    version = rules_version(request)
    members = group_outputs.c.group_id == found.id
    total = session.execute(select(func.count()).where(members)).scalar_one()
    rows = session.execute(
        select(Output, OutputScore)
        .join(group_outputs, group_outputs.c.output_id == Output.id)
        .outerjoin(
            OutputScore,
            and_(OutputScore.output_id == Output.id, OutputScore.rules_version == version),
        )
        .options(selectinload(Output.identifiers))
        .where(members)
        .order_by(OutputScore.score.desc().nulls_last(), Output.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    base = base_url(request)
    results = [
        {
            "id": output.id,
            "title": output.title,
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in output.identifiers],
            "score": None if score is None else score.score,
            "display_score": None if score is None else score.display_score,
            "posts": 0 if score is None else score.posts,
            "details_url": details_url(base, output.id),
        }
        for output, score in rows
    ]
    return {"total": total, "page": page, "per_page": per_page, "results": results}
