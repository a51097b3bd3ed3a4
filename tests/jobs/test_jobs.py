"""Jobs in this process: retries with backoff, idempotency keys, schedules, exactly-once
transactions; on the test database (SQLite, or PostgreSQL with ALTSCOPE_TEST_DATABASE_URL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import jobs_sample
import pytest
from jobs_support import wait_until

from altscope import jobs
from altscope.config import Settings
from altscope.jobs import JobError, JobsClient


def test_failing_step_is_retried_with_backoff_until_it_works(
    settings: Settings, engine_on: Callable[..., object]
) -> None:
    engine_on()
    token = uuid.uuid4().hex
    job_id = jobs.enqueue("jobs_test.flaky", token, 2)
    done = jobs.wait(job_id, timeout=30)

    assert done.state == "SUCCESS", done.error
    assert done.result == 3
    starts = jobs_sample.ATTEMPTS[token]
    assert len(starts) == 3
    first_wait, second_wait = starts[1] - starts[0], starts[2] - starts[1]
    assert first_wait >= 0.2 * 0.95  # interval
    assert second_wait >= 0.4 * 0.95  # interval × backoff (only lower bounds: CI may be slow)


def test_job_fails_when_a_step_keeps_failing(
    settings: Settings, engine_on: Callable[..., object]
) -> None:
    engine_on()
    token = uuid.uuid4().hex
    done = jobs.wait(jobs.enqueue("jobs_test.flaky", token, 5), timeout=30)

    assert done.state == "ERROR"
    assert "fails on purpose" in done.error
    assert len(jobs_sample.ATTEMPTS[token]) == 3  # 1 try + 2 retries


def test_same_idempotency_key_runs_the_job_once(
    settings: Settings, engine_on: Callable[..., object]
) -> None:
    engine_on()
    first = jobs.enqueue("jobs_test.bump", "idem-1", key="batch-1")
    again = jobs.enqueue(jobs_sample.bump_job, "idem-1", key="batch-1")
    other = jobs.enqueue("jobs_test.bump", "idem-2", key="batch-2")

    assert first == again == "jobs_test.bump:batch-1"
    assert other != first
    for job_id in (first, other):
        assert jobs.wait(job_id, timeout=30).state == "SUCCESS"
    # Enqueued once more after it finished: still nothing new.
    assert jobs.enqueue("jobs_test.bump", "idem-1", key="batch-1") == first
    assert jobs.wait(first, timeout=30).result == 1
    assert jobs_sample.counter(settings.database_url, "idem-1") == 1
    assert jobs_sample.counter(settings.database_url, "idem-2") == 1


def test_idempotency_key_also_holds_from_a_client_without_engine(settings: Settings) -> None:
    with JobsClient(settings) as client:
        first = client.enqueue("jobs_test.bump", "client", key="k")
        assert client.enqueue("jobs_test.bump", "client", key="k") == first
        assert client.status(first).state == "ENQUEUED"
    with jobs.running(settings, polling_interval=0.1):
        assert jobs.wait(first, timeout=30).state == "SUCCESS"
    assert jobs_sample.counter(settings.database_url, "client") == 1


def test_run_in_foreground_with_key_applies_transaction_once(
    settings: Settings, engine_on: Callable[..., object]
) -> None:
    engine_on(listen=False)
    assert jobs.run("jobs_test.bump", "fg", key="once") == 1
    assert jobs.run(jobs_sample.bump_job, "fg", key="once") == 1  # recorded result, no new bump
    assert jobs.run("jobs_test.bump", "fg") == 2
    assert jobs_sample.counter(settings.database_url, "fg") == 2
    assert jobs.status("jobs_test.bump:once").state == "SUCCESS"


def test_job_enqueues_children_once_even_when_run_again(
    settings: Settings, engine_on: Callable[..., object]
) -> None:
    engine_on()
    parent = jobs.enqueue("jobs_test.fan_out", "fan", 3, key="p")
    children = jobs.wait(parent, timeout=30).result
    assert len(set(children)) == 3
    for child in children:
        info = jobs.wait(child, timeout=30)
        assert (info.state, info.parent) == ("SUCCESS", parent)
    # Running the finished parent again (same key) replays its record: no new children.
    assert jobs.run("jobs_test.fan_out", "fan", 3, key="p") == children
    assert jobs_sample.counter(settings.database_url, "fan") == 3


def test_schedule_fires_every_second(settings: Settings, engine_on: Callable[..., object]) -> None:
    token = f"tick-{uuid.uuid4().hex[:8]}"
    tick = jobs.schedule("* * * * * *", "jobs_test.bump", token, name=f"jobs-test-{token}")
    try:
        engine_on(schedules=[tick])
        wait_until(
            lambda: jobs_sample.counter(settings.database_url, token) >= 2,
            timeout=20,
            what="two firings of the schedule",
        )
    finally:
        jobs.unschedule(tick.name)
    with JobsClient(settings) as client:
        fired = client.recent(50, job="altscope.scheduled")
    assert {info.schedule for info in fired} == {tick.name}
    assert len({info.id for info in fired}) == len(fired) >= 2


def test_engine_start_is_idempotent_and_refuses_other_settings(
    settings: Settings, engine_on: Callable[..., object]
) -> None:
    first = engine_on()
    assert engine_on() == first
    with pytest.raises(JobError, match="already running"):
        jobs.start(settings, worker_id="someone-else")


def test_run_needs_a_started_engine() -> None:
    assert not jobs.is_running()
    with pytest.raises(JobError, match="not running"):
        jobs.run("jobs_test.bump", "nothing")


def test_unknown_job_is_refused(settings: Settings) -> None:
    with pytest.raises(JobError, match="unknown job 'no-such-job'"):
        jobs.enqueue("no-such-job", settings=settings)
