"""The details page of an output, gathered into one plain view object for the template.

Everything is aggregated: counts per source in SQL, one page of mentions, the timeline and the
people and places from :mod:`altscope.scoring`; the score, categories, history and context from
the stored rollup (``OutputScore``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from altscope.ids import resolver_url
from altscope.store.metrics import latest_metrics
from altscope.store.schema import Output, OutputScore
from altscope.web.badges.colors import color_for
from altscope.web.badges.svg import render as render_badge
from altscope.web.badges.svg import slices_from_sources
from altscope.web.pages import charts, queries, worldmap
from altscope.web.pages.cache import PageCache
from altscope.web.pages.scoring_view import (
    DEFAULT_VERSION,
    daily_series,
    demographics,
    get_score,
)

#: People kinds in display order, with the words a reader understands.
KIND_LABELS = {
    "public": "Members of the public",
    "researcher": "Researchers",
    "practitioner": "Practitioners (doctors, other professionals)",
    "communicator": "Science communicators (journalists, bloggers, editors)",
    "unknown": "Not classified",
}
KIND_COLORS = {
    "public": "#2f90b9",
    "researcher": "#7f3291",
    "practitioner": "#4cae4c",
    "communicator": "#e68a00",
    "unknown": "#9e9e9e",
}
#: History windows in display order.
WINDOWS = (
    ("1d", "past day"),
    ("2d", "past 2 days"),
    ("3d", "past 3 days"),
    ("4d", "past 4 days"),
    ("5d", "past 5 days"),
    ("6d", "past 6 days"),
    ("1w", "past week"),
    ("1m", "past month"),
    ("3m", "past 3 months"),
    ("6m", "past 6 months"),
    ("1y", "past year"),
    ("at", "all time"),
)
CATEGORIES = (
    ("usage", "Usage", "views and downloads"),
    ("captures", "Captures", "saved to reference managers, readers"),
    ("mentions", "Mentions", "news, blogs, Wikipedia, policy, Q&A"),
    ("social_media", "Social media", "posts, shares, likes"),
    ("citations", "Citations", "scholarly citations"),
)
CONTEXT_SETS = ("all", "journal", "similar_age_3m", "similar_age_journal_3m")


class PageOutOfRange(LookupError):
    """A tab page past the last page, or a source this output has no mentions from."""


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


@dataclass(frozen=True, slots=True)
class ContextLine:
    key: str
    heading: str
    sentence: str
    gauge: Markup


def context_lines(context: dict[str, Any] | None, journal: str | None) -> list[ContextLine]:
    """Readable sentences for the four comparison sets (``OutputScore.context``)."""
    lines = []
    journal = journal or "the same journal"
    for key in CONTEXT_SETS:
        ctx = (context or {}).get(key)
        if not ctx or not ctx.get("count"):
            continue
        count, rank, pct = int(ctx["count"]), int(ctx.get("rank") or 0), int(ctx.get("pct") or 0)
        heading, where = {
            "all": ("All research outputs", "of all outputs tracked"),
            "journal": (f"Outputs in {journal}", f"of outputs in {journal}"),
            "similar_age_3m": (
                "Outputs of a similar age",
                "of outputs published within 6 weeks either side",
            ),
            "similar_age_journal_3m": (
                f"Outputs of a similar age in {journal}",
                f"of outputs in {journal} published within 6 weeks either side",
            ),
        }[key]
        sentence = (
            f"Higher than {pct}% {where}; ranked {ordinal(rank)} of {count:,}"
            f" (mean score {float(ctx.get('mean') or 0):.1f})."
        )
        lines.append(ContextLine(key, heading, sentence, charts.gauge(pct, label=sentence)))
    return lines


@dataclass(frozen=True)
class Aggregates:
    """An output's grouped numbers: counts per source, the daily series, people and places."""

    counts: list[queries.SourceCount]
    people: dict[str, dict[str, int]]
    timeline: Markup
    world: Markup


def aggregates(
    session: Session,
    output_id: int,
    version: str,
    score: OutputScore | None,
    cache: PageCache | None = None,
    *,
    series: bool = True,
) -> Aggregates:
    """The grouped numbers of an output, from ``cache`` while the output has not changed."""

    def compute() -> Aggregates:
        counts = queries.source_counts(session, output_id)
        if not series:
            return Aggregates(counts, {}, Markup(""), Markup(""))
        people = demographics(session, output_id)
        legend = {c.key: {"name": c.name, "category": c.category} for c in counts}
        countries = {str(k).lower(): int(v) for k, v in people.get("countries", {}).items()}
        return Aggregates(
            counts,
            people,
            charts.timeline(daily_series(session, output_id, version), legend),
            worldmap.render_world_map(countries),
        )

    if cache is None:
        return compute()
    computed_at = score.computed_at if score is not None else None
    key = (
        "details",
        output_id,
        version,
        series,
        computed_at,
        queries.freshness(session, output_id),
    )
    return cache.get_or_compute(key, compute)


@dataclass
class Tabs:
    """The mention tabs: counts per source, the selected one, the page."""

    counts: list[queries.SourceCount]
    selected: str | None
    page: int
    pages: int
    total: int
    mentions: list[queries.MentionRow] = field(default_factory=list)


def mention_tabs(
    session: Session,
    output_id: int,
    counts: list[queries.SourceCount],
    source: str | None,
    page: int,
    version: str,
) -> Tabs:
    """One page of mentions under the tabs; raises PageOutOfRange for a page that isn't."""
    if source is not None and source not in {c.key for c in counts}:
        raise PageOutOfRange(f"this output has no mentions from source {source!r}")
    total = sum(c.posts for c in counts if source is None or c.key == source)
    pages = max(1, math.ceil(total / queries.PER_PAGE))
    if page > pages:
        raise PageOutOfRange(f"page {page} is past the last page ({pages})")
    rows = queries.mentions_page(
        session, output_id, source_key=source, page=page, rules_version=version
    )
    return Tabs(counts, source, page, pages, total, rows)


@dataclass
class DetailsView:
    """Everything the details template shows."""

    output: Output
    identifiers: list[tuple[str, str, str | None]]
    score: OutputScore | None
    version: str
    rules_sha256: str | None
    donut: Markup
    tabs: Tabs
    timeline: Markup
    world: Markup
    countries: list[tuple[str, str, int]]
    kinds: list[tuple[str, int]]
    kinds_chart: Markup
    sources_chart: Markup
    context: list[ContextLine]
    history: list[tuple[str, str, float, int]]
    categories: list[tuple[str, str, str, int]]
    metrics: list[tuple[str, str, int]]
    flags: list[dict[str, Any]]


def _identifiers(output: Output) -> list[tuple[str, str, str | None]]:
    out = []
    for ident in output.identifiers:
        try:
            url = resolver_url(ident.scheme, ident.value)
        except Exception:  # an unknown scheme stored by an older version: show it, no link
            url = None
        out.append((ident.scheme, ident.value, url))
    return out


def details_view(
    session: Session,
    output: Output,
    *,
    version: str = DEFAULT_VERSION,
    source: str | None = None,
    page: int = 1,
    cache: PageCache | None = None,
) -> DetailsView:
    """Gather the details page of ``output`` (canonical) under rules ``version``."""
    score = get_score(session, output.id, version)
    sources = dict(score.sources) if score is not None and score.sources else {}
    numbers = aggregates(session, output.id, version, score, cache)
    tabs = mention_tabs(session, output.id, numbers.counts, source, page, version)
    if not sources:
        sources = {
            c.key: {"name": c.name, "category": c.category, "posts": c.posts, "score": 0.0}
            for c in tabs.counts
        }
    title = output.title or "untitled output"
    donut = Markup(
        render_badge(
            "donut",
            "large",
            slices_from_sources(sources),
            score.display_score if score is not None else None,
            title=title,
        )
    )
    people = numbers.people
    kinds = [
        (KIND_LABELS.get(k, k), int(n))
        for k, n in sorted(
            people.get("kinds", {}).items(),
            key=lambda kv: list(KIND_LABELS).index(kv[0]) if kv[0] in KIND_LABELS else 99,
        )
        if n
    ]
    kind_rows = [
        (KIND_LABELS.get(k, k), int(n), KIND_COLORS.get(k, "#9e9e9e"))
        for k, n in people.get("kinds", {}).items()
        if n
    ]
    country_counts = {str(k).lower(): int(v) for k, v in people.get("countries", {}).items() if v}
    countries = sorted(
        ((cc.upper(), worldmap.country_name(cc), n) for cc, n in country_counts.items()),
        key=lambda row: (-row[2], row[1]),
    )
    history_json = score.history if score is not None else {}
    history = [
        (
            key,
            label,
            float(history_json[key].get("score") or 0),
            int(history_json[key].get("posts") or 0),
        )
        for key, label in WINDOWS
        if key in (history_json or {})
    ]
    cats = score.categories if score is not None and score.categories else {}
    categories = [(key, name, what, int(cats.get(key) or 0)) for key, name, what in CATEGORIES]
    metrics = sorted(
        (provider, kind, value)
        for (provider, kind), value in latest_metrics(session, output).items()
    )
    source_rows = [(c.name, c.posts, color_for(c.key, c.category)) for c in tabs.counts]
    return DetailsView(
        output=output,
        identifiers=_identifiers(output),
        score=score,
        version=version,
        rules_sha256=queries.rules_sha256(session, version),
        donut=donut,
        tabs=tabs,
        timeline=numbers.timeline,
        world=numbers.world,
        countries=countries,
        kinds=kinds,
        kinds_chart=charts.bars(kind_rows, label="People by kind", unit=" accounts"),
        sources_chart=charts.bars(source_rows, label="Mentions per source", unit=" mentions"),
        context=context_lines(score.context if score is not None else None, output.container_title),
        history=history,
        categories=categories,
        metrics=metrics,
        flags=list(score.flags or []) if score is not None else [],
    )
