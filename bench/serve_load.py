"""Serving under load: badge SVG and the v1 counts endpoint against a bare ASGI hello-world.

Both apps are served the same way (uvicorn, same workers, loop and HTTP parser) and loaded the
same way, from a second process (``wrk``, Debian package ``wrk``), on loopback. Each request asks
for a random output among a sample of the database's outputs, so caches see realistic keys.

    .venv/bin/python bench/serve_load.py --database-url sqlite:////tmp/altscope-bench-scoring.db

The database should hold the 1 million outputs of ``bench/generate_scoring_data.py`` with their
scores (``bench/rescore.py`` leaves exactly that). Goals (issue 6): >= 2,000 requests/s,
p99 <= 20 ms, and >= 0.5x the hello-world rate.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from sqlalchemy import text

HELLO_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello, world"})
"""

WRK_SCRIPT = """
paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
"""


@dataclass(frozen=True, slots=True)
class Load:
    name: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    target: str, port: int, workers: int, env: dict[str, str], cwd: str, probe: str = "/"
) -> subprocess.Popen:
    """Start uvicorn serving ``target`` and wait until it answers ``probe`` (a cheap path)."""
    command = [
        sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--no-access-log", "--log-level", "warning",
        "--loop", "uvloop", "--http", "httptools",
    ]  # fmt: skip
    if target.endswith("create_app"):
        command.append("--factory")
    process = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=5).close()
            return process
        except urllib.error.HTTPError:
            return process  # it answers (a 404 on / is fine)
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{target} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    name: str, base: str, paths_file: Path, seconds: int, connections: int, warmup: int = 0
) -> Load:
    """Load ``base`` + random paths with wrk; requests/s and latency percentiles.

    A first run of ``warmup`` seconds (not measured) lets every server process open its
    connections and fill its caches, the same way for every app."""
    script = paths_file.with_suffix(".lua")
    script.write_text(WRK_SCRIPT % paths_file)
    if warmup > 0:
        subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{warmup}s", "-s", str(script), base],
            capture_output=True, check=True,
        )  # fmt: skip
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    percentiles = {
        p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Load(
        name, rate, percentiles["50"], percentiles["99"], int(errors.group(1)) if errors else 0
    )


def sample_paths(database_url: str, size: int) -> tuple[list[str], list[str]]:
    """Badge and v1 paths for ``size`` random scored outputs with a DOI."""
    from altscope.store.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM outputs")).scalar_one()
        dois = (
            connection.execute(
                text(
                    "SELECT i.value FROM identifiers i"
                    " JOIN output_scores s ON s.output_id = i.output_id"
                    " WHERE i.scheme = 'doi' AND s.score > 0 ORDER BY random() LIMIT :n"
                ),
                {"n": size},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    if not dois:
        raise SystemExit("no scored outputs with a DOI: run bench/rescore.py first")
    print(f"database: {count:,} outputs; {len(dois):,} sampled DOIs")
    return [f"/badge/doi/{d}.svg" for d in dois], [f"/v1/doi/{d}" for d in dois]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default="sqlite:////tmp/altscope-bench-scoring.db")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds first")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    badge_paths, v1_paths = sample_paths(args.database_url, args.sample)
    work = Path(tempfile.mkdtemp(prefix="altscope-serve-bench-"))
    (work / "hello_asgi.py").write_text(HELLO_APP)
    files = {}
    for name, paths in (("badge", badge_paths), ("v1", v1_paths), ("hello", ["/"])):
        files[name] = work / f"{name}.txt"
        files[name].write_text("\n".join(paths) + "\n")

    env = {**os.environ, "ALTSCOPE_DATABASE_URL": args.database_url, "PYTHONPATH": str(work)}
    rounds: list[dict[str, Load]] = []
    hello_port, app_port = free_port(), free_port()
    bases = {"hello": f"http://127.0.0.1:{hello_port}", "badge": f"http://127.0.0.1:{app_port}"}
    bases["v1"] = bases["badge"]
    load_before = os.getloadavg()
    hello = serve("hello_asgi:app", hello_port, args.workers, env, str(work))
    try:
        app = serve(
            "altscope.web.asgi:create_app", app_port, args.workers, env, str(work), "/embed.js"
        )
        try:
            # Rounds of hello-world, badge, v1 back to back: the machine's load drifts, so each
            # endpoint is compared with the hello-world run of its own round.
            for _ in range(args.rounds):
                rounds.append(
                    {
                        name: wrk(
                            LABELS[name],
                            bases[name],
                            files[name],
                            args.seconds,
                            args.connections,
                            args.warmup,
                        )
                        for name in ("hello", "badge", "v1")
                    }
                )
        finally:
            stop(app)
    finally:
        stop(hello)
    load_after = os.getloadavg()
    report(args, rounds, load_before[0], load_after[0])


LABELS = {
    "hello": "hello-world ASGI /",
    "badge": "badge SVG /badge/doi/…svg",
    "v1": "v1 counts /v1/doi/…",
}


def report(args: argparse.Namespace, rounds: list[dict[str, Load]], before: float, after: float):
    """Every round, then the median of each figure over the rounds."""
    print(
        f"\nuvicorn --workers {args.workers} --loop uvloop --http httptools (both apps), "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s after {args.warmup}s of warm-up, "
        f"{args.rounds} rounds, {os.cpu_count()} cores (servers and wrk share them); "
        f"load average (1 min) before {before:.2f}, after {after:.2f}"
    )
    header = (
        f"{'endpoint':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs hello':>9} {'errors':>7}"
    )
    print(header)
    for number, loads in enumerate(rounds, 1):
        hello_rate = loads["hello"].requests_per_s
        for load in loads.values():
            print(
                f"{load.name:<28} {load.requests_per_s:>9,.0f} {load.p50_ms:>8.2f}"
                f" {load.p99_ms:>8.2f} {load.requests_per_s / hello_rate:>8.2f}x"
                f" {load.non_2xx:>7}   round {number}"
            )
    print(f"median of {len(rounds)} rounds:")
    print(header)
    for name in ("hello", "badge", "v1"):
        loads = [r[name] for r in rounds]
        ratios = [r[name].requests_per_s / r["hello"].requests_per_s for r in rounds]
        print(
            f"{LABELS[name]:<28} {median(x.requests_per_s for x in loads):>9,.0f}"
            f" {median(x.p50_ms for x in loads):>8.2f} {median(x.p99_ms for x in loads):>8.2f}"
            f" {median(ratios):>8.2f}x {sum(x.non_2xx for x in loads):>7}"
        )
    print("goals: >= 2,000 req/s, p99 <= 20 ms, >= 0.50x hello-world")


if __name__ == "__main__":
    main()
