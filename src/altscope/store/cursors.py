"""Cursors and checkpoints: a named JSON value (stream position, last harvest time ...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.schema import Cursor
from altscope.store.types import utcnow


def get_cursor(session: Session, name: str, default: Any = None) -> Any:
    """The value stored under ``name``, or ``default`` when there is none."""
    row = session.execute(select(Cursor.value).where(Cursor.name == name)).first()
    return default if row is None else row.value


def set_cursor(session: Session, name: str, value: Any) -> None:
    """Store ``value`` (anything JSON can hold) under ``name``, replacing what was there."""
    insert = upsert_insert(session, Cursor).values(name=name, value=value, updated_at=utcnow())
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["name"],
            set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
        )
    )
