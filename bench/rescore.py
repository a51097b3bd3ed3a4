"""Benchmark: full rescore (context included) and the incremental update of one output.

    .venv/bin/python bench/rescore.py                                   # 1M outputs, 10M mentions
    .venv/bin/python bench/rescore.py --outputs 100000 --mentions 1000000 --reuse
    .venv/bin/python bench/rescore.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_scoring --reuse

Generates the data (bench/generate_scoring_data.py) unless ``--reuse`` finds it there, then:

1. times ``altscope.scoring.rescore(engine)`` in a child process (wall time and the child's
   peak RSS from ``getrusage``: the real process peak, interpreter and imports included);
2. for K random outputs adds one new mention with ``altscope.store.mentions.add_mention`` and
   times ``altscope.scoring.update_output(session, output_id)`` (median, p95);
3. measures peers on the same machine in the same run: ``SELECT output_id, count(*) FROM
   mentions GROUP BY output_id``, numpy's sort of N floats, and ``context_arrays`` alone on the
   scores the rescore stored.

Prints the figures and their ratio to the goals (60 s, 2 GB, 5 ms); writes them as JSON to
``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from statistics import median

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from altscope.store.db import make_engine, normalize_url, transaction
from altscope.store.mentions import add_mention
from altscope.store.migrate import upgrade
from altscope.store.schema import Mention, Output, OutputScore
from altscope.store.types import utcnow
from generate_scoring_data import generate

GOAL_SECONDS = 60.0
GOAL_BYTES = 2 * 1024**3
GOAL_UPDATE_MS = 5.0
RESULTS = Path(__file__).resolve().parent / "results"


def _counts(url: str) -> tuple[int, int]:
    upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            outputs = session.scalar(select(func.count()).select_from(Output)) or 0
            mentions = session.scalar(select(func.count()).select_from(Mention)) or 0
    finally:
        engine.dispose()
    return outputs, mentions


def prepare(url: str, outputs: int, mentions: int, actors: int, reuse: bool) -> dict:
    """Make sure the database holds the workload; returns generator timings (or {})."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite" and not reuse:
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            if path and os.path.exists(path + suffix):
                os.remove(path + suffix)
    have = _counts(url)
    if have == (outputs, mentions) and reuse:
        print(f"reusing {url}: {have[0]:,} outputs, {have[1]:,} mentions")
        return {}
    if have[0]:
        raise SystemExit(
            f"{url} holds {have[0]:,} outputs and {have[1]:,} mentions, not the "
            f"{outputs:,}/{mentions:,} asked for: use another (empty) database"
        )
    print(f"generating {outputs:,} outputs and {mentions:,} mentions into {url}")
    return generate(url, outputs, mentions, actors)


def child_rescore(url: str) -> None:
    """Run in a fresh process: one full rescore; prints a JSON line with the figures."""
    from altscope.scoring import rescore

    engine = make_engine(url)
    started = time.perf_counter()
    report = rescore(engine)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    engine.dispose()
    print(
        "RESULT "
        + json.dumps({"seconds": wall, "peak_rss": peak_kb * 1024, "report": repr(report)[:2000]})
    )


def run_rescore(url: str) -> dict:
    command = [sys.executable, __file__, "--child-rescore", "--database-url", url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("rescore failed")
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def peers(url: str, n: int) -> dict:
    """Figures of plain work on the same machine, to read the others against."""
    engine = make_engine(url)
    figures = {}
    try:
        with engine.connect() as connection:
            started = time.perf_counter()
            rows = connection.execute(
                text("SELECT output_id, count(*) FROM mentions GROUP BY output_id")
            ).fetchall()
            figures["group_by_seconds"] = time.perf_counter() - started
            figures["group_by_rows"] = len(rows)
            del rows
    finally:
        engine.dispose()
    values = np.random.default_rng(1).random(n)
    started = time.perf_counter()
    np.sort(values)
    figures["numpy_sort_seconds"] = time.perf_counter() - started
    return figures


def context_alone(url: str) -> dict:
    """``context_arrays`` on the scores the rescore stored (read untimed)."""
    from altscope.scoring.context import context_arrays, journal_codes, published_days
    from altscope.scoring.rules import default_version

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(OutputScore.score, Output.container_title, Output.published)
                .join(Output, Output.id == OutputScore.output_id)
                .where(OutputScore.rules_version == default_version())
            ).all()
    finally:
        engine.dispose()
    if not rows:
        return {}
    scores = np.fromiter((r[0] for r in rows), dtype=np.float64, count=len(rows))
    journals = journal_codes([r[1] for r in rows])
    days = published_days([r[2] for r in rows])
    started = time.perf_counter()
    context_arrays(scores, journals, days)
    return {"context_seconds": time.perf_counter() - started, "context_outputs": len(rows)}


def incremental(url: str, samples: int, seed: int) -> dict:
    """Add one mention to each of ``samples`` random outputs; time ``update_output``."""
    from altscope.scoring import update_output
    from altscope.scoring.context import context_for_one
    from altscope.scoring.rules import default_version

    engine = make_engine(url)
    rng = np.random.default_rng(seed)
    update_ms, commit_ms, context_ms = [], [], []
    run = utcnow().strftime("%Y%m%d%H%M%S%f")
    try:
        with transaction(engine) as session:
            top = session.scalar(select(func.max(Output.id))) or 0
        ids = rng.choice(np.arange(1, top + 1), size=min(samples, top), replace=False)
        for i, output_id in enumerate(ids.tolist()):
            started = time.perf_counter()
            with transaction(engine) as session:
                add_mention(
                    session,
                    output_id,
                    "twitter",
                    native_id=f"bench-{run}-{i}",
                    occurred_at=utcnow() - timedelta(minutes=5),
                )
                session.flush()
                t0 = time.perf_counter()
                update_output(session, output_id)
                update_ms.append((time.perf_counter() - t0) * 1000)
            commit_ms.append((time.perf_counter() - started) * 1000)
        version = default_version()
        with transaction(engine) as session:
            for output_id in ids[: min(50, len(ids))].tolist():
                t0 = time.perf_counter()
                context_for_one(session, output_id, 1.0, version)
                context_ms.append((time.perf_counter() - t0) * 1000)
    finally:
        engine.dispose()

    def p95(values: list[float]) -> float:
        return float(np.percentile(values, 95))

    return {
        "first_update_ms": update_ms[0],  # builds this process's context index
        "update_median_ms": median(update_ms),
        "update_p95_ms": p95(update_ms),
        "with_mention_and_commit_median_ms": median(commit_ms),
        "context_for_one_median_ms": median(context_ms) if context_ms else None,
        "samples": len(update_ms),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/altscope-bench-scoring.db")
    parser.add_argument("--outputs", type=int, default=1_000_000)
    parser.add_argument("--mentions", type=int, default=10_000_000)
    parser.add_argument("--actors", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=200, help="incremental updates timed")
    parser.add_argument("--reuse", action="store_true", help="keep data already generated")
    parser.add_argument("--skip-rescore", action="store_true", help="only generate and peers")
    parser.add_argument("--child-rescore", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = normalize_url(args.database_url)
    if args.child_rescore:
        child_rescore(url)
        return

    backend = make_url(url).get_backend_name()
    results: dict = {
        "backend": backend,
        "outputs": args.outputs,
        "mentions": args.mentions,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    results["generator"] = prepare(url, args.outputs, args.mentions, args.actors, args.reuse)
    results["peers"] = peers(url, args.outputs)
    if not args.skip_rescore:
        results["rescore"] = run_rescore(url)
        results["context"] = context_alone(url)
        results["incremental"] = incremental(url, args.samples, seed=5)
    report(results)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"rescore-{backend}-{args.outputs}-{args.mentions}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwritten to {out}")


def report(r: dict) -> None:
    print(
        f"\n== rescore benchmark: {r['backend']}, {r['outputs']:,} outputs, "
        f"{r['mentions']:,} mentions, {r['cpus']} CPUs =="
    )
    if r["generator"]:
        print(
            f"generator: {r['generator']['total']:.1f} s "
            + ", ".join(f"{k} {v:.1f}" for k, v in r["generator"].items() if k != "total")
        )
    p = r["peers"]
    print(
        f"peer: GROUP BY output_id over mentions {p['group_by_seconds']:.2f} s "
        f"({p['group_by_rows']:,} rows); numpy sort of {r['outputs']:,} floats "
        f"{p['numpy_sort_seconds'] * 1000:.0f} ms"
    )
    if "rescore" not in r:
        return
    s = r["rescore"]
    print(f"stages: {s['report'].split('stages=')[-1].rstrip(')')}")
    gb = s["peak_rss"] / 1024**3
    print(
        f"full rescore: {s['seconds']:.1f} s (goal {GOAL_SECONDS:.0f} s: "
        f"x{s['seconds'] / GOAL_SECONDS:.2f}; x{s['seconds'] / p['group_by_seconds']:.1f} the "
        f"GROUP BY), peak RSS {gb:.2f} GB (goal 2 GB: x{s['peak_rss'] / GOAL_BYTES:.2f})"
    )
    if r.get("context"):
        c = r["context"]
        print(
            f"context_arrays alone: {c['context_seconds']:.2f} s for "
            f"{c['context_outputs']:,} outputs "
            f"(x{c['context_seconds'] / p['numpy_sort_seconds']:.0f} a numpy sort)"
        )
    i = r["incremental"]
    print(
        f"update_output after a new mention: median {i['update_median_ms']:.2f} ms, p95 "
        f"{i['update_p95_ms']:.2f} ms over {i['samples']} outputs (goal 5 ms: "
        f"x{i['update_median_ms'] / GOAL_UPDATE_MS:.2f}); with add_mention + commit: median "
        f"{i['with_mention_and_commit_median_ms']:.2f} ms; context_for_one alone: median "
        f"{i['context_for_one_median_ms']:.2f} ms; first call (builds the context index) "
        f"{i.get('first_update_ms', float('nan')):.0f} ms"
    )
    print(f"load average at start: {r.get('load_average_at_start')}")


if __name__ == "__main__":
    main()
