"""Enqueueing, running and inspecting jobs.

:func:`enqueue` works in any process: inside a started engine (and inside a job, where the new
job is recorded as a child) it goes through the engine; elsewhere through a :class:`JobsClient`,
which only talks to the jobs database and runs nothing itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dbos import DBOS, DBOSClient, EnqueueOptions, SetWorkflowID, WorkflowStatus

from altscope.config import Settings
from altscope.jobs import engine, registry
from altscope.jobs.engine import describe_error
from altscope.jobs.registry import JobError

#: States of a job that will not change any more.
FINISHED = frozenset({"SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"})
#: Every state a job can be in.
STATES = ("DELAYED", "ENQUEUED", "PENDING", *sorted(FINISHED))

JobRef = str | Callable[..., Any]


@dataclass(frozen=True)
class JobInfo:
    """A job run as recorded in the jobs database.

    ``state`` is ENQUEUED (waiting for a worker), DELAYED, PENDING (running, or cut off and
    waiting for recovery), SUCCESS, ERROR, CANCELLED or MAX_RECOVERY_ATTEMPTS_EXCEEDED.
    ``executions`` counts the times a worker started it (more than one after recoveries).
    """

    id: str
    job: str
    state: str
    created_at: datetime | None
    updated_at: datetime | None
    worker: str | None
    queue: str | None
    schedule: str | None
    parent: str | None
    error: str | None
    result: Any
    executions: int | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def job_id(name: str, key: str) -> str:
    """The id of job ``name`` enqueued with idempotency key ``key``."""
    if not key or not key.strip():
        raise JobError("an idempotency key must not be empty")
    return f"{name}:{key}"


def _options(name: str, key: str | None) -> EnqueueOptions:
    options: EnqueueOptions = {"workflow_name": name, "queue_name": engine.QUEUE_NAME}
    if key is not None:
        options["workflow_id"] = job_id(name, key)
    return options


def _time(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms else None


def _info(status: WorkflowStatus) -> JobInfo:
    error = status.error
    return JobInfo(
        id=status.workflow_id,
        job=status.name,
        state=str(status.status),
        created_at=_time(status.created_at),
        updated_at=_time(status.updated_at),
        worker=status.executor_id,
        queue=status.queue_name,
        schedule=status.schedule_name,
        parent=status.parent_workflow_id,
        error=describe_error(error) if error is not None else None,
        result=status.output,
        executions=status.recovery_attempts,
    )


class JobsClient:
    """Talks to the jobs database from any process: enqueue, inspect, cancel, resume.

    Creates and migrates the jobs database if needed. Use as a context manager or call
    :meth:`close`.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or engine.current_settings()
        self.system_database_url = engine.system_database_url(settings)
        engine.prepare_system_database(self.system_database_url)
        self._client = DBOSClient(
            system_database_url=self.system_database_url,
            application_name=engine.APP_NAME,
            retry_connection_errors=False,
        )
        if self._client.retrieve_queue(engine.QUEUE_NAME) is None:
            self._client.register_queue(
                engine.QUEUE_NAME,
                worker_concurrency=settings.worker_concurrency,
                on_conflict="never_update",
                application_name=engine.APP_NAME,
            )

    def __enter__(self) -> JobsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.destroy()

    def enqueue(self, job: JobRef, *args: Any, key: str | None = None, **kwargs: Any) -> str:
        """Put ``job`` on the queue; returns its id. With ``key``, enqueueing the same job
        again with the same key returns the first one's id and runs nothing new."""
        name = registry.job_name(job)
        return self._client.enqueue(_options(name, key), *args, **kwargs).get_workflow_id()

    def status(self, id: str) -> JobInfo | None:
        """The job with this id, or None."""
        found = self._client.list_workflows(workflow_ids=[id], load_input=False)
        return _info(found[0]) if found else None

    def recent(
        self,
        limit: int = 20,
        *,
        state: str | Sequence[str] | None = None,
        job: str | None = None,
        worker: str | None = None,
    ) -> list[JobInfo]:
        """The most recently created jobs first."""
        found = self._client.list_workflows(
            status=list(state) if isinstance(state, (list, tuple)) else state,
            name=job,
            executor_id=worker,
            limit=limit,
            sort_desc=True,
            load_input=False,
            load_output=False,
        )
        return [_info(status) for status in found]

    def wait(self, id: str, timeout: float = 60.0, poll: float = 0.1) -> JobInfo:
        """Wait until job ``id`` has finished; raises TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.status(id)
            if current is None:
                raise JobError(f"no job with id {id!r}")
            if current.finished:
                return current
            if time.monotonic() >= deadline:
                raise TimeoutError(f"job {id} is still {current.state} after {timeout:g} s")
            time.sleep(poll)

    def cancel(self, id: str) -> None:
        """Stop job ``id`` from running further (its finished steps stay done)."""
        self._require(id)
        self._client.cancel_workflow(id)

    def resume(self, id: str) -> None:
        """Put a cancelled or cut-off job back on the queue; it continues where it stopped."""
        self._require(id)
        self._client.resume_workflow(id, queue_name=engine.QUEUE_NAME)

    def recover(self, worker: str) -> list[str]:
        """Hand the unfinished jobs of a worker that is gone for good to the other workers.

        Only for a worker that will not come back: a worker restarted with the same id
        recovers its jobs itself.
        """
        pending = self.recent(limit=10_000, state="PENDING", worker=worker)
        ids = [found.id for found in pending]
        if ids:
            self._client.resume_workflows(ids, queue_name=engine.QUEUE_NAME)
        return ids

    def _require(self, id: str) -> None:
        if self.status(id) is None:
            raise JobError(f"no job with id {id!r}")


def enqueue(
    job: JobRef, *args: Any, key: str | None = None, settings: Settings | None = None, **kwargs: Any
) -> str:
    """Put ``job`` (a name or a ``@job`` function) on the queue for a worker; returns its id.

    With ``key`` the job runs at most once for that key: enqueueing it again returns the id of
    the first one.
    """
    name = registry.job_name(job)
    if engine.is_running():
        # Like a client, leave the version unset: any up-to-date worker may take the job, even
        # after an upgrade; inside a job, DBOS records it as a child so replay won't repeat it.
        handle = DBOS.enqueue_workflow_with_options(_options(name, key), *args, **kwargs)
        return handle.get_workflow_id()
    with JobsClient(settings) as client:
        return client.enqueue(name, *args, key=key, **kwargs)


def run(job: JobRef, *args: Any, key: str | None = None, **kwargs: Any) -> Any:
    """Run ``job`` durably in this process (the engine must be started) and return its result."""
    if not engine.is_running():
        raise JobError("the job engine is not running; start it before running a job")
    name = registry.job_name(job)
    spec = registry.get_job(name)
    if key is None:
        return spec.func(*args, **kwargs)
    with SetWorkflowID(job_id(name, key)):
        return spec.func(*args, **kwargs)


def status(id: str, settings: Settings | None = None) -> JobInfo | None:
    """The job with this id, or None."""
    with JobsClient(settings) as client:
        return client.status(id)


def wait(id: str, timeout: float = 60.0, settings: Settings | None = None) -> JobInfo:
    """Wait until job ``id`` has finished and return it."""
    with JobsClient(settings) as client:
        return client.wait(id, timeout)
