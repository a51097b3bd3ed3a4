"""Web fixtures: a populated database, the app, a TestClient and a live uvicorn server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from altscope.web.app import create_app
from support import web_sample as sample
from support.live_server import live_server as serve
from support.web_settings import settings


@pytest.fixture
def sample_ids(engine: Engine) -> dict[str, int]:
    """Fill the test database with :mod:`support.web_sample`: the output ids by name."""
    return sample.build(engine)


@pytest.fixture
def app_engine(engine: Engine, sample_ids: dict[str, int]) -> Engine:
    """The populated test database."""
    return engine


@pytest.fixture
def app(app_engine: Engine):
    return create_app(app_engine, settings=settings())


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a free port): its base URL."""
    with serve(app) as base_url:
        yield base_url
