"""Where the job engine keeps its state, and how jobs and schedules are declared."""

from __future__ import annotations

import pytest

from altscope import jobs
from altscope.config import Settings
from altscope.jobs import JobError


@pytest.mark.parametrize(
    ("database_url", "jobs_database_url", "expected"),
    [
        ("sqlite:///altscope.db", None, "sqlite:///altscope.jobs.db"),
        ("sqlite:////srv/data/main.sqlite", None, "sqlite:////srv/data/main.jobs.sqlite"),
        ("sqlite:///data/altscope", None, "sqlite:///data/altscope.jobs.db"),
        (
            "postgresql://alt:pw@db.example:5432/altscope",
            None,
            "postgresql+psycopg://alt:pw@db.example:5432/altscope",
        ),
        (
            "sqlite:///altscope.db",
            "postgresql://jobs@db.example/jobs",
            "postgresql+psycopg://jobs@db.example/jobs",
        ),
    ],
)
def test_jobs_database_follows_the_settings(
    database_url: str, jobs_database_url: str | None, expected: str
) -> None:
    settings = Settings(database_url=database_url, jobs_database_url=jobs_database_url)
    assert jobs.system_database_url(settings) == expected


def test_in_memory_database_has_no_place_for_jobs() -> None:
    with pytest.raises(JobError, match="jobs need a database file"):
        jobs.system_database_url(Settings(database_url="sqlite://"))


def test_passwords_are_hidden_in_messages() -> None:
    shown = jobs.display_url("postgresql+psycopg://alt:secret@db.example/altscope")
    assert "secret" not in shown and "db.example/altscope" in shown


def test_declarations_are_checked() -> None:
    with pytest.raises(JobError, match="invalid cron"):
        jobs.schedule("every hour", "enrich_pending")
    with pytest.raises(JobError, match="unknown job"):
        jobs.get_job("no-such-job")
    with pytest.raises(JobError, match="retries"):
        jobs.step(retries=-1)
    with pytest.raises(JobError, match="invalid job name"):
        jobs.job(" padded ")


def test_a_job_name_cannot_be_declared_by_two_functions() -> None:
    import jobs_sample  # noqa: F401  (declares jobs_test.bump)

    with pytest.raises(JobError, match="declared twice"):

        @jobs.job("jobs_test.bump")
        def impostor(name: str) -> int:
            return 0


def test_enrich_pending_is_declared_and_scheduled_hourly() -> None:
    jobs.import_job_modules()
    assert "Retry metadata enrichment" in jobs.get_job("enrich_pending").summary
    hourly = {s.name: s for s in jobs.declared_schedules()}["enrich-pending-hourly"]
    assert (hourly.cron, hourly.job) == ("0 * * * *", "enrich_pending")
