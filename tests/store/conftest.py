"""Fixtures for the store tests."""

from __future__ import annotations

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
