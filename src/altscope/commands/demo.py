"""``altscope demo``: build a realistic demo database through the real pipeline, then serve it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

from altscope.commands.common import console, database_errors, fail, progress_bar, shown_url
from altscope.demo.pipeline import BuildReport, build_demo, demo_state, needs_scores
from altscope.store import migrate
from altscope.store.db import is_sqlite, make_engine, transaction
from altscope.store.schema import Actor, Evidence, Mention, Output, OutputScore, Source

DEMO_DATABASE = "sqlite:///altscope-demo.db"
FAMOUS = "arxiv/1706.03762"  # Attention Is All You Need: always in the demo


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def _delete_sqlite(database_url: str) -> None:
    path = make_url(database_url).database
    if path and path != ":memory:":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _build(engine: Engine, seed: int | None, scale: float | None) -> BuildReport:
    with progress_bar() as progress:
        task = progress.add_task("Building the demo", total=None)

        def step(name: str, done: int, total: int) -> None:
            progress.update(task, description=name, completed=done, total=total or None)

        report = build_demo(engine, seed=seed, scale=scale, progress=step)
        progress.update(task, description="built", completed=1, total=1)
        return report


def _summary(engine: Engine) -> dict[str, Any]:
    """What the demo database holds, for the printed summary."""
    with transaction(engine) as session:
        live = Mention.removed_at.is_(None)
        per_source = session.execute(
            select(Source.key, Source.category, func.count(Mention.id))
            .join(Mention, Mention.source_id == Source.id)
            .where(live)
            .group_by(Source.key, Source.category)
            .order_by(func.count(Mention.id).desc(), Source.key)
        ).all()
        top = session.execute(
            select(Output.id, Output.title, OutputScore.display_score, OutputScore.posts)
            .join(OutputScore, OutputScore.output_id == Output.id)
            .where(Output.merged_into.is_(None))
            .order_by(OutputScore.display_score.desc(), OutputScore.score.desc(), Output.id)
            .limit(10)
        ).all()
        if not top:  # not scored: the most mentioned
            top = session.execute(
                select(Output.id, Output.title, func.count(Mention.id), func.count(Mention.id))
                .join(Mention, Mention.output_id == Output.id)
                .where(live)
                .group_by(Output.id, Output.title)
                .order_by(func.count(Mention.id).desc(), Output.id)
                .limit(10)
            ).all()
        example = session.scalars(
            select(Mention)
            .join(Source, Source.id == Mention.source_id)
            .where(live, Mention.evidence_id.is_not(None))
            # the newest news story (a page with a link) shows the percolator best
            .order_by((Source.key == "news").desc(), Mention.occurred_at.desc(), Mention.id)
            .options(selectinload(Mention.source), selectinload(Mention.actor))
            .limit(1)
        ).first()
        evidence = session.get(Evidence, example.evidence_id) if example else None
        return {
            "outputs": session.scalar(
                select(func.count(Output.id)).where(Output.merged_into.is_(None))
            ),
            "actors": session.scalar(select(func.count(Actor.id))),
            "locations": session.scalar(
                select(func.count(func.distinct(Actor.location))).where(Actor.location.is_not(None))
            ),
            "per_source": per_source,
            "top": top,
            "example": None
            if example is None or evidence is None
            else {
                "who": example.actor.handle if example.actor else "someone",
                "source": example.source.key,
                "output_id": example.output_id,
                "method": example.match_method,
                "verification": example.match_verification,
                "sha": evidence.sha256,
                "size": evidence.size,
            },
        }


def _print_summary(database_url: str, report: BuildReport | None, facts: dict[str, Any]) -> None:
    if report is None:
        console.print(
            f"[bold]altscope demo[/] · database {shown_url(database_url)} (already built; "
            "--fresh builds it again)"
        )
    else:
        took = sum(report.timings.values())
        console.print(
            f"[bold]altscope demo[/] · database {shown_url(database_url)} · built in "
            f"{took:.1f} s (seed {report.seed}, times relative to {report.now:%Y-%m-%d})\n"
            f"Percolated {report.posts} posts offline into {report.new_mentions} new mentions."
        )
    total = sum(count for _, _, count in facts["per_source"])
    console.print(
        f"{facts['outputs']} outputs · {total} mentions from {len(facts['per_source'])} sources"
        f" · {facts['actors']} accounts in {facts['locations']} distinct places"
    )
    sources = Table(title="Mentions per source", box=box.SIMPLE_HEAD)
    sources.add_column("source")
    sources.add_column("category")
    sources.add_column("mentions", justify="right")
    for key, category, count in facts["per_source"]:
        sources.add_row(key, category, str(count))
    console.print(sources)
    top = Table(title="Top outputs", box=box.SIMPLE_HEAD)
    top.add_column("id", justify="right")
    top.add_column("output", overflow="ellipsis", max_width=52, no_wrap=True)
    top.add_column("score", justify="right")
    top.add_column("posts", justify="right")
    for output_id, title, score, posts in facts["top"]:
        top.add_row(str(output_id), escape(title or "(no title)"), str(score), str(posts))
    console.print(top)
    example = facts["example"]
    if example:
        console.print(
            f"Every mention is traceable. The newest story, by {escape(example['who'])} on "
            f"{example['source']} about output {example['output_id']}, was matched by "
            f"{example['method']} ({example['verification']}); the post is kept as evidence "
            f"sha256:{example['sha'][:12]}… ({example['size']} bytes).",
            soft_wrap=True,
        )


def _print_urls(base: str, facts: dict[str, Any], serving: bool) -> None:
    top_id = facts["top"][0][0] if facts["top"] else None
    links = [(f"{base}/", "the start page: what to look at")]
    if top_id is not None:
        links += [
            (f"{base}/details/{top_id}", "the output with the most attention"),
            (f"{base}/badge/id/{top_id}.svg", "its badge"),
        ]
    links += [
        (f"{base}/details/{FAMOUS}", "Attention Is All You Need, by its arXiv id"),
        (f"{base}/docs", "the API (native and Altmetric-v1 compatible)"),
    ]
    width = max(len(url) for url, _ in links)
    heading = "Open" if serving else "Serve it with `altscope demo` (without --no-serve), then open"
    lines = [f"  {url:<{width}}  {what}" for url, what in links]
    console.print(f"\n{heading}:\n" + "\n".join(lines), soft_wrap=True)


def demo(
    database_url: str = typer.Option(
        DEMO_DATABASE, "--database-url", help="Where the demo database goes."
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="Delete the demo SQLite file first and build it again."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to serve on."),
    port: int = typer.Option(8000, "--port", help="Port to serve on."),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Serve the site after building (until Ctrl-C)."
    ),
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="Seed of the generated world (default 2026; the same seed and day "
        "give the same data).",
    ),
    scale: float | None = typer.Option(
        None,
        "--scale",
        min=0.05,
        max=5.0,
        help="Size of the generated world: 1 is ~300 outputs, ~3,000 accounts and ~8,000 posts.",
    ),
) -> None:
    """Build a demo database through the real pipeline and serve the altscope site.

    Generates (deterministically, no network) ~300 research outputs with plausible metadata,
    ~3,000 accounts across ~40 countries and posts, stories, Wikipedia edits, policy documents,
    patents, reviews and syllabi about them, plus nine real, well-known papers; runs every post
    through the percolator offline, stores the mentions with their evidence, adds reader counts,
    citations and usage, scores everything, and serves the site at http://HOST:PORT/. Running
    it again reuses the database (same rows); --fresh builds it anew.
    """
    if fresh:
        if not is_sqlite(database_url):
            fail("--fresh deletes a SQLite file; for another database, give an empty one")
        _delete_sqlite(database_url)
    with database_errors(database_url):
        migrate.upgrade(database_url)
        engine = make_engine(database_url)
        state = demo_state(engine)
        report = None
        if state is None:
            report = _build(engine, seed, scale)
        elif seed is not None and seed != state.get("seed"):
            fail(
                f"this database holds the demo built with seed {state.get('seed')}; "
                "add --fresh to build it with another seed"
            )
        elif needs_scores(engine):
            started = time.perf_counter()
            from altscope.scoring import rescore

            rescore(engine)
            console.print(f"Scored the demo in {time.perf_counter() - started:.1f} s.")
        facts = _summary(engine)
    _print_summary(database_url, report, facts)
    base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    _print_urls(base, facts, serve)
    if not serve:
        engine.dispose()
        return
    _serve(engine, host, port)


def _serve(engine: Engine, host: str, port: int) -> None:
    import uvicorn

    from altscope.web.app import create_app

    console.print("\nServing; press Ctrl-C to stop.")
    try:
        uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")
    finally:
        engine.dispose()
