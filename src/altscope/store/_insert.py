"""``INSERT ... ON CONFLICT`` for the backend a session is bound to (PostgreSQL or SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert_insert(session: Session, entity: Any) -> Any:
    """A dialect-specific insert of ``entity`` offering ``on_conflict_do_nothing/_do_update``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(entity)
    if dialect == "sqlite":
        return sqlite.insert(entity)
    raise NotImplementedError(f"altscope supports SQLite and PostgreSQL, not {dialect}")
