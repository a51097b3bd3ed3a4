"""What the modifiers need per mention, computed with numpy over many mentions at once.

* the news outlet tier of a mention's URL (``altscope.scoring.places.outlet_info``);
* whether the account was promiscuous in the mention's window;
* per-account posting statistics (for the single-publisher modifier);
* anomaly flags (``altscope.scoring.anomalies.find_anomalies``).

The helpers from other modules are imported lazily: without them scoring still works (no
outlet tiers, no flags).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from altscope.scoring.score import TIER_UNKNOWN, packed_order, tier_code


@lru_cache(maxsize=65_536)
def host_tier(host: str) -> int:
    """The tier code of a news outlet host (unknown outlet: ``TIER_UNKNOWN``)."""
    try:
        from altscope.scoring.places import outlet_info
    except ImportError:
        return TIER_UNKNOWN
    outlet = outlet_info(host)
    return tier_code(getattr(outlet, "tier", None)) if outlet is not None else TIER_UNKNOWN


def url_tier(url: str | None) -> int:
    """The tier code of the outlet a story URL belongs to."""
    if not url:
        return TIER_UNKNOWN
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("http", "https"):
        # The common case without urlsplit: the host is what precedes the path, query or
        # fragment; anything unusual in it (userinfo, IPv6, odd characters) takes the slow path.
        end = len(rest)
        for stop in "/?#":
            at = rest.find(stop, 0, end)
            if at >= 0:
                end = at
        netloc = rest[:end]
        if netloc and not any(c in netloc for c in "@[]\\% \t\r\n") and netloc.isascii():
            host = netloc.partition(":")[0].lower()
            return host_tier(host) if host else TIER_UNKNOWN
    try:
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    except ValueError:
        return TIER_UNKNOWN
    return host_tier(host) if host else TIER_UNKNOWN


def window_of(time: np.ndarray, window_seconds: int) -> np.ndarray:
    """The promiscuity window number of each time (fixed windows from the epoch)."""
    return time // window_seconds


def distinct_outputs_per_window(
    actor: np.ndarray, time: np.ndarray, output: np.ndarray, window_seconds: int
) -> np.ndarray:
    """For each mention: distinct outputs its account mentioned in the mention's window
    (0 for mentions without an account)."""
    result = np.zeros(len(actor), dtype=np.int64)
    sel = np.flatnonzero(actor >= 0)
    if not len(sel):
        return result
    a, w, o = actor[sel], window_of(time[sel], window_seconds), output[sel]
    order = packed_order(a, w, o)
    if order is None:
        order = np.lexsort((o, w, a))
    a, w, o = a[order], w[order], o[order]
    new_pair = np.ones(len(a), dtype=bool)
    new_pair[1:] = (a[1:] != a[:-1]) | (w[1:] != w[:-1])
    new_triple = new_pair.copy()
    new_triple[1:] |= o[1:] != o[:-1]
    pair = np.cumsum(new_pair) - 1
    distinct = np.bincount(pair, weights=new_triple).astype(np.int64)
    result[sel[order]] = distinct[pair]
    return result


@dataclass
class ActorStats:
    """Posting statistics per account (arrays aligned on ``actor``)."""

    actor: np.ndarray
    mention_count: np.ndarray
    output_count: np.ndarray
    top_publisher_share: np.ndarray  # float64; NaN when no output has a known publisher


def actor_stats(actor: np.ndarray, output: np.ndarray, publisher: np.ndarray) -> ActorStats:
    """Statistics of every account over mentions (``publisher``: code per mention, -1
    unknown). The share is (distinct outputs of the top publisher) / (distinct outputs)."""
    sel = actor >= 0
    a, o, p = actor[sel], output[sel], publisher[sel]
    ids, mentions = np.unique(a, return_counts=True)
    if not len(ids):
        empty = np.zeros(0, dtype=np.int64)
        return ActorStats(empty, empty, empty, np.zeros(0))
    order = packed_order(a, o)
    if order is None:
        order = np.lexsort((o, a))
    a, o, p = a[order], o[order], p[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (o[1:] != o[:-1])
    a, p = a[first], p[first]  # one row per distinct (actor, output)
    index = np.searchsorted(ids, a)
    outputs = np.bincount(index, minlength=len(ids))
    known = p >= 0
    top = np.zeros(len(ids), dtype=np.int64)
    if known.any():
        ka, kp = index[known], p[known]
        order = packed_order(ka, kp)
        if order is None:
            order = np.lexsort((kp, ka))
        ka, kp = ka[order], kp[order]
        new = np.ones(len(ka), dtype=bool)
        new[1:] = (ka[1:] != ka[:-1]) | (kp[1:] != kp[:-1])
        group = np.cumsum(new) - 1
        per = np.bincount(group)
        np.maximum.at(top, ka[new], per)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(top > 0, top / np.maximum(outputs, 1), np.nan)
    return ActorStats(ids, mentions.astype(np.int64), outputs.astype(np.int64), share)


def single_publisher_accounts(
    output_count: np.ndarray, share: np.ndarray, params: Mapping[str, float]
) -> np.ndarray:
    """Which accounts the single-publisher modifier applies to."""
    with np.errstate(invalid="ignore"):
        return (output_count >= params["min_outputs"]) & (
            np.nan_to_num(share, nan=-1.0) >= params["share"]
        )


def anomaly_params(rules_params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The detector's parameters (its defaults overlaid with the rules'); None: no detector."""
    try:
        from altscope.scoring.anomalies import DEFAULT_PARAMS
    except ImportError:
        return None
    return {**DEFAULT_PARAMS, **rules_params}


#: ``Actor.kind_rule`` of self-declared bots (altscope.scoring.people).
BOT_RULE = "unknown.bot"


def detect(
    output: np.ndarray,
    actor: np.ndarray,
    time: np.ndarray,
    rules_params: Mapping[str, Any],
    bot_actors: np.ndarray | None = None,
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Anomaly flags: a label index per mention (-1: not flagged) and the (kind, reason) labels."""
    flag = np.full(len(output), -1, dtype=np.int32)
    params = anomaly_params(rules_params)
    if params is None or not len(output):
        return flag, []
    from altscope.scoring.anomalies import find_anomalies

    found = find_anomalies(
        np.asarray(output, dtype=np.int64),
        np.asarray(actor, dtype=np.int64),
        np.asarray(time, dtype=np.int64),
        params,
        bot_actors=bot_actors,
    )
    labels: dict[tuple[str, str], int] = {}
    for position, kind, reason in zip(
        np.asarray(found.index).tolist(), found.kind, found.reason, strict=True
    ):
        if flag[position] < 0:
            flag[position] = labels.setdefault((str(kind), str(reason)), len(labels))
    return flag, list(labels)
