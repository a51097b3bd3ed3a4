"""A worker killed in the middle of a job: a new worker finishes it, and its effect happens once.

Real worker processes (``python -m altscope.jobs worker``, the code behind ``altscope worker``)
on the test database: SQLite by default, PostgreSQL with ALTSCOPE_TEST_DATABASE_URL.
"""

from __future__ import annotations

import signal
from pathlib import Path

import jobs_sample
from jobs_support import Workers, wait_until

from altscope.config import Settings
from altscope.jobs import JobsClient


def test_killed_worker_job_completes_once_after_restart(
    settings: Settings, workers: Workers, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    first = workers.start("crash-test")
    with JobsClient(settings) as client:
        job_id = client.enqueue("jobs_test.bump_then_wait", "crash", str(gate))

        # The first step's effect is committed; the second step blocks on the gate.
        wait_until(
            lambda: jobs_sample.counter(settings.database_url, "crash") == 1,
            what="the first step's effect",
        )
        assert client.status(job_id).state == "PENDING"

        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
        assert client.status(job_id).state == "PENDING"  # cut off, not finished

        workers.start("crash-test")
        gate.touch()
        done = client.wait(job_id, timeout=60)

    assert done.state == "SUCCESS", done.error
    assert done.result == 1  # the recorded result of the first step, not a second bump
    assert done.worker == "crash-test"
    assert done.executions == 2  # started by the killed worker, recovered by the new one
    assert jobs_sample.counter(settings.database_url, "crash") == 1


def test_worker_stops_cleanly_on_sigterm(settings: Settings, workers: Workers) -> None:
    process = workers.start("graceful")
    with JobsClient(settings) as client:
        job_id = client.enqueue("jobs_test.bump", "sigterm")
        assert client.wait(job_id, timeout=60).state == "SUCCESS"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert "Worker graceful stopped." in workers.output(0)
    assert jobs_sample.counter(settings.database_url, "sigterm") == 1


def test_jobs_of_a_worker_gone_for_good_are_recovered_by_another(
    settings: Settings, workers: Workers, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    gone = workers.start("w1")
    with JobsClient(settings) as client:
        job_id = client.enqueue("jobs_test.bump_then_wait", "handover", str(gate))
        wait_until(lambda: jobs_sample.counter(settings.database_url, "handover") == 1)
        gone.send_signal(signal.SIGKILL)
        gone.wait(timeout=30)

        workers.start("w2")
        probe = client.enqueue("jobs_test.bump", "probe")
        assert client.wait(probe, timeout=60).worker == "w2"
        # A worker with another id leaves w1's job alone...
        assert client.status(job_id).state == "PENDING"

        # ...until it is handed over explicitly (altscope jobs recover w1).
        assert client.recover("w1") == [job_id]
        gate.touch()
        done = client.wait(job_id, timeout=60)

    assert done.state == "SUCCESS", done.error
    assert done.worker == "w2"
    assert jobs_sample.counter(settings.database_url, "handover") == 1
