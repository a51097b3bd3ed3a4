"""Jobs used by the job tests, in the test process and in worker subprocesses
(``--import jobs_sample`` with this folder on ``PYTHONPATH``).

Effects go to a ``jobs_test_counters`` table of the application database, so a test can watch
them from outside the worker.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from altscope.jobs import job, step, transaction
from altscope.store.db import make_engine

COUNTERS = "jobs_test_counters"

#: Start times of the attempts of ``flaky`` per token (in-process tests only).
ATTEMPTS: dict[str, list[float]] = {}


def create_counters(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {COUNTERS} "
                    "(name VARCHAR(200) PRIMARY KEY, value INTEGER NOT NULL)"
                )
            )
    finally:
        engine.dispose()


def counter(url: str, name: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            value = connection.execute(
                text(f"SELECT value FROM {COUNTERS} WHERE name = :name"), {"name": name}
            ).scalar()
    finally:
        engine.dispose()
    return value or 0


@transaction()
def bump(session: Session, name: str) -> int:
    """Add one to counter ``name`` (creating it) and return its new value."""
    updated = session.execute(
        text(f"UPDATE {COUNTERS} SET value = value + 1 WHERE name = :name"), {"name": name}
    )
    if updated.rowcount == 0:
        session.execute(
            text(f"INSERT INTO {COUNTERS} (name, value) VALUES (:name, 1)"), {"name": name}
        )
    return session.execute(
        text(f"SELECT value FROM {COUNTERS} WHERE name = :name"), {"name": name}
    ).scalar_one()


@step()
def wait_for_file(path: str, timeout: float = 120.0) -> None:
    """Block until ``path`` exists."""
    deadline = time.monotonic() + timeout
    while not Path(path).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.05)


@job("jobs_test.bump_then_wait")
def bump_then_wait(name: str, gate: str) -> int:
    """Bump a counter, then wait for a file to appear."""
    value = bump(name)
    wait_for_file(gate)
    return value


@job("jobs_test.bump")
def bump_job(name: str) -> int:
    """Bump a counter."""
    return bump(name)


@job("jobs_test.fan_out")
def fan_out(name: str, children: int) -> list[str]:
    """Enqueue ``children`` bump jobs for the workers."""
    from altscope.jobs import enqueue

    return [enqueue("jobs_test.bump", name) for _ in range(children)]


@step(retries=2, interval=0.2, backoff=2.0)
def flaky(token: str, failures: int) -> int:
    """Fail the first ``failures`` times it is called for ``token``."""
    ATTEMPTS.setdefault(token, []).append(time.monotonic())
    if len(ATTEMPTS[token]) <= failures:
        raise RuntimeError(f"attempt {len(ATTEMPTS[token])} fails on purpose")
    return len(ATTEMPTS[token])


@job("jobs_test.flaky")
def flaky_job(token: str, failures: int) -> int:
    """Run a step that fails ``failures`` times before it works."""
    return flaky(token, failures)
