"""History: score and posts gained in windows before ``computed_at``, and daily series.

Windows (``OutputScore.history``): ``1d`` … ``6d``, ``1w`` (7 days), ``1m`` (30 days), ``3m``
(90 days), ``6m`` (180 days), ``1y`` (365 days) and ``at`` (all time). A window covers mentions
whose time (occurred_at, else harvested_at, in whole seconds) is after ``computed_at`` minus the
window; its score sums those mentions' points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from altscope.scoring.score import Batch

DAY = 86_400
#: Window name → seconds before ``computed_at`` (``None``: all time).
WINDOWS: Mapping[str, int | None] = {
    "1d": DAY,
    "2d": 2 * DAY,
    "3d": 3 * DAY,
    "4d": 4 * DAY,
    "5d": 5 * DAY,
    "6d": 6 * DAY,
    "1w": 7 * DAY,
    "1m": 30 * DAY,
    "3m": 90 * DAY,
    "6m": 180 * DAY,
    "1y": 365 * DAY,
    "at": None,
}


def window_sums(
    batch: Batch, points: np.ndarray, n_outputs: int, now: int
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per window: (score per output, posts per output) arrays."""
    result = {}
    for name, seconds in WINDOWS.items():
        if seconds is None:
            out, pts = batch.output, points
        else:
            take = batch.time > now - seconds
            out, pts = batch.output[take], points[take]
        result[name] = (
            np.bincount(out, weights=pts, minlength=n_outputs),
            np.bincount(out, minlength=n_outputs),
        )
    return result


def history_json(sums: dict[str, tuple[np.ndarray, np.ndarray]], i: int) -> dict[str, Any]:
    """The ``history`` JSON of output ``i``."""
    return {name: {"score": float(s[i]), "posts": int(p[i])} for name, (s, p) in sums.items()}


def daily(batch: Batch, points: np.ndarray, source_keys: list[str]) -> list[dict[str, Any]]:
    """Posts and score per (UTC day, source) of one output's scored mentions, oldest first."""
    from datetime import date, timedelta

    if not len(batch):
        return []
    day = batch.time // DAY
    order = np.lexsort((batch.source, day))
    d, s, p = day[order], batch.source[order], points[order]
    new = np.ones(len(d), dtype=bool)
    new[1:] = (d[1:] != d[:-1]) | (s[1:] != s[:-1])
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    score = np.bincount(group, weights=p)
    posts = np.bincount(group)
    epoch = date(1970, 1, 1)
    return [
        {
            "day": epoch + timedelta(days=int(d[k])),
            "source": source_keys[int(s[k])],
            "posts": int(posts[g]),
            "score": float(score[g]),
        }
        for g, k in enumerate(starts)
    ]
