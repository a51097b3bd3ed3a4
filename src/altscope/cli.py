"""The ``altscope`` command."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from altscope import __version__
from altscope.commands import (
    check_page,
    db,
    demo,
    domains,
    ids,
    ingest,
    jobs,
    keys,
    percolate,
    score,
    serve,
)
from altscope.commands.common import console, fail

app = typer.Typer(
    name="altscope",
    help="Open, self-hosted altmetrics: follow the attention research outputs receive.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"altscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Open, self-hosted altmetrics: follow the attention research outputs receive."""


for module in (demo, ingest, percolate, check_page, domains, ids, db, jobs, score, serve, keys):
    module.register(app)


def main() -> None:
    try:
        app()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        fail(f"invalid configuration: {problems}", code=2)
