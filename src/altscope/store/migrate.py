"""Schema migrations (Alembic, shipped inside the package, driven from code: no alembic.ini).

    upgrade(url)   bring a database to the newest schema (creates a SQLite file if needed)
    current(url)   the revision a database is at (None when never migrated)
    head()         the newest revision shipped
    diff(url)      differences between the models and a database (empty when in step)

New revision after changing ``schema.py``::

    python -m altscope.store.migrate revision "what changed"
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from altscope.store.db import is_sqlite, make_engine, retry_on_conflict
from altscope.store.schema import Base
from altscope.store.types import UTCDateTime

MIGRATIONS = Path(__file__).with_name("migrations")
#: PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK_KEY = 0x616C7473636F7065 >> 1  # "altscope", as a positive bigint


#: Tables the job engine (DBOS) keeps beside ours for exactly-once steps; not our schema.
JOB_ENGINE_TABLES = frozenset({"datasource_outputs", "dbos_datasource_migrations"})


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    return not (type_ == "table" and name in JOB_ENGINE_TABLES)


@dataclass(frozen=True, slots=True)
class Revision:
    id: str
    message: str


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    """What :func:`upgrade` did: the revision before and after, and the revisions applied."""

    before: str | None
    after: str | None
    applied: list[Revision] = field(default_factory=list)


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write :class:`UTCDateTime` columns as plain ``sa.DateTime(timezone=True)``."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure_context(context: Any, connection: Connection) -> None:
    """Configure an Alembic context (called from ``migrations/env.py``)."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=_ours,
    )


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision shipped with this version of altscope."""
    revision = _scripts().get_current_head()
    assert revision is not None, "no migrations shipped"
    return revision


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def current(url: str) -> str | None:
    """The revision the database at ``url`` is at; ``None`` when it was never migrated."""
    with _engine(url) as engine, engine.connect() as connection:
        return _current(connection)


def _between(before: str | None, after: str | None) -> list[Revision]:
    if after is None or before == after:
        return []
    scripts = _scripts().iterate_revisions(after, before or "base")
    return [Revision(s.revision, s.doc or "") for s in reversed(list(scripts))]


def upgrade(url: str, revision: str = "head") -> UpgradeResult:
    """Migrate the database at ``url`` up to ``revision`` in one transaction.

    A transient lock conflict (processes starting together on a new SQLite file) is retried.
    """
    return retry_on_conflict(lambda: _upgrade_once(url, revision))


def _upgrade_once(url: str, revision: str) -> UpgradeResult:
    with _engine(url) as engine, engine.connect() as connection:
        sqlite = is_sqlite(str(engine.url))
        if sqlite:
            # Batch migrations copy tables; foreign keys must be off while they do.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if sqlite:
                    # Make DDL transactional and take the write lock before reading the version.
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    # Processes starting together migrate one after the other.
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                before = _current(connection)
                command.upgrade(_config(connection), revision)
                after = _current(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    return UpgradeResult(before, after, _between(before, after))


def diff(url: str) -> list[Any]:
    """Differences Alembic finds between the models and the database (``[]`` when in step)."""
    with _engine(url) as engine, engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": _render_item, "include_name": _ours},
        )
        return compare_metadata(context, Base.metadata)


def _new_revision(message: str) -> None:
    """Autogenerate a revision from the models against a scratch SQLite database at head."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
        upgrade(url)
        with _engine(url) as engine, engine.begin() as connection:
            command.revision(_config(connection), message=message, autogenerate=True)


if __name__ == "__main__":  # pragma: no cover - developer tool
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m altscope.store.migrate revision "message"')
    _new_revision(sys.argv[2])
