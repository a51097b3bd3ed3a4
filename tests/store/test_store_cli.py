"""``altscope db``: upgrade, current, info."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import make_url
from store_helpers import doi
from typer.testing import CliRunner

from altscope.commands.db import register
from altscope.config import get_settings
from altscope.store import migrate
from altscope.store.db import transaction
from altscope.store.outputs import merge_outputs, upsert_output


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """altscope (test)."""

    register(app)
    return app


def run(app: typer.Typer, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_help_texts(app: typer.Typer) -> None:
    result = run(app, "db", "--help")
    assert result.exit_code == 0
    for command in ("upgrade", "current", "info"):
        assert command in result.output
        assert run(app, "db", command, "--help").exit_code == 0


def test_upgrade_current_info(app: typer.Typer, empty_db_url: str) -> None:
    result = run(app, "db", "upgrade", "--database-url", empty_db_url)
    assert result.exit_code == 0, result.output
    assert f"to {migrate.head()}" in result.output
    assert "initial schema" in result.output
    assert migrate.current(empty_db_url) == migrate.head()

    again = run(app, "db", "upgrade", "--database-url", empty_db_url)
    # Rich wraps long lines at the terminal width: compare with whitespace collapsed.
    assert again.exit_code == 0 and "up to date" in " ".join(again.output.split())

    current = run(app, "db", "current", "--database-url", empty_db_url)
    assert current.exit_code == 0 and migrate.head() in current.output

    from altscope.store.db import make_engine

    engine = make_engine(empty_db_url)
    with transaction(engine) as session:
        keep = upsert_output(session, [doi("10.1/a")])
        merge_outputs(session, keep, upsert_output(session, [doi("10.1/b")]))
        upsert_output(session, [doi("10.1/c")])
    engine.dispose()
    info = run(app, "db", "info", "--database-url", empty_db_url)
    assert info.exit_code == 0, info.output
    lines = {line.split()[0]: line.split()[-1] for line in info.output.splitlines() if line.strip()}
    assert lines["outputs"] == "2"  # the merged alias is not counted
    assert lines["mentions"] == "0"
    assert lines["revision"] == migrate.head()


def test_uses_the_configured_database(app: typer.Typer, tmp_path: Path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'configured.db'}"
    monkeypatch.setenv("ALTSCOPE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        assert run(app, "db", "upgrade").exit_code == 0
    finally:
        get_settings.cache_clear()
    assert migrate.current(url) == migrate.head()


def test_info_hides_the_password(app: typer.Typer, db_url: str) -> None:
    if make_url(db_url).get_backend_name() != "postgresql":
        url = make_url("postgresql://someone:s3cret@127.0.0.1:1/nowhere")
        result = run(app, "db", "info", "--database-url", url.render_as_string(False))
        assert result.exit_code == 1
        assert "s3cret" not in result.output and "***" in result.output
        return
    url = make_url(db_url).set(password="s3cret")  # trust auth ignores it
    result = run(app, "db", "info", "--database-url", url.render_as_string(False))
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "***" in result.output
    assert "postgresql" in result.output


@pytest.mark.parametrize(
    ("command", "url", "message"),
    [
        ("info", "sqlite:///{tmp}/missing.db", "no database at"),
        ("current", "sqlite:///{tmp}/missing.db", "no database at"),
        ("upgrade", "sqlite:///{tmp}/no/such/dir/x.db", "unable to open database file"),
        ("upgrade", "nosuchdb://x", "not a database URL"),
    ],
)
def test_errors_are_one_clear_line(
    app: typer.Typer, tmp_path: Path, command: str, url: str, message: str
) -> None:
    result = run(app, "db", command, "--database-url", url.format(tmp=tmp_path))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "missing.db").exists()
