"""``altscope rescore``, ``explain`` and ``rules`` (registered on a bare Typer app)."""

from __future__ import annotations

import json

import pytest
import typer
from tests.scoring.score_data import build_world, doi
from typer.testing import CliRunner

from altscope.commands import score
from altscope.scoring.rules import DEFAULT_VERSION

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    score.register(app)
    return app


def invoke(app, *args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_rescore_then_explain(app, engine, db_url):
    world = build_world(engine)
    result = invoke(app, "rescore", "--database-url", db_url)
    assert result.exit_code == 0, result.output
    assert f"Rescored {len(world.outputs)} outputs" in result.output
    assert DEFAULT_VERSION in result.output
    as_json = invoke(app, "explain", f"doi:{doi(0).value}", "--json", "--database-url", db_url)
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert data["version"] == DEFAULT_VERSION and data["contributions"]
    # The same output by bare DOI and by id; a table this time.
    bare = invoke(app, "explain", doi(0).value, "--database-url", db_url)
    assert bare.exit_code == 0 and f"Output {data['output_id']}: score" in bare.output
    by_id = invoke(app, "explain", data["output_id"], "--json", "--database-url", db_url)
    assert json.loads(by_id.output)["score"] == data["score"]


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("doi:10.9999/unknown", "no output is known by doi:10.9999/unknown"),
        ("999999", "no output with id 999999"),
        ("not an id", "neither an output id nor an identifier"),
    ],
)
def test_explain_of_something_unknown_is_a_clear_error(app, db_url, identifier, message):
    result = invoke(app, "explain", identifier, "--database-url", db_url)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_unknown_version_is_a_clear_error(app, engine, db_url):
    build_world(engine, n_mentions=5)
    result = invoke(app, "rescore", "--version", "nope", "--database-url", db_url)
    assert result.exit_code == 1
    assert "unknown rules version 'nope'" in " ".join(result.output.split())


def test_rules_list_and_show(app, db_url):
    listed = invoke(app, "rules", "list", "--database-url", db_url)
    assert listed.exit_code == 0 and DEFAULT_VERSION in listed.output and "shipped" in listed.output
    shown = invoke(app, "rules", "show", "--database-url", db_url)
    assert shown.exit_code == 0
    assert f'version = "{DEFAULT_VERSION}"' in shown.output and "[weights.news]" in shown.output
    missing = invoke(app, "rules", "show", "nope", "--database-url", db_url)
    assert missing.exit_code == 1
