"""Helpers of the job tests: polling with a timeout, worker subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "it") -> None:
    """Poll ``condition`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


class Workers:
    """Worker subprocesses (``python -m altscope.jobs worker``) on the test database."""

    def __init__(self, db_url: str, logs: Path) -> None:
        self.db_url = db_url
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, worker_id: str = "crash-test", *extra: str) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env.pop("ALTSCOPE_JOBS_DATABASE_URL", None)
        env["ALTSCOPE_DATABASE_URL"] = self.db_url
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
        log = (self.logs / f"worker-{len(self.started)}.log").open("wb")
        command = [sys.executable, "-m", "altscope.jobs", "worker", "--id", worker_id]
        command += ["--import", "jobs_sample", "--poll-interval", "0.1", *extra]
        process = subprocess.Popen(
            command, cwd=self.logs, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.started.append(process)
        return process

    def output(self, index: int) -> str:
        return (self.logs / f"worker-{index}.log").read_text(errors="replace")

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
