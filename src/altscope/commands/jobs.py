"""``altscope worker`` and ``altscope jobs ...``: run, enqueue and inspect durable jobs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from altscope.commands.common import console, fail, first_line

STATE_STYLES = {
    "SUCCESS": "green",
    "ERROR": "red",
    "MAX_RECOVERY_ATTEMPTS_EXCEEDED": "red",
    "CANCELLED": "yellow",
    "PENDING": "cyan",
    "ENQUEUED": "blue",
    "DELAYED": "blue",
}


def register(app: typer.Typer) -> None:
    """Add ``worker`` and the ``jobs`` group to ``app``."""
    app.command("worker")(worker)
    jobs_app = typer.Typer(
        help="Enqueue, inspect, cancel and recover durable jobs.", no_args_is_help=True
    )
    jobs_app.command("list")(list_jobs)
    jobs_app.command("status")(status)
    jobs_app.command("enqueue")(enqueue)
    jobs_app.command("cancel")(cancel)
    jobs_app.command("resume")(resume)
    jobs_app.command("recover")(recover)
    jobs_app.command("schedules")(schedules)
    app.add_typer(jobs_app, name="jobs")


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Turn failures into a one-line message and exit code 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from altscope.jobs import JobError

    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except JobError as exc:
        fail(str(exc))
    except TimeoutError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(f"jobs database error: {first_line(exc)}")
    except Exception as exc:
        fail(f"{type(exc).__name__}: {exc}".splitlines()[0])


def _settings():
    from altscope.config import get_settings

    return get_settings()


def _load(modules: list[str] | None) -> None:
    from altscope.jobs import import_job_modules

    try:
        import_job_modules(modules or ())
    except ImportError as exc:
        fail(f"cannot import job module: {exc}")


ImportOption = Annotated[
    list[str] | None,
    typer.Option(
        "--import", help="Also load the jobs declared in this Python module (repeatable)."
    ),
]


def worker(
    concurrency: int = typer.Option(
        None,
        "--concurrency",
        "-c",
        min=1,
        help="Jobs this worker runs at once (default: the worker_concurrency setting).",
    ),
    worker_id: str = typer.Option(
        "local",
        "--id",
        help="Stable name of this worker. A worker restarted with the same id resumes the jobs "
        "its predecessor left unfinished; give each worker of a scale-out its own id.",
    ),
    grace: float = typer.Option(
        30.0, "--grace", min=0, help="Seconds to let running jobs finish on Ctrl+C or SIGTERM."
    ),
    poll_interval: float = typer.Option(
        1.0, "--poll-interval", min=0.05, help="Seconds between two looks at the queue."
    ),
    modules: ImportOption = None,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what the engine does."),
) -> None:
    """Run a worker: queued and scheduled jobs, and recovery of interrupted ones.

    Runs until Ctrl+C or SIGTERM (a second one stops at once). On SQLite run one worker; on
    PostgreSQL run as many as you like, on as many machines, each with its own --id.
    """
    from altscope.jobs import display_url, run_worker

    settings = _settings()

    def ready(info) -> None:
        console.print(
            f"Worker [bold]{info.worker_id}[/bold] runs jobs from "
            f"{display_url(info.system_database_url)} "
            f"(at most {concurrency or settings.worker_concurrency} at once). "
            "Stop with Ctrl+C.",
            highlight=False,
        )

    with _clean_errors():
        _load(modules)
        run_worker(
            settings,
            worker_id=worker_id,
            concurrency=concurrency,
            grace=grace,
            modules=modules or (),
            polling_interval=poll_interval,
            log_level="INFO" if verbose else "WARNING",
            on_ready=ready,
        )
    console.print(f"Worker {worker_id} stopped.", highlight=False)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _state(state: str) -> str:
    style = STATE_STYLES.get(state)
    return f"[{style}]{state}[/{style}]" if style else state


def list_jobs(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many jobs to show."),
    state: str = typer.Option(
        None, "--state", help="Only jobs in this state (ENQUEUED, PENDING, SUCCESS, ERROR, ...)."
    ),
    job: str = typer.Option(None, "--job", help="Only runs of the job with this name."),
    worker_id: str = typer.Option(None, "--worker", help="Only jobs run by this worker."),
) -> None:
    """Show the most recent jobs with their state, newest first."""
    from altscope.jobs import STATES, JobsClient

    with _clean_errors():
        if state is not None and state.upper() not in STATES:
            fail(f"unknown state {state!r} (one of {', '.join(STATES)})")
        with JobsClient(_settings()) as client:
            found = client.recent(
                limit, state=state.upper() if state else None, job=job, worker=worker_id
            )
    if not found:
        console.print("No jobs yet.")
        return
    table = Table("job", "state", "created", "updated", "worker")
    table.add_column("id", overflow="fold")
    for info in found:
        name = f"{info.job} ({info.schedule})" if info.schedule else info.job
        table.add_row(
            name,
            _state(info.state),
            _when(info.created_at),
            _when(info.updated_at),
            info.worker or "-",
            info.id,
        )
    console.print(table)


def status(job_id: str = typer.Argument(..., metavar="ID", help="The job's id.")) -> None:
    """Show one job: its state, times, worker, result or error.

    Exits with 1 when the job failed or was cancelled.
    """
    from altscope.jobs import JobsClient

    with _clean_errors(), JobsClient(_settings()) as client:
        info = client.status(job_id)
    if info is None:
        fail(f"no job with id {job_id!r}")
    rows = [
        ("id", info.id),
        ("job", info.job),
        ("state", _state(info.state)),
        ("created", _when(info.created_at)),
        ("updated", _when(info.updated_at)),
        ("worker", info.worker or "-"),
        ("schedule", info.schedule or "-"),
        ("parent", info.parent or "-"),
        ("executions", str(info.executions) if info.executions is not None else "-"),
    ]
    if info.state == "SUCCESS":
        rows.append(("result", repr(info.result)))
    if info.error:
        rows.append(("error", info.error))
    table = Table(show_header=False, box=None)
    for key, value in rows:
        table.add_row(f"[bold]{key}[/bold]", value)
    console.print(table)
    if info.state in ("ERROR", "MAX_RECOVERY_ATTEMPTS_EXCEEDED", "CANCELLED"):
        raise typer.Exit(1)


def _parse_args(pairs: list[str] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, raw = pair.partition("=")
        if not sep or not key.isidentifier():
            fail(f"--arg wants NAME=VALUE, got {pair!r}")
        try:
            kwargs[key] = json.loads(raw)
        except ValueError:
            kwargs[key] = raw
    return kwargs


def enqueue(
    name: str = typer.Argument(
        None, help="The job to enqueue; leave it out to see the jobs you can enqueue."
    ),
    args: Annotated[
        list[str] | None,
        typer.Option(
            "--arg", help="NAME=VALUE argument of the job (VALUE read as JSON if it parses)."
        ),
    ] = None,
    key: str = typer.Option(
        None, "--key", help="Idempotency key: the job runs once per key, however often enqueued."
    ),
    wait: bool = typer.Option(False, "--wait", help="Wait for a worker to finish the job."),
    timeout: float = typer.Option(
        600.0, "--timeout", min=0, help="Seconds --wait waits before giving up."
    ),
    modules: ImportOption = None,
) -> None:
    """Put a job on the queue for the workers (run `altscope worker` to process it)."""
    from altscope.jobs import JobsClient, jobs
    from altscope.jobs import job_id as job_id_for

    _load(modules)
    if name is None:
        table = Table("job", "what it does")
        for spec in jobs():
            table.add_row(spec.name, spec.summary)
        console.print(table)
        return
    with _clean_errors(), JobsClient(_settings()) as client:
        kwargs = _parse_args(args)
        earlier = client.status(job_id_for(name, key)) if key is not None else None
        job_id = client.enqueue(name, key=key, **kwargs)
        if earlier is not None:
            console.print(
                f"{job_id} was enqueued before ({earlier.state}); nothing new enqueued.",
                highlight=False,
            )
        else:
            console.print(f"Enqueued {name} as [bold]{job_id}[/bold].", highlight=False)
        if wait:
            with console.status(f"Waiting for a worker to finish {job_id}..."):
                info = client.wait(job_id, timeout)
            console.print(f"{job_id}: {_state(info.state)}", highlight=False)
            if info.state != "SUCCESS":
                fail(info.error or f"job ended {info.state}")


def cancel(job_id: str = typer.Argument(..., metavar="ID", help="The job's id.")) -> None:
    """Stop a queued or running job; the steps it finished stay done."""
    from altscope.jobs import JobsClient

    with _clean_errors(), JobsClient(_settings()) as client:
        client.cancel(job_id)
    console.print(f"Cancelled {job_id}.", highlight=False)


def resume(job_id: str = typer.Argument(..., metavar="ID", help="The job's id.")) -> None:
    """Put a cancelled or stuck job back on the queue; it continues where it stopped."""
    from altscope.jobs import JobsClient

    with _clean_errors(), JobsClient(_settings()) as client:
        client.resume(job_id)
    console.print(f"Resumed {job_id}.", highlight=False)


def recover(
    worker_id: str = typer.Argument(..., metavar="WORKER", help="Id of the worker that is gone."),
) -> None:
    """Hand the unfinished jobs of a worker that will not come back to the other workers.

    Not needed for a worker that is restarted with the same --id: it recovers its jobs itself.
    """
    from altscope.jobs import JobsClient

    with _clean_errors(), JobsClient(_settings()) as client:
        ids = client.recover(worker_id)
    console.print(f"Re-queued {len(ids)} job(s) of worker {worker_id}.", highlight=False)


def schedules(
    modules: ImportOption = None,
) -> None:
    """Show the cron schedules a worker installs."""
    from altscope.jobs import declared_schedules

    _load(modules)
    table = Table("schedule", "cron (UTC)", "job", "arguments")
    for entry in declared_schedules():
        table.add_row(entry.name, entry.cron, entry.job, ", ".join(map(repr, entry.args)))
    console.print(table)
