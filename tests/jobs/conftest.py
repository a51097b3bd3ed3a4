"""Fixtures of the job tests: settings on the test database, an in-process engine, and worker
subprocesses that are always killed at the end of the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import jobs_sample
import pytest
from jobs_support import Workers

from altscope import jobs
from altscope.config import Settings


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings on the test database (jobs state in its sibling file or its dbos schema)."""
    jobs_sample.create_counters(db_url)
    return Settings(database_url=db_url, jobs_database_url=None, worker_concurrency=4)


@pytest.fixture
def engine_on(settings: Settings) -> Iterator[Callable[..., jobs.EngineInfo]]:
    """Starts the engine in this process (polling fast); always stops it afterwards."""

    def start(**options) -> jobs.EngineInfo:
        options.setdefault("polling_interval", 0.1)
        return jobs.start(settings, **options)

    try:
        yield start
    finally:
        jobs.stop()


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(settings.database_url, tmp_path)
    try:
        yield started
    finally:
        started.kill_all()
