"""What to look at in the demo: the start page's guided tour.

:func:`tour` returns ``{section: [entry, ...]}`` (sections in display order), each entry
``{"label": str, "href": str, "note": str}`` with ``href`` a path on this site. It is empty
for a database the demo did not build, so the start page falls back to its usual content.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from altscope.store.cursors import get_cursor
from altscope.store.schema import Mention, Output, OutputIdentifier, OutputScore

__all__ = ["tour"]

DEMO_CURSOR = "demo"  # altscope.demo.pipeline.DEMO_CURSOR (not imported: it pulls in the pipeline)


def _version() -> str | None:
    try:
        from altscope.scoring.rules import default_version
    except ImportError:
        return None
    return default_version()


def _entry(label: str, href: str, note: str) -> dict[str, str]:
    return {"label": label, "href": href, "note": note}


def _path(value: str) -> str:
    return quote(value, safe="/:")


def _scores(session: Session) -> dict[int, OutputScore]:
    version = _version()
    query = select(OutputScore)
    if version is not None:
        query = query.where(OutputScore.rules_version == version)
    return {row.output_id: row for row in session.scalars(query)}


def _outputs(session: Session) -> dict[int, Output]:
    rows = session.scalars(
        select(Output).where(Output.merged_into.is_(None)).options(selectinload(Output.identifiers))
    )
    return {output.id: output for output in rows}


def _posts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Mention.output_id, func.count())
        .where(Mention.removed_at.is_(None))
        .group_by(Mention.output_id)
    )
    return dict(rows.all())


def _ranked(outputs: dict[int, Output], scores: dict[int, OutputScore], posts: dict[int, int]):
    """Outputs by score (else by posts), highest first."""

    def key(output_id: int) -> tuple[float, int, int]:
        score = scores.get(output_id)
        return (-(score.score if score else 0.0), -posts.get(output_id, 0), output_id)

    return sorted(outputs, key=key)


def _score_note(score: OutputScore | None, posts: int) -> str:
    if score is None:
        return f"{posts} mentions"
    sources = len(score.sources or {})
    return f"score {score.display_score} from {posts} mentions on {sources} sources"


def _flag_note(score: OutputScore, kind: str) -> str | None:
    for flag in score.flags or []:
        if flag.get("kind") == kind:
            return str(flag.get("reason") or kind)
    return None


def _highlights(session, outputs, scores, posts, ranked) -> list[dict[str, str]]:
    entries = []
    if ranked:
        top = outputs[ranked[0]]
        entries.append(
            _entry(
                f"The output with the most attention: {top.title}",
                f"/details/{top.id}",
                f"{_score_note(scores.get(top.id), posts.get(top.id, 0))}. Its details page "
                "has the timeline, who is talking and from where, and every mention with the "
                "evidence it was matched from.",
            )
        )
        entries.append(
            _entry(
                "Where every point of that score comes from",
                f"/details/{top.id}/explain",
                "Each mention with its rule, weight and modifiers: the score is auditable.",
            )
        )
    attention = session.scalar(
        select(OutputIdentifier.output_id).where(
            OutputIdentifier.scheme == "arxiv", OutputIdentifier.value == "arXiv:1706.03762"
        )
    )
    if attention is not None and attention in outputs:
        entries.append(
            _entry(
                "A real, famous paper: Attention Is All You Need",
                "/details/arxiv/1706.03762",
                f"{_score_note(scores.get(attention), posts.get(attention, 0))}; looked up by "
                "its arXiv id (a details page for any identifier: /details/{scheme}/{id}).",
            )
        )
    return entries


def _flagged(outputs, scores, posts, ranked) -> list[dict[str, str]]:
    entries = []
    labels = {
        "burst": "A burst: a few accounts posting about one paper dozens of times in an hour",
        "jump": "A jump: one day of posts from brand-new accounts that mention nothing else",
        "bot": "A bot: a self-declared feed account posting every new paper",
    }
    for kind, label in labels.items():
        for output_id in ranked:
            score = scores.get(output_id)
            reason = _flag_note(score, kind) if score else None
            if reason:
                entries.append(
                    _entry(
                        f"{label} ({outputs[output_id].title})",
                        f"/details/{output_id}/explain",
                        f"Flagged: {reason}. Flagged mentions are listed but count no points.",
                    )
                )
                break
    return entries


_BY_SCHEME = (
    ("isbn", "A book, by its ISBN", "book"),
    ("arxiv", "A preprint, by its arXiv id", "posted-content"),
    ("pmid", "An article, by its PubMed id", "journal-article"),
    ("handle", "A repository report, by its Handle", "report"),
    ("doi", "A dataset, by its DOI", "dataset"),
)


def _identifier(output: Output, scheme: str) -> str | None:
    return next((i.value for i in output.identifiers if i.scheme == scheme), None)


def _by_identifier(outputs, scores, posts, ranked) -> list[dict[str, str]]:
    entries = []
    for scheme, label, kind in _BY_SCHEME:
        for output_id in ranked:
            output = outputs[output_id]
            value = _identifier(output, scheme)
            if output.type != kind or value is None or not posts.get(output_id):
                continue
            shown = value.removeprefix("arXiv:")
            entries.append(
                _entry(
                    f"{label}: {output.title}",
                    f"/details/{scheme}/{_path(shown)}",
                    f"{scheme}:{shown}, {_score_note(scores.get(output_id), posts[output_id])}.",
                )
            )
            break
    return entries


def _embeds_and_apis(outputs, ranked) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    doi_output = next((i for i in ranked if _identifier(outputs[i], "doi")), None)
    badges = [
        _entry(
            "The bookmarklet",
            "/bookmarklet",
            "Drag it to the bookmarks bar; on any article "
            "page it opens that article's altscope details.",
        ),
    ]
    apis = [
        _entry(
            "API documentation",
            "/docs",
            "The native API and the Altmetric-v1 compatible API, with an OpenAPI description.",
        )
    ]
    if doi_output is not None:
        doi = _identifier(outputs[doi_output], "doi") or ""
        badges.insert(
            0,
            _entry(
                "A badge (SVG) to embed on an article page",
                f"/badge/doi/{_path(doi)}.svg?type=medium-donut",
                "Colours show the sources; the number is the score. Also: /embed.js.",
            ),
        )
        apis += [
            _entry(
                f"Altmetric-compatible counts: /v1/doi/{doi}",
                f"/v1/doi/{_path(doi)}",
                "Existing Altmetric API clients work unchanged.",
            ),
            _entry(
                f"Native API: /api/outputs/{doi_output}/score",
                f"/api/outputs/{doi_output}/score",
                "Score, per-source totals, categories, history, context and flags.",
            ),
            _entry("All sources", "/api/sources", "Every source and its category."),
        ]
    return badges, apis


def tour(session: Session) -> dict[str, list[dict[str, str]]]:
    """The demo's guided tour (``{}`` when this database is not a demo database)."""
    state = get_cursor(session, DEMO_CURSOR)
    if not isinstance(state, dict):
        return {}
    outputs = _outputs(session)
    scores = _scores(session)
    posts = _posts(session)
    ranked = _ranked(outputs, scores, posts)
    sources = session.scalar(
        select(func.count(func.distinct(Mention.source_id))).where(Mention.removed_at.is_(None))
    )
    badges, apis = _embeds_and_apis(outputs, ranked)
    result: dict[str, Any] = {
        "about_this_demo": [
            _entry(
                f"{len(outputs)} research outputs, {sum(posts.values())} mentions from "
                f"{sources} kinds of source",
                "/outputs",
                "Made-up outputs, people and posts (plus nine real, well-known papers), "
                "generated for the demo and run through the real percolator and scoring. "
                "Journals, DOIs and accounts are fictional.",
            )
        ],
        "start_here": _highlights(session, outputs, scores, posts, ranked),
        "suspicious_activity": _flagged(outputs, scores, posts, ranked),
        "look_up_by_identifier": _by_identifier(outputs, scores, posts, ranked),
        "badges_and_embeds": badges,
        "for_developers": apis,
    }
    return {key: value for key, value in result.items() if value}
