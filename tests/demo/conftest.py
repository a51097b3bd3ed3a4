"""One small demo database per test session (built once: building is the slow part)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from altscope.demo.pipeline import BuildReport, build_demo
from altscope.store.db import make_engine

#: A fixed "now", so that the built data is the same on every run and every day.
NOW = datetime(2026, 5, 4, tzinfo=UTC)
SCALE = 0.1  # ~40 outputs, ~800 posts: the whole pipeline in seconds


@dataclass
class BuiltDemo:
    url: str
    engine: Engine
    report: BuildReport


@pytest.fixture(scope="session")
def built_demo(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[BuiltDemo]:
    """A demo database built at :data:`SCALE` on the configured backend, shared read-only."""
    name = None
    databases = request.getfixturevalue("_postgres")  # None unless testing on PostgreSQL
    if databases is not None:
        name, url = databases.create()
    else:
        template = request.getfixturevalue("_sqlite_template")
        url = template.create(tmp_path_factory.mktemp("demo"))
    engine = make_engine(url)
    try:
        yield BuiltDemo(url, engine, build_demo(engine, now=NOW, scale=SCALE))
    finally:
        engine.dispose()
        if name is not None:
            databases.drop_later(name)
