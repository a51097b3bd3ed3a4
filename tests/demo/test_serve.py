"""`altscope demo` serves the site: the start page and a details page answer from a subprocess."""

from __future__ import annotations

import html
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from altscope.store.db import transaction
from altscope.store.schema import Output, OutputScore


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command() -> list[str]:
    script = Path(sys.executable).with_name("altscope")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from altscope.cli import main; main()"]


def _wait_for(base: str, process: subprocess.Popen, timeout: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"altscope demo exited early:\n{process.stdout.read()}")
        try:
            return httpx.get(f"{base}/", timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("altscope demo did not start serving in time")


def test_demo_serves_the_start_page_and_details(built_demo, tmp_path):
    with transaction(built_demo.engine) as session:
        top_id, top_title = session.execute(
            select(Output.id, Output.title)
            .join(OutputScore, OutputScore.output_id == Output.id)
            .order_by(OutputScore.score.desc(), Output.id)
            .limit(1)
        ).one()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*_command(), "demo", "--database-url", built_demo.url, "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        start = _wait_for(base, process)
        assert start.status_code == 200
        assert "Attention Is All You Need" in start.text
        assert html.escape(top_title, quote=False) in start.text
        assert f'href="/details/{top_id}"' in start.text
        details = httpx.get(f"{base}/details/{top_id}", timeout=10)
        assert details.status_code == 200
        assert html.escape(top_title, quote=False) in details.text
        by_arxiv = httpx.get(f"{base}/details/arxiv/1706.03762", timeout=10, follow_redirects=True)
        assert by_arxiv.status_code == 200 and "Attention Is All You Need" in by_arxiv.text
        badge = httpx.get(f"{base}/badge/id/{top_id}.svg", timeout=10)
        assert badge.status_code == 200 and badge.text.lstrip().startswith("<svg")
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "already built" in output and f"{base}/details/arxiv/1706.03762" in output
