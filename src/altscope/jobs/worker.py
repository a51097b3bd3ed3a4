"""A worker process: runs queued and scheduled jobs until told to stop."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType

from altscope.config import Settings
from altscope.jobs import engine
from altscope.jobs.engine import EngineInfo, display_url
from altscope.jobs.registry import JobError
from altscope.store import migrate


def run_worker(
    settings: Settings,
    *,
    worker_id: str = engine.DEFAULT_WORKER_ID,
    concurrency: int | None = None,
    grace: float = 30.0,
    modules: Iterable[str] = (),
    polling_interval: float = 1.0,
    log_level: str = "WARNING",
    stop: threading.Event | None = None,
    on_ready: Callable[[EngineInfo], None] | None = None,
) -> None:
    """Run jobs until ``stop`` is set or the process gets SIGINT or SIGTERM.

    The application database must be migrated to the current schema (``altscope db upgrade``).
    On start the worker resumes the jobs an earlier worker with the same ``worker_id`` left
    unfinished, installs the cron schedules and consumes the queue. On stop it takes no new
    jobs and waits up to ``grace`` seconds for running ones; those still running then resume
    when a worker with the same id starts again. A second signal stops at once.
    """
    check_schema(settings)
    stop = stop or threading.Event()
    restore = _handle_signals(stop)
    try:
        info = engine.start(
            settings,
            worker_id=worker_id,
            concurrency=concurrency,
            listen=True,
            schedules=True,
            modules=modules,
            polling_interval=polling_interval,
            log_level=log_level,
        )
        if on_ready is not None:
            on_ready(info)
        while not stop.wait(0.5):
            pass
    finally:
        restore()
    engine.stop(grace)


def check_schema(settings: Settings) -> None:
    """Refuse to run jobs on a database whose schema is not the one this code expects."""
    found, wanted = migrate.current(settings.database_url), migrate.head()
    if found != wanted:
        state = "is not migrated" if found is None else f"is at revision {found}, not {wanted}"
        raise JobError(
            f"the database {display_url(settings.database_url)} {state}: "
            "run `altscope db upgrade` first"
        )


def _handle_signals(stop: threading.Event) -> Callable[[], None]:
    """Turn the first SIGINT/SIGTERM into ``stop``; the next one gets the default behaviour."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        restore()
        stop.set()

    for sig in previous:
        signal.signal(sig, on_signal)
    return restore
