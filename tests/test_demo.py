"""The demo runs the real pipeline: imported outputs, matched posts, mentions with evidence."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from altscope.cli import app
from altscope.demo import mention_counts, run_demo, sample_posts
from altscope.ids import parse
from altscope.store.db import transaction
from altscope.store.outputs import find_output
from altscope.store.schema import Evidence, Mention, Output


def _counts(engine) -> tuple[int, int, int]:
    with transaction(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Output)),
            session.scalar(select(func.count()).select_from(Mention)),
            session.scalar(select(func.count()).select_from(Evidence)),
        )


def test_demo_turns_posts_into_mentions_with_evidence(engine):
    report = run_demo(engine)
    assert report.imported.added == 9
    assert not report.imported.errors
    assert report.posts == sum(1 for _ in sample_posts())
    outputs, mentions, evidence = _counts(engine)
    assert outputs == 9
    assert mentions == report.new_mentions > 0
    assert 0 < evidence <= report.posts

    with transaction(engine) as session:
        rows = session.scalars(select(Mention)).all()
        # Offline, the percolator's cheapest rungs: identifiers in text and URLs, and URL rules.
        assert {m.match_method for m in rows} == {"text-id", "url-id", "url-rule"}
        by_native = {m.native_id: m for m in rows}
        nature_link = by_native["at://did:plc:demo02/app.bsky.feed.post/3k2"]
        assert (nature_link.match_method, nature_link.match_verification) == (
            "url-rule",
            "recognised-domain",
        )
        # Every mention's evidence is the post exactly as read, and names the mention's output.
        for mention in rows:
            post = json.loads(mention.evidence.body())
            assert post["native_id"] == mention.native_id
        # A versioned arXiv link counts for the work; a URL-encoded DOI URL is read too.
        attention = find_output(session, "arxiv", parse("arXiv:1706.03762").value)
        ioannidis = find_output(session, "doi", "10.1371/journal.pmed.0020124")
        by_output = {o.id: c for o, c in mention_counts(engine)}
        assert by_output[attention.id]["bluesky"] == 1
        assert by_output[ioannidis.id]["news"] == 1


def test_running_the_demo_again_changes_nothing(engine):
    run_demo(engine)
    before = _counts(engine)
    again = run_demo(engine)
    assert again.new_mentions == 0
    assert again.imported.added == 0
    assert _counts(engine) == before


def test_demo_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(app, ["demo", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "Attention Is All You Need" in result.output
    assert "evidence sha256:" in result.output
