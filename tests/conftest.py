"""Shared fixtures: a fresh, migrated database for every test, on SQLite or PostgreSQL.

The backend comes from ``ALTSCOPE_TEST_DATABASE_URL``:

* unset: SQLite. The schema is migrated once per session into a template file, which is
  copied for each test (``tmp_path/altscope.db``).
* a ``postgresql`` URL (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``): that
  database is only used to connect; a template database is migrated once per session and each
  test gets ``CREATE DATABASE ... TEMPLATE ...``, dropped afterwards. Names start with
  ``altscope_t_<host>_<pid>_`` so parallel pytest processes never collide; databases left by
  dead processes of this host are dropped at start.

Fixtures: ``db_url``, ``engine``, ``db_session`` (the configured backend); ``sqlite_url`` (always
SQLite); ``postgres_url`` (PostgreSQL or skip). Mark a test ``@pytest.mark.postgres_only`` to
run it only when the configured backend is PostgreSQL. ``conformance_dir`` is the shared
conformance data (skips when absent).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import secrets
import shutil
import socket
import sqlite3
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from altscope.store.db import make_engine, normalize_url, session_factory
from altscope.store.migrate import upgrade

# Property tests judge results, not speed: a loaded CI machine must not fail them on time.
hypothesis_settings.register_profile("altscope", deadline=None)
hypothesis_settings.load_profile("altscope")

ROOT = Path(__file__).resolve().parents[1]
TEST_DATABASE_URL = os.environ.get("ALTSCOPE_TEST_DATABASE_URL") or None
PREPARED = 2  # PostgreSQL test databases created ahead of need


def _is_postgres(url: str | None) -> bool:
    return url is not None and make_url(url).get_backend_name() == "postgresql"


BACKEND = "postgresql" if _is_postgres(TEST_DATABASE_URL) else "sqlite"


def pytest_report_header(config: pytest.Config) -> str:
    where = make_url(TEST_DATABASE_URL).render_as_string() if TEST_DATABASE_URL else "temp files"
    return f"altscope test database: {BACKEND} ({where})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set ALTSCOPE_TEST_DATABASE_URL=postgresql+psycopg://..."
    )
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


class SQLiteTemplate:
    """A migrated SQLite file, copied for each test."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        upgrade(f"sqlite:///{self.path}")
        # Fold the write-ahead log into the file so that one file is a complete copy.
        with sqlite3.connect(self.path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()

    def create(self, directory: Path) -> str:
        target = directory / "altscope.db"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


class PostgresDatabases:
    """Creates throw-away PostgreSQL databases from a migrated template."""

    def __init__(self, url: str) -> None:
        self.url = make_url(normalize_url(url))
        host = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
        self.host_prefix = f"altscope_t_{host}_"
        self.prefix = f"{self.host_prefix}{os.getpid()}_{secrets.token_hex(3)}"
        self.admin = make_engine(
            self.url.render_as_string(hide_password=False),
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
        )
        self.numbers = itertools.count(1)
        self._drop_stale()
        self.template = f"{self.prefix}_tpl"
        self._execute(f'CREATE DATABASE "{self.template}"')
        upgrade(self.url_of(self.template))
        # Databases are made (and dropped) a few tests ahead, in the background.
        self.workers = ThreadPoolExecutor(max_workers=PREPARED, thread_name_prefix="pgtest")
        self.ready: deque[Future[str]] = deque(self._prepare() for _ in range(PREPARED))
        self.dropping: list[Future[None]] = []

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def _prepare(self) -> Future[str]:
        name = f"{self.prefix}_{next(self.numbers)}"
        return self.workers.submit(self._copy_template, name)

    def _copy_template(self, name: str) -> str:
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    def create(self) -> tuple[str, str]:
        """A fresh migrated database: (name, url)."""
        name = self.ready.popleft().result()
        self.ready.append(self._prepare())
        return name, self.url_of(name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_later(self, name: str) -> None:
        self.dropping.append(self.workers.submit(self.drop, name))

    def close(self) -> None:
        for future in self.ready:
            with contextlib.suppress(Exception):
                self.drop(future.result())
        for future in self.dropping:
            future.result()
        self.workers.shutdown()
        self.drop(self.template)
        self.admin.dispose()

    def _drop_stale(self) -> None:
        """Drop databases left behind by test processes of this host that no longer run."""
        pattern = re.compile(rf"^{re.escape(self.host_prefix)}(\d+)_")
        with self.admin.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": self.host_prefix.replace("_", r"\_") + "%"},
            ).scalars()
            stale = [n for n in names if (m := pattern.match(n)) and not _alive(int(m[1]))]
        for name in stale:
            self.drop(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SQLiteTemplate:
    return SQLiteTemplate(tmp_path_factory.mktemp("altscope-template"))


@pytest.fixture(scope="session")
def _postgres() -> Iterator[PostgresDatabases | None]:
    if not _is_postgres(TEST_DATABASE_URL):
        yield None
        return
    databases = PostgresDatabases(TEST_DATABASE_URL)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def sqlite_url(_sqlite_template: SQLiteTemplate, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database (whatever the configured backend)."""
    return _sqlite_template.create(tmp_path)


@pytest.fixture
def postgres_url(_postgres: PostgresDatabases | None) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database; skips unless the backend is PostgreSQL."""
    if _postgres is None:
        pytest.skip("needs PostgreSQL: set ALTSCOPE_TEST_DATABASE_URL=postgresql+psycopg://...")
    name, url = _postgres.create()
    try:
        yield url
    finally:
        _postgres.drop_later(name)


@pytest.fixture
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database on the configured backend (SQLite unless told otherwise)."""
    return request.getfixturevalue("postgres_url" if BACKEND == "postgresql" else "sqlite_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on ``db_url``, disposed after the test."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session on ``engine``; whatever the test does not commit is rolled back."""
    with session_factory(engine)() as session:
        yield session


@pytest.fixture
def conformance_dir() -> Path:
    """The shared conformance data (``ALTSCOPE_CONFORMANCE_DIR``); skips when absent."""
    path = Path(os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
    if not path.is_dir():
        pytest.skip(f"conformance data not found at {path}")
    return path
