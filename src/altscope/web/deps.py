"""Request dependencies: the database session, the rules version, the public base URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    """A read-mostly session for one request, bound to the app's engine."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def rules_version(request: Request) -> str:
    """The rules version whose scores the app shows (``scoring_version`` setting)."""
    return request.app.state.rules_version


def base_url(request: Request) -> str:
    """Where the server is reached: ``public_base_url``, else the address the request came to."""
    configured = request.app.state.settings.public_base_url
    return (configured or str(request.base_url)).rstrip("/")
