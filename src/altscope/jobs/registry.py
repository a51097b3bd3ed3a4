"""Declaring jobs, their steps and their schedules.

A *job* is a durable workflow: its progress is checkpointed after every step, so a job cut off by
a crash resumes where it stopped instead of starting over. A *step* is a unit of work inside a
job that is retried with exponential backoff when it raises; a *transaction* is a step whose
database writes commit in the same transaction as its checkpoint, so they happen exactly once.

Jobs are coarse (one source over a batch of outputs, one batch to percolate, one rescore), never
one job per post: queues are polled about once a second.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, ParamSpec, TypeVar

from croniter import croniter
from dbos import DBOS

P = ParamSpec("P")
R = TypeVar("R")

Isolation = Literal["SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED"]

#: How often the engine tries to recover a job that keeps crashing its worker before giving up.
DEFAULT_RECOVERY_ATTEMPTS = 10


class JobError(Exception):
    """A job was declared, looked up or called wrongly."""


@dataclass(frozen=True)
class JobSpec:
    """A registered job."""

    name: str
    func: Callable[..., Any]
    summary: str


@dataclass(frozen=True)
class Schedule:
    """Run ``job`` with ``args`` whenever ``cron`` fires (UTC).

    ``cron`` has five fields (minute hour day month weekday) or six with seconds first.
    """

    name: str
    cron: str
    job: str
    args: tuple[Any, ...] = field(default_factory=tuple)


_jobs: dict[str, JobSpec] = {}
_schedules: dict[str, Schedule] = {}


def _summary(fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def job(
    name: str, *, recovery_attempts: int = DEFAULT_RECOVERY_ATTEMPTS
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a durable job called ``name``.

    Call the decorated function inside a started engine to run it in the foreground, or
    :func:`altscope.jobs.enqueue` it by name for a worker. Its first docstring line is the
    description shown by ``altscope jobs enqueue --help``.
    """
    if not name or name != name.strip():
        raise JobError(f"invalid job name {name!r}")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        previous = _jobs.get(name)
        if previous is not None and _origin(previous.func) != _origin(fn):
            raise JobError(f"job {name!r} is declared twice")
        workflow = DBOS.workflow(name=name, max_recovery_attempts=recovery_attempts)(fn)
        _jobs[name] = JobSpec(name=name, func=workflow, summary=_summary(fn))
        return workflow

    return decorate


def _origin(fn: Callable[..., Any]) -> tuple[str, str]:
    fn = inspect.unwrap(fn)
    return (getattr(fn, "__module__", ""), getattr(fn, "__qualname__", ""))


def step(
    *,
    retries: int = 0,
    interval: float = 1.0,
    backoff: float = 2.0,
    name: str | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a step of a job.

    A step that raises is tried again up to ``retries`` more times, waiting ``interval`` seconds
    before the first retry and ``backoff`` times longer before each next one. A finished step is
    never run again for the same job, even after a crash; a step cut off mid-way runs again, so
    its outside effects should be idempotent (or use :func:`transaction`).
    """
    if retries < 0 or interval < 0 or backoff < 1:
        raise JobError("retries and interval must be >= 0 and backoff >= 1")
    return DBOS.step(
        name=name,
        retries_allowed=retries > 0,
        max_attempts=retries + 1,
        interval_seconds=interval,
        backoff_rate=backoff,
    )


def transaction(
    *, name: str | None = None, isolation: Isolation = "SERIALIZABLE"
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Declare a database step: the function gets a :class:`~sqlalchemy.orm.Session` on the
    application database as its first argument.

    Its writes and the job's checkpoint of the step commit in one transaction, so they are
    applied exactly once, even when the worker dies right after the commit.
    """

    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        step_name = name or fn.__qualname__

        @functools.wraps(fn)
        def run_in_transaction(*args: Any, **kwargs: Any) -> R:
            from altscope.jobs import engine

            ds = engine.datasource()

            def body(*a: Any, **k: Any) -> R:
                return fn(ds.sql_session(), *a, **k)

            return ds.run_tx_step(
                {"name": step_name, "isolation_level": isolation}, body, *args, **kwargs
            )

        return run_in_transaction

    return decorate


def schedule(cron: str, job_name: str, *args: Any, name: str | None = None) -> Schedule:
    """Run job ``job_name`` with ``args`` whenever ``cron`` fires, while a worker runs.

    Every worker fires the schedule, but each firing has a fixed id, so it runs once.
    """
    if not croniter.is_valid(cron, second_at_beginning=True):
        raise JobError(f"invalid cron expression {cron!r}")
    entry = Schedule(name=name or job_name, cron=cron, job=job_name, args=tuple(args))
    _schedules[entry.name] = entry
    return entry


def scheduled(cron: str, *, name: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator form of :func:`schedule` for a job without arguments; put it above ``@job``."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        spec = next((s for s in _jobs.values() if s.func is fn), None)
        if spec is None:
            raise JobError("@scheduled must be placed above @job")
        schedule(cron, spec.name, name=name)
        return fn

    return decorate


def unschedule(name: str) -> None:
    """Forget schedule ``name`` (it stops firing when the workers next start)."""
    _schedules.pop(name, None)


@DBOS.workflow(name="altscope.scheduled")
def run_scheduled(scheduled_at: datetime, context: dict[str, Any]) -> Any:
    """Entry point of every schedule: runs the scheduled job as a child of this firing."""
    return get_job(context["job"]).func(*context.get("args", ()))


def get_job(name: str) -> JobSpec:
    """The job called ``name``."""
    try:
        return _jobs[name]
    except KeyError:
        known = ", ".join(sorted(_jobs)) or "none"
        raise JobError(f"unknown job {name!r} (known: {known})") from None


def job_name(job: str | Callable[..., Any]) -> str:
    """The registered name of a job given by name or by its function."""
    if isinstance(job, str):
        return get_job(job).name
    for spec in _jobs.values():
        if spec.func is job:
            return spec.name
    raise JobError(f"{job!r} is not a declared job")


def jobs() -> list[JobSpec]:
    """All declared jobs, by name."""
    return [_jobs[name] for name in sorted(_jobs)]


def schedules() -> list[Schedule]:
    """All declared schedules, by name."""
    return [_schedules[name] for name in sorted(_schedules)]
