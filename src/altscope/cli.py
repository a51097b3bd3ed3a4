"""The ``altscope`` command."""

from __future__ import annotations

import typer
from rich.console import Console

from altscope import __version__

app = typer.Typer(
    name="altscope",
    help="Open, self-hosted altmetrics: follow the attention research outputs receive.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console()
err_console = Console(stderr=True)


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


def main() -> None:
    app()
