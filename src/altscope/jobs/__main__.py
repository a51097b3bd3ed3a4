"""``python -m altscope.jobs``: the ``worker`` and ``jobs`` commands on their own.

The same code as ``altscope worker`` / ``altscope jobs``, usable without the full CLI.
"""

import typer

from altscope.commands.jobs import register

app = typer.Typer(
    name="altscope-jobs",
    help="Run and inspect altscope's durable jobs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
register(app)

if __name__ == "__main__":
    app()
