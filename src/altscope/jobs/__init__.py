"""Durable jobs: harvests, percolation and rescoring that survive crashes and restarts.

Jobs run on DBOS, which stays behind this interface (nothing outside ``altscope.jobs`` imports
it). Declare a job with :func:`job`, its units of work with :func:`step` (retried with
backoff) or :func:`transaction` (database writes applied exactly once), schedule it with
:func:`schedule`, and :func:`enqueue` it for ``altscope worker``. See ``docs/jobs.md``.
"""

from altscope.jobs.api import (
    FINISHED,
    STATES,
    JobInfo,
    JobsClient,
    enqueue,
    job_id,
    run,
    status,
    wait,
)
from altscope.jobs.engine import (
    APP_NAME,
    DEFAULT_WORKER_ID,
    QUEUE_NAME,
    EngineInfo,
    current_settings,
    display_url,
    import_job_modules,
    is_running,
    running,
    start,
    stop,
    system_database_url,
)
from altscope.jobs.registry import (
    JobError,
    JobSpec,
    Schedule,
    get_job,
    job,
    jobs,
    schedule,
    scheduled,
    step,
    transaction,
    unschedule,
)
from altscope.jobs.registry import schedules as declared_schedules
from altscope.jobs.worker import run_worker

__all__ = [
    "APP_NAME",
    "DEFAULT_WORKER_ID",
    "FINISHED",
    "QUEUE_NAME",
    "STATES",
    "EngineInfo",
    "JobError",
    "JobInfo",
    "JobSpec",
    "JobsClient",
    "Schedule",
    "current_settings",
    "declared_schedules",
    "display_url",
    "enqueue",
    "get_job",
    "import_job_modules",
    "is_running",
    "job",
    "job_id",
    "jobs",
    "run",
    "run_worker",
    "running",
    "schedule",
    "scheduled",
    "start",
    "status",
    "step",
    "stop",
    "system_database_url",
    "transaction",
    "unschedule",
    "wait",
]
