"""Groups of outputs (departments, research groups, people, collections ...), nestable."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.merge import canonical
from altscope.store.schema import Group, Output, group_outputs
from altscope.store.types import utcnow


def ensure_group(
    session: Session,
    kind: str,
    name: str,
    *,
    external_key: str | None = None,
    parent: Group | None = None,
) -> Group:
    """The group identified by (kind, external_key) — or, without a key, (kind, name, parent).

    Created when missing; the name and parent of a keyed group are brought up to date.
    """
    parent_id = parent.id if parent is not None else None
    if external_key is None:
        group = session.scalar(
            select(Group).where(
                Group.kind == kind,
                Group.name == name,
                Group.external_key.is_(None),
                Group.parent_id.is_(None) if parent_id is None else Group.parent_id == parent_id,
            )
        )
        if group is None:
            group = Group(kind=kind, name=name, parent_id=parent_id)
            session.add(group)
            session.flush()
        return group
    insert = upsert_insert(session, Group).values(
        kind=kind, name=name, external_key=external_key, parent_id=parent_id, created_at=utcnow()
    )
    session.execute(insert.on_conflict_do_nothing(index_elements=["kind", "external_key"]))
    group = session.scalars(
        select(Group).where(Group.kind == kind, Group.external_key == external_key)
    ).one()
    if group.name != name:
        group.name = name
    if parent is not None and group.parent_id != parent_id:
        group.parent_id = parent_id
    session.flush()
    return group


def add_to_group(session: Session, group: Group, output: Output | int) -> bool:
    """Put ``output`` in ``group``; ``False`` when it already was."""
    row = canonical(session, output)
    insert = upsert_insert(session, group_outputs).values(
        group_id=group.id, output_id=row.id, added_at=utcnow()
    )
    added = session.execute(
        insert.on_conflict_do_nothing().returning(group_outputs.c.group_id)
    ).scalar()
    session.expire(row, ["groups"])
    session.expire(group, ["outputs"])
    return added is not None


def remove_from_group(session: Session, group: Group, output: Output | int) -> bool:
    """Take ``output`` out of ``group``; ``False`` when it was not in it."""
    row = canonical(session, output)
    result = session.execute(
        delete(group_outputs).where(
            group_outputs.c.group_id == group.id, group_outputs.c.output_id == row.id
        )
    )
    session.expire(row, ["groups"])
    session.expire(group, ["outputs"])
    return result.rowcount == 1
