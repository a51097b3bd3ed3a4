"""Every command of the CLI has a help text and answers --help."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from altscope.cli import app

runner = CliRunner()


def _command_paths(command, path: tuple[str, ...] = ()):
    yield path, command
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _command_paths(sub, (*path, name))


COMMANDS = list(_command_paths(typer.main.get_command(app)))


def test_the_cli_has_the_foundation_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    for expected in ("db upgrade", "add", "import", "enrich", "worker", "demo", "ids find"):
        assert expected in names, f"missing command: altscope {expected}"


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(p) or "altscope" for p, _ in COMMANDS]
)
def test_help_everywhere(path, command):
    assert (command.help or "").strip(), f"altscope {' '.join(path)} has no help text"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("altscope ")
