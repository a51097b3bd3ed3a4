"""Request dependencies: the database session of a request."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    """A read-mostly session for one request, bound to the app's engine."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session
