"""PlumX-style categories: usage, captures, mentions, social media, citations.

An output's category totals are its non-removed mentions counted by their source's category,
plus the metric snapshots (``MetricSnapshot``) of the kinds in :data:`METRIC_CATEGORY`. For each
(provider, kind) the running total is the value of the latest daily period (``2024-05-17``);
a (provider, kind) that only has monthly periods (``2024-05``) adds up its months.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from altscope.scoring.score import CATEGORIES

#: Metric kinds and the category they add to.
METRIC_CATEGORY = {
    "views": "usage",
    "downloads": "usage",
    "readers": "captures",
    "saves": "captures",
    "citations": "citations",
}


def metric_totals(rows: Iterable[tuple[int, str, str, str, int]]) -> dict[int, dict[str, int]]:
    """Category totals per output from (output_id, provider, kind, period, value) rows."""
    daily: dict[tuple[int, str, str], tuple[str, int]] = {}
    monthly: dict[tuple[int, str, str], int] = {}
    for output_id, provider, kind, period, value in rows:
        if kind not in METRIC_CATEGORY:
            continue
        key = (output_id, provider, kind)
        if len(period) == 7:  # YYYY-MM
            monthly[key] = monthly.get(key, 0) + int(value)
        else:
            seen = daily.get(key)
            if seen is None or period > seen[0]:
                daily[key] = (period, int(value))
    totals: dict[int, dict[str, int]] = {}
    for key, value in [(k, v[1]) for k, v in daily.items()] + [
        (k, v) for k, v in monthly.items() if k not in daily
    ]:
        output_id, _, kind = key
        bucket = totals.setdefault(output_id, {})
        category = METRIC_CATEGORY[kind]
        bucket[category] = bucket.get(category, 0) + value
    return totals


def categories_json(mentions: list[int], metrics: dict[str, int] | None) -> dict[str, Any]:
    """The ``categories`` JSON from mention counts per category (CATEGORIES order) and metrics."""
    result = dict(zip(CATEGORIES, mentions, strict=True))
    for category, value in (metrics or {}).items():
        result[category] += value
    return result


METRIC_SQL = (
    "SELECT output_id, provider, kind, period, value FROM metric_snapshots "
    "WHERE kind IN ('views', 'downloads', 'readers', 'saves', 'citations')"
)
