"""Starting and stopping the job engine (DBOS) from the settings.

The engine keeps its own state — jobs, their checkpoints, the queue, the schedules — in a *jobs
database*: ``settings.jobs_database_url`` when set; otherwise, on PostgreSQL, the application
database itself (DBOS keeps its tables in the ``dbos`` schema); on SQLite, a sibling file of the
application database (``altscope.db`` → ``altscope.jobs.db``). A sibling file rather than the
same file because SQLite admits one writer per file: the engine writes a little every time a
worker polls the queue or finishes a step, and in its own file that never waits behind (or
holds up) a long import; its tables also stay out of the application schema, and its history
can be deleted without touching any data. Database steps (:func:`~altscope.jobs.transaction`)
record their checkpoint in the application database, next to their writes, so that the two
commit together.

DBOS is one object per process; :func:`start` is idempotent and :func:`stop` undoes it.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dbos import DBOS, DBOSConfig, SQLAlchemyDatasource
from dbos import error as dbos_error
from sqlalchemy.engine import make_url

from altscope import __version__
from altscope.config import Settings, get_settings
from altscope.jobs import registry
from altscope.jobs.registry import JobError, Schedule
from altscope.store.db import normalize_url

log = logging.getLogger(__name__)

#: Name of the application in the jobs database; workflows, queues and schedules carry it.
APP_NAME = "altscope"
#: The queue workers consume.
QUEUE_NAME = "altscope"
#: Worker id used when none is given; a worker restarted with the same id resumes its jobs.
DEFAULT_WORKER_ID = "local"
#: Modules that declare altscope's own jobs; imported before the engine starts.
JOB_MODULES = ("altscope.jobs.tasks",)


@dataclass(frozen=True)
class EngineInfo:
    """What a running engine was started with."""

    system_database_url: str
    application_database_url: str
    worker_id: str
    listening: bool


_lock = threading.RLock()
_info: EngineInfo | None = None
_settings: Settings | None = None
_datasource: SQLAlchemyDatasource | None = None


def describe_error(error: BaseException) -> str:
    """A one-line account of why a job failed, naming the underlying error."""
    if isinstance(error, dbos_error.DBOSMaxStepRetriesExceeded) and error.errors:
        last = error.errors[-1]
        return (
            f"step {error.step_name} failed {len(error.errors)} times; "
            f"last error: {type(last).__name__}: {last}"
        )
    message = re.sub(r"^DBOS Error( \d+)?: ", "", str(error))
    return f"{type(error).__name__}: {message}".splitlines()[0]


class _OneLineErrors(logging.Filter):
    """Shorten the engine's warnings about failed steps to one line (tracebacks only at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {describe_error(record.exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


_one_line_errors = _OneLineErrors()


def _configure_logging(log_level: str) -> None:
    engine_logger = logging.getLogger("dbos")
    if log_level.upper() == "DEBUG":
        engine_logger.removeFilter(_one_line_errors)
    elif _one_line_errors not in engine_logger.filters:
        engine_logger.addFilter(_one_line_errors)


def system_database_url(settings: Settings) -> str:
    """The URL of the jobs database for ``settings`` (see the module docstring)."""
    if settings.jobs_database_url:
        return normalize_url(settings.jobs_database_url)
    url = make_url(normalize_url(settings.database_url))
    if url.get_backend_name() != "sqlite":
        return url.render_as_string(hide_password=False)
    if not url.database or url.database == ":memory:":
        raise JobError(
            "jobs need a database file: use a SQLite file or PostgreSQL for database_url, "
            "or set ALTSCOPE_JOBS_DATABASE_URL"
        )
    path = Path(url.database)
    sibling = path.with_name(f"{path.stem}.jobs{path.suffix or '.db'}")
    return url.set(database=str(sibling)).render_as_string(hide_password=False)


def display_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _prepare_sqlite_file(url: str) -> None:
    """Create the file's folder and switch it to WAL, so readers never block the worker."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def prepare_system_database(url: str) -> None:
    """Create or migrate the jobs database (idempotent; also done by :func:`start`)."""
    if make_url(url).get_backend_name() == "sqlite":
        _prepare_sqlite_file(url)
    DBOS.migrate(url)


def import_job_modules(modules: Iterable[str] = ()) -> None:
    """Import the modules that declare jobs, so that every worker knows the same ones."""
    for module in (*JOB_MODULES, *modules):
        importlib.import_module(module)


def start(
    settings: Settings | None = None,
    *,
    worker_id: str | None = None,
    concurrency: int | None = None,
    listen: bool = True,
    schedules: bool | Iterable[Schedule] = False,
    modules: Iterable[str] = (),
    polling_interval: float = 1.0,
    log_level: str = "WARNING",
) -> EngineInfo:
    """Start the job engine in this process (idempotent).

    ``worker_id`` names this process in the jobs database: on start it resumes the jobs a
    previous process with the same id left unfinished. It defaults to ``local`` (the default
    worker's id) when listening, and to a name of its own otherwise, so that a script or a web
    process never takes over a worker's jobs. ``listen`` makes it run jobs from the
    queue, at most ``concurrency`` at once (``settings.worker_concurrency`` by default), polling
    every ``polling_interval`` seconds. ``schedules=True`` installs the declared cron schedules
    (a list installs just those).
    """
    global _info, _settings, _datasource
    settings = settings or get_settings()
    if worker_id is None:
        worker_id = DEFAULT_WORKER_ID if listen else f"{socket.gethostname()}-{os.getpid()}"
    with _lock:
        sys_url = system_database_url(settings)
        app_url = normalize_url(settings.database_url)
        wanted = EngineInfo(sys_url, app_url, worker_id, listen)
        if _info is not None:
            if _info == wanted:
                return _info
            raise JobError("the job engine is already running with other settings; stop it first")
        import_job_modules(modules)
        _configure_logging(log_level)
        if make_url(sys_url).get_backend_name() == "sqlite":
            _prepare_sqlite_file(sys_url)
        config: DBOSConfig = {
            "name": APP_NAME,
            "system_database_url": sys_url,
            "executor_id": worker_id,
            "application_version": __version__,
            "log_level": log_level,
        }
        _info, _settings = wanted, settings
        try:
            DBOS(config=config)
            # Between construction and launch: DBOS wants datasources declared before launch,
            # and recovered jobs may start as soon as it is up.
            _datasource = SQLAlchemyDatasource.create(app_url)
            if not listen:
                DBOS.listen_queues([])
            DBOS.launch()
            DBOS.register_queue(
                QUEUE_NAME,
                worker_concurrency=concurrency or settings.worker_concurrency,
                polling_interval_sec=polling_interval,
                on_conflict="always_update",
            )
            if schedules is True:
                install_schedules(registry.schedules())
            elif schedules:
                install_schedules(list(schedules))
        except BaseException:
            _shutdown(0)
            raise
        log.info("job engine started as worker %s on %s", worker_id, display_url(sys_url))
        return _info


def install_schedules(wanted: list[Schedule]) -> None:
    """Make the jobs database hold exactly these schedules."""
    for entry in wanted:
        registry.get_job(entry.job)
    DBOS.apply_schedules(
        [
            {
                "schedule_name": entry.name,
                "workflow_fn": registry.run_scheduled,
                "schedule": entry.cron,
                "context": {"job": entry.job, "args": list(entry.args)},
                "queue_name": QUEUE_NAME,
            }
            for entry in wanted
        ]
    )
    names = {entry.name for entry in wanted}
    for existing in DBOS.list_schedules(application_name=APP_NAME):
        if existing["schedule_name"] not in names:
            DBOS.delete_schedule(existing["schedule_name"])


def stop(grace: float = 0) -> None:
    """Stop the engine, waiting up to ``grace`` seconds for running jobs to finish.

    Jobs still running are left as they are and resume when a worker with the same id starts.
    """
    with _lock:
        if _info is not None:
            _shutdown(grace)


def _shutdown(grace: float) -> None:
    global _info, _settings, _datasource
    try:
        DBOS.destroy(workflow_completion_timeout_sec=int(grace + 0.999))
    finally:
        if _datasource is not None:
            _datasource.engine.dispose()
        _info = _settings = _datasource = None


def is_running() -> bool:
    """Whether the engine runs in this process."""
    return _info is not None


def info() -> EngineInfo:
    """What the running engine was started with."""
    if _info is None:
        raise JobError("the job engine is not running in this process")
    return _info


def current_settings() -> Settings:
    """The settings of the running engine, else the process-wide settings."""
    return _settings if _settings is not None else get_settings()


def datasource() -> SQLAlchemyDatasource:
    """The application database as seen by database steps."""
    if _datasource is None:
        raise JobError("the job engine is not running; start it or run `altscope worker`")
    return _datasource


@contextmanager
def running(settings: Settings | None = None, **options) -> Iterator[EngineInfo]:
    """Run the engine for the duration of a ``with`` block (stops it only if it started it)."""
    already = is_running()
    engine_info = start(settings, **options)
    try:
        yield engine_info
    finally:
        if not already:
            stop()
