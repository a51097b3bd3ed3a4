"""Migrations bring a database to the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import inspect, text

from altscope.store import migrate
from altscope.store.db import make_engine

TABLES = {
    "outputs",
    "identifiers",
    "authors",
    "groups",
    "group_outputs",
    "sources",
    "actors",
    "evidence",
    "mentions",
    "metric_snapshots",
    "cursors",
}


def test_fixture_database_is_at_head(db_url: str) -> None:
    assert migrate.current(db_url) == migrate.head()


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    assert migrate.diff(db_url) == []


def test_drift_is_noticed(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_mentions_output_id_occurred_at"))
    engine.dispose()
    differences = migrate.diff(db_url)
    assert any("ix_mentions_output_id_occurred_at" in repr(d) for d in differences)


def test_job_engine_tables_are_not_drift(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as connection:
        for name in migrate.JOB_ENGINE_TABLES:
            connection.execute(text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE not_ours (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    differences = [repr(d) for d in migrate.diff(db_url)]
    assert differences  # a table of nobody's is still drift
    assert all("not_ours" in d for d in differences)


def test_upgrade_from_nothing_then_again(empty_db_url: str) -> None:
    assert migrate.current(empty_db_url) is None

    first = migrate.upgrade(empty_db_url)
    assert first.before is None
    assert first.after == migrate.head()
    assert [r.id for r in first.applied][-1] == migrate.head()
    assert "initial" in first.applied[0].message

    engine = make_engine(empty_db_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
    assert migrate.diff(empty_db_url) == []

    second = migrate.upgrade(empty_db_url)
    assert second.before == second.after == migrate.head()
    assert second.applied == []


def test_sqlite_uses_wal_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_concurrent_upgrades_take_turns(empty_db_url: str) -> None:
    """Worker processes starting together may all run ``upgrade``; one migrates, none fails."""
    results: list[migrate.UpgradeResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def run() -> None:
        start.wait()
        try:
            results.append(migrate.upgrade(empty_db_url))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(len(r.applied) > 0 for r in results) == [False, False, True]
    assert migrate.current(empty_db_url) == migrate.head()
