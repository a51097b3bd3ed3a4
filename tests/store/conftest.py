"""Fixtures for the store tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from store_helpers import SOURCES

from altscope.store.schema import Source
from altscope.store.sources import ensure_sources


@pytest.fixture
def sources(db_session: Session) -> dict[str, Source]:
    """Three registered, committed sources."""
    registered = ensure_sources(db_session, SOURCES)
    db_session.commit()
    return registered


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that was never migrated, on the configured backend."""
    postgres = request.getfixturevalue("_postgres")
    if postgres is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"{postgres.prefix}_empty"
    postgres._execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres.url_of(name)
    finally:
        postgres.drop(name)
