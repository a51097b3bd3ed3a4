"""Real rows for badge, embed and bookmarklet tests: outputs with identifiers and score rows.

Score rows are inserted directly (``OutputScore``), in the shapes of the scoring contract, so
these tests do not depend on the scorer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, delete

from altscope.ids import parse
from altscope.scoring.rules import DEFAULT_VERSION
from altscope.store.db import transaction
from altscope.store.outputs import upsert_output
from altscope.store.schema import OutputScore

#: (key, name, category) of the sources used in the tests.
SOURCES = {
    "news": ("News", "mentions"),
    "blog": ("Blogs", "mentions"),
    "bluesky": ("Bluesky", "social_media"),
    "wikipedia": ("Wikipedia", "mentions"),
    "policy": ("Policy documents", "mentions"),
}


@dataclass(frozen=True)
class Scored:
    """An output created for a test."""

    output_id: int
    score: int
    posts: dict[str, int]


def source_rows(posts: Mapping[str, int], points: Mapping[str, float]) -> dict[str, dict]:
    return {
        key: {
            "name": SOURCES[key][0],
            "category": SOURCES[key][1],
            "posts": count,
            "accounts": count,
            "score": float(points.get(key, 0.0)),
        }
        for key, count in posts.items()
    }


def add_output(
    engine: Engine,
    identifiers: Sequence[str | tuple[str, str]],
    *,
    title: str | None = None,
    posts: Mapping[str, int] | None = None,
    points: Mapping[str, float] | None = None,
    score: int | None = None,
    version: str = DEFAULT_VERSION,
) -> Scored:
    """An output known by ``identifiers`` ("10.1/x" or (text, scheme)), with a score row
    unless ``posts`` is None."""
    parsed = [parse(i) if isinstance(i, str) else parse(i[0], i[1]) for i in identifiers]
    with transaction(engine) as session:
        output = upsert_output(session, parsed)
        output.title = title
        session.flush()
        output_id = output.id
        if posts is not None:
            points = points or {key: float(count) for key, count in posts.items()}
            total = sum(points.values())
            shown = round(total) if score is None else score
            session.add(
                OutputScore(
                    output_id=output_id,
                    rules_version=version,
                    score=float(total),
                    display_score=shown,
                    posts=sum(posts.values()),
                    accounts=sum(posts.values()),
                    sources=source_rows(posts, points),
                    categories={},
                    history={},
                    context={},
                    flags=[],
                )
            )
    return Scored(output_id, 0 if posts is None else shown, dict(posts or {}))


def set_score(
    engine: Engine,
    output_id: int,
    posts: Mapping[str, int],
    score: int,
    version: str = DEFAULT_VERSION,
) -> None:
    """Replace an output's score row."""
    with transaction(engine) as session:
        session.execute(delete(OutputScore).where(OutputScore.output_id == output_id))
        session.add(
            OutputScore(
                output_id=output_id,
                rules_version=version,
                score=float(score),
                display_score=score,
                posts=sum(posts.values()),
                accounts=sum(posts.values()),
                sources=source_rows(posts, {k: float(v) for k, v in posts.items()}),
            )
        )
