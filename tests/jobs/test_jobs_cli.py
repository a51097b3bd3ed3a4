"""``altscope worker`` / ``altscope jobs ...`` on a fresh Typer app (as cli.py wires them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import jobs_sample
import pytest
import typer
from typer.testing import CliRunner

from altscope import jobs
from altscope.commands.jobs import register
from altscope.config import Settings, get_settings


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., object]]:
    monkeypatch.setenv("ALTSCOPE_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("ALTSCOPE_JOBS_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env={"COLUMNS": "200"})

    yield invoke
    get_settings.cache_clear()


def test_enqueue_list_and_status(cli, settings: Settings) -> None:
    result = cli("jobs", "enqueue", "jobs_test.bump", "--arg", "name=cli", "--key", "k1")
    assert result.exit_code == 0, result.output
    assert "jobs_test.bump:k1" in result.output

    listed = cli("jobs", "list")
    assert listed.exit_code == 0, listed.output
    assert "jobs_test.bump:k1" in listed.output and "ENQUEUED" in listed.output

    with jobs.running(settings, polling_interval=0.1):
        assert jobs.wait("jobs_test.bump:k1", timeout=30).state == "SUCCESS"

    again = cli("jobs", "enqueue", "jobs_test.bump", "--arg", "name=cli", "--key", "k1")
    assert again.exit_code == 0, again.output
    assert "jobs_test.bump:k1 was enqueued before (SUCCESS); nothing new enqueued." in again.output

    shown = cli("jobs", "status", "jobs_test.bump:k1")
    assert shown.exit_code == 0, shown.output
    assert "SUCCESS" in shown.output and "result" in shown.output
    assert cli("jobs", "list", "--state", "success").output.count("jobs_test.bump:k1") == 1
    assert "No jobs yet." in cli("jobs", "list", "--state", "ERROR").output
    assert jobs_sample.counter(settings.database_url, "cli") == 1


def test_enqueue_without_name_lists_the_jobs(cli) -> None:
    result = cli("jobs", "enqueue")
    assert result.exit_code == 0, result.output
    assert "enrich_pending" in result.output
    assert "Retry metadata enrichment" in result.output


def test_cancelled_job_shows_and_exits_1(cli) -> None:
    enqueued = cli("jobs", "enqueue", "jobs_test.bump", "--arg", "name=x", "--key", "c")
    assert enqueued.exit_code == 0, enqueued.output
    assert cli("jobs", "cancel", "jobs_test.bump:c").exit_code == 0
    shown = cli("jobs", "status", "jobs_test.bump:c")
    assert shown.exit_code == 1
    assert "CANCELLED" in shown.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("jobs", "enqueue", "no-such-job"), "unknown job 'no-such-job'"),
        (("jobs", "status", "no-such-id"), "no job with id 'no-such-id'"),
        (("jobs", "cancel", "no-such-id"), "no job with id 'no-such-id'"),
        (("jobs", "enqueue", "jobs_test.bump", "--arg", "oops"), "--arg wants NAME=VALUE"),
        (("jobs", "list", "--state", "DONE"), "unknown state 'DONE'"),
        (("worker", "--import", "no_such_module_xyz"), "cannot import job module"),
    ],
)
def test_errors_are_one_line_with_exit_code_1(cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_worker_refuses_a_database_that_is_not_migrated(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ALTSCOPE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    app = typer.Typer()
    register(app)
    try:
        result = CliRunner().invoke(app, ["worker"], env={"COLUMNS": "200"})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "is not migrated: run `altscope db upgrade` first" in result.output
    assert not jobs.is_running()


def test_schedules_and_help(cli) -> None:
    shown = cli("jobs", "schedules")
    assert shown.exit_code == 0
    assert "enrich-pending-hourly" in shown.output and "0 * * * *" in shown.output
    for command in (("worker",), ("jobs",), ("jobs", "list"), ("jobs", "enqueue")):
        result = cli(*command, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.output
    assert "--concurrency" in cli("worker", "--help").output
