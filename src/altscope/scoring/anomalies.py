"""Anomalies: bursts from few accounts, bots and sudden jumps, found in mention arrays.

Input is one element per mention (output id, actor id or -1, epoch seconds), in any order;
``find_anomalies`` returns the positions of the flagged mentions with a kind and a reason that
carries the numbers. Everything is vectorised with numpy: two sorts of the input (by actor and
by output) and linear passes; only windows that already look suspicious are examined one by one.
Rules and thresholds: docs/anomalies.md. A mention flagged for two reasons keeps the first of
bot, burst, jump.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

DEFAULT_PARAMS: dict[str, Any] = {
    # burst: an output gets >= burst_min_posts posts within burst_window_hours (UTC-aligned
    # windows, and the same windows shifted by half) and at most burst_max_accounts accounts
    # make >= burst_min_share of them: every post of those accounts in the window after its
    # first is flagged.
    "burst_window_hours": 1.0,
    "burst_min_posts": 20,
    "burst_max_accounts": 3,
    "burst_min_share": 0.8,
    # bot: an account with more than bot_hourly_posts posts within any 60 minutes, or more than
    # bot_daily_posts posts per active day on average (posts = distinct timestamps), or a
    # self-declared bot profile (bot_self_declared): all its mentions are flagged.
    "bot_hourly_posts": 30,
    "bot_daily_posts": 100,
    "bot_self_declared": True,
    # jump: an output's posts on one UTC day reach jump_min_posts and jump_factor x (median of
    # its previous jump_baseline_days days + 1), and the share of that day's posts made by
    # fresh accounts (first seen that day, never mentioning any other output) is at least
    # max(jump_fresh_share, the whole data's fresh share + jump_fresh_margin): the fresh
    # accounts' posts that day are flagged. Many established accounts = organic, not flagged.
    "jump_factor": 5.0,
    "jump_min_posts": 20,
    "jump_baseline_days": 30,
    "jump_fresh_share": 0.8,
    "jump_fresh_margin": 0.2,
}

KINDS = ("bot", "burst", "jump")  # precedence: a mention gets the first kind that flags it
_HOUR = 3600
_DAY = 86400
_TIME_BITS = 34  # relative seconds (544 years)
_BUCKET_BITS = 24  # hour or day buckets
_ID_LIMIT = 1 << (63 - _TIME_BITS)


@dataclass
class Anomalies:
    """Flagged mentions: positions in the input arrays (sorted, unique), kind and reason each."""

    index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: list[str] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.index)

    def counts(self) -> dict[str, int]:
        """Flagged mentions per kind."""
        return {k: self.kind.count(k) for k in KINDS if k in self.kind}


def resolve_params(params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """DEFAULT_PARAMS updated with ``params``; an unknown key or a bad value is a ValueError."""
    resolved = dict(DEFAULT_PARAMS)
    for key, value in (params or {}).items():
        if key not in DEFAULT_PARAMS:
            raise ValueError(
                f"unknown anomaly parameter {key!r}; known: {', '.join(DEFAULT_PARAMS)}"
            )
        default = DEFAULT_PARAMS[key]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"anomaly parameter {key!r} must be true or false")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"anomaly parameter {key!r} must be a number >= 0, not {value!r}")
        resolved[key] = type(default)(value)
    if resolved["burst_window_hours"] <= 0:
        raise ValueError("anomaly parameter 'burst_window_hours' must be > 0")
    return resolved


def _dense(ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Ids made small enough to pack with a time (factorised only when they are large)."""
    if len(ids) == 0:
        return ids, 0
    lo, hi = int(ids.min()), int(ids.max())
    if lo >= 0 and hi < _ID_LIMIT:
        return ids, hi + 1
    uniq, inverse = np.unique(ids, return_inverse=True)
    return inverse.astype(np.int64), len(uniq)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start positions and lengths of runs of equal values in sorted ``keys``."""
    if len(keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    lengths = np.diff(np.append(starts, len(keys)))
    return starts, lengths


class _Flags:
    """Kind and reason per mention, first writer wins."""

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, np.int8)  # 0 = not flagged, else 1 + KINDS index
        self.reason_id = np.zeros(n, np.int32)
        self.reasons: list[str] = [""]

    def add(self, positions: np.ndarray, kind: str, reason: str) -> int:
        positions = positions[self.code[positions] == 0]
        if len(positions):
            self.reasons.append(reason)
            self.code[positions] = KINDS.index(kind) + 1
            self.reason_id[positions] = len(self.reasons) - 1
        return len(positions)

    def result(self) -> Anomalies:
        index = np.flatnonzero(self.code).astype(np.int64)
        codes = self.code[index].tolist()
        ids = self.reason_id[index].tolist()
        return Anomalies(index, [KINDS[c - 1] for c in codes], [self.reasons[r] for r in ids])


def find_anomalies(
    output: np.ndarray,
    actor: np.ndarray,
    time: np.ndarray,
    params: Mapping[str, Any] | None = None,
    bot_actors: np.ndarray | None = None,
) -> Anomalies:
    """Flag bot, burst and jump mentions; see DEFAULT_PARAMS for the rules."""
    p = resolve_params(params)
    output = np.asarray(output, dtype=np.int64)
    actor = np.asarray(actor, dtype=np.int64)
    time = np.asarray(time, dtype=np.int64)
    n = len(output)
    if output.ndim != 1 or actor.shape != (n,) or time.shape != (n,):
        raise ValueError("output, actor and time must be 1-D arrays of the same length")
    flags = _Flags(n)
    if n == 0:
        return flags.result()
    base = (int(time.min()) // _DAY - 1) * _DAY  # whole UTC days, one day of margin
    rel = time - base
    if int(rel.max()) >= 1 << _TIME_BITS:
        raise ValueError("mention times span more than 500 years")

    actors = _ActorStats(actor, rel, output)
    declared = None
    if p["bot_self_declared"] and bot_actors is not None and len(bot_actors):
        declared = np.isin(actor, np.asarray(bot_actors, dtype=np.int64)) & (actor >= 0)
    _flag_bots(flags, actors, p, declared, actor)

    out_ids, _ = _dense(output)
    order = np.argsort((out_ids << _TIME_BITS) | rel)
    o_sorted = out_ids[order]
    t_sorted = rel[order]
    _flag_bursts(flags, order, o_sorted, t_sorted, actor, actors.repeats(n, p), p)
    _flag_jumps(flags, order, o_sorted, t_sorted, actor, output, actors, p, base)
    return flags.result()


class _ActorStats:
    """Per-actor posting figures from one sort of the known-actor mentions by (actor, time)."""

    def __init__(self, actor: np.ndarray, rel: np.ndarray, output: np.ndarray) -> None:
        known = np.flatnonzero(actor >= 0)
        ids, self.count = _dense(actor[known])
        key = (ids << _TIME_BITS) | rel[known]
        del ids
        order = np.argsort(key)  # keys hold the time: ties are the same post
        self.positions = known[order]  # input positions, grouped by actor, in time order
        del known
        self.key = key[order]
        del key, order
        self.starts, self.lengths = _runs(self.key >> _TIME_BITS)
        self.run_actor = actor[self.positions[self.starts]]  # real actor id per run
        outs = output[self.positions]
        single = np.minimum.reduceat(outs, self.starts) == np.maximum.reduceat(outs, self.starts)
        del outs
        self.single = single  # per run: never mentioned another output
        self.first_day = (self.key[self.starts] & ((1 << _TIME_BITS) - 1)) // _DAY
        runs = np.arange(len(self.starts), dtype=np.int32)
        self.run_of = np.repeat(runs, self.lengths)  # run per element

    def repeats(self, n: int, p: dict[str, Any]) -> np.ndarray:
        """Per input position: the actor posted (anything) less than a burst window before."""
        window = max(1, round(p["burst_window_hours"] * _HOUR))
        repeat = np.zeros(n, bool)
        if len(self.key) > 1:
            # Keys of different actors are far more than a window apart.
            repeat[self.positions[1:]] = (self.key[1:] - self.key[:-1]) < window
        return repeat


def _flag_bots(
    flags: _Flags,
    a: _ActorStats,
    p: dict[str, Any],
    declared: np.ndarray | None,
    actor: np.ndarray,
) -> None:
    if declared is not None and declared.any():
        for actor_id in np.unique(actor[declared]).tolist():
            where = np.flatnonzero(actor == actor_id)
            flags.add(where, "bot", "bot: the account's profile says it is a bot or a feed")
    if len(a.key) == 0:
        return
    # Posts are distinct (actor, second) pairs: one post citing three papers is one post.
    distinct = np.concatenate(([True], a.key[1:] != a.key[:-1]))
    post_key = a.key[distinct]
    post_run = a.run_of[distinct]
    posts = np.bincount(post_run, minlength=len(a.starts))
    day_key = (post_key >> _TIME_BITS << _BUCKET_BITS) | (
        (post_key & ((1 << _TIME_BITS) - 1)) // _DAY
    )
    new_day = np.concatenate(([True], day_key[1:] != day_key[:-1]))
    days = np.bincount(post_run[new_day], minlength=len(a.starts))
    per_day = posts / np.maximum(days, 1)
    limit = int(p["bot_hourly_posts"])
    hourly = np.zeros(len(a.starts), bool)
    if len(post_key) > limit:
        # More than `limit` posts within 60 minutes: post i and post i+limit are < 1 h apart
        # (same actor: keys of different actors differ by far more than an hour).
        close = (post_key[limit:] - post_key[:-limit]) < _HOUR
        hourly[post_run[:-limit][close]] = True
    daily = per_day > p["bot_daily_posts"]
    for run in np.flatnonzero(hourly | daily).tolist():
        if hourly[run]:
            reason = f"bot: more than {limit} posts within one hour"
        else:
            reason = (
                f"bot: {posts[run]} posts on {days[run]} active days "
                f"({per_day[run]:.0f} a day, more than {p['bot_daily_posts']})"
            )
        start = a.starts[run]
        flags.add(a.positions[start : start + a.lengths[run]], "bot", reason)


def _flag_bursts(
    flags: _Flags,
    order: np.ndarray,
    o_sorted: np.ndarray,
    t_sorted: np.ndarray,
    actor: np.ndarray,
    repeat: np.ndarray,
    p: dict[str, Any],
) -> None:
    window = max(1, round(p["burst_window_hours"] * _HOUR))
    min_posts = max(1, int(p["burst_min_posts"]))
    max_accounts = int(p["burst_max_accounts"])
    hours = f"{p['burst_window_hours']:g} h"
    # A window where <= k accounts make a share s of L posts holds >= s*L - k posts whose
    # account had posted less than a window before: a cheap necessary test over all windows.
    repeat_sum = np.concatenate(([0], np.cumsum(repeat[order], dtype=np.int64)))
    for offset in (0, window // 2):
        bucket = (o_sorted << _BUCKET_BITS) | ((t_sorted + offset) // window)
        starts, lengths = _runs(bucket)
        del bucket
        repeats = repeat_sum[starts + lengths] - repeat_sum[starts]
        busy = (lengths >= min_posts) & (repeats >= p["burst_min_share"] * lengths - max_accounts)
        starts, lengths = starts[busy], lengths[busy]
        for w in _concentrated(order, starts, lengths, actor, max_accounts, p).tolist():
            where = order[starts[w] : starts[w] + lengths[w]]
            acts = actor[where]
            ids, counts = np.unique(acts[acts >= 0], return_counts=True)
            top = np.argsort(-counts, kind="stable")[:max_accounts]
            heavy = ids[top][counts[top] >= 2]
            # Keep each heavy account's first post in the window (the window is in time
            # order); flag the rest.
            first = np.zeros(len(where), bool)
            first[np.unique(acts, return_index=True)[1]] = True
            excess = where[np.isin(acts, heavy) & ~first]
            reason = (
                f"burst: {int(counts[top].sum())} of {len(where)} posts in {hours} from "
                f"{len(heavy)} account{'s' if len(heavy) != 1 else ''}"
            )
            flags.add(excess, "burst", reason)


def _concentrated(
    order: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    actor: np.ndarray,
    max_accounts: int,
    p: dict[str, Any],
) -> np.ndarray:
    """Windows (indexes into starts) whose top ``max_accounts`` accounts make the min share."""
    if len(starts) == 0 or max_accounts <= 0:
        return np.zeros(0, np.int64)
    total = int(lengths.sum())
    window = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    acts = actor[order[offsets + np.arange(total)]]
    del offsets
    known = acts >= 0
    ids, _ = _dense(acts[known])
    if int(ids.max(initial=0)) >= 1 << 32:
        ids = np.unique(ids, return_inverse=True)[1].astype(np.int64)
    pairs, counts = np.unique((window[known] << 32) | ids, return_counts=True)
    # Within each window, accounts by descending count; the first max_accounts are the top.
    ranked = np.sort(((pairs >> 32) << 32) | ((1 << 32) - 1 - counts))
    pair_window = ranked >> 32
    pair_count = (1 << 32) - 1 - (ranked & ((1 << 32) - 1))
    first = np.searchsorted(pair_window, pair_window, side="left")
    top = (np.arange(len(ranked)) - first) < max_accounts
    top_posts = np.bincount(pair_window[top], weights=pair_count[top], minlength=len(starts))
    return np.flatnonzero(top_posts >= p["burst_min_share"] * lengths)


def _flag_jumps(
    flags: _Flags,
    order: np.ndarray,
    o_sorted: np.ndarray,
    t_sorted: np.ndarray,
    actor: np.ndarray,
    output: np.ndarray,
    a: _ActorStats,
    p: dict[str, Any],
    base: int,
) -> None:
    if len(a.key) == 0:
        return
    min_posts = max(1, int(p["jump_min_posts"]))
    baseline_days = max(1, int(p["jump_baseline_days"]))
    day_key = (o_sorted << _BUCKET_BITS) | (t_sorted // _DAY)
    starts, lengths = _runs(day_key)
    run_keys = day_key[starts]
    del day_key
    candidates = np.flatnonzero(lengths >= min_posts)
    if len(candidates) == 0:
        return
    # Fresh mentions: the actor's first day, and the actor never mentioned another output.
    elem_day = (a.key & ((1 << _TIME_BITS) - 1)) // _DAY
    fresh_elem = a.single[a.run_of] & (elem_day == a.first_day[a.run_of])
    fresh = np.zeros(len(actor), bool)
    fresh[a.positions] = fresh_elem
    threshold = min(1.0, max(p["jump_fresh_share"], fresh_elem.mean() + p["jump_fresh_margin"]))
    # Cheap test first: enough fresh posts that day.
    fresh_sum = np.concatenate(([0], np.cumsum(fresh[order], dtype=np.int64)))
    fresh_posts = (
        fresh_sum[starts[candidates] + lengths[candidates]] - fresh_sum[starts[candidates]]
    )
    candidates = candidates[fresh_posts >= threshold * lengths[candidates]]
    del fresh_sum
    for run in candidates.tolist():
        key = int(run_keys[run])
        day = key & ((1 << _BUCKET_BITS) - 1)
        lo = int(np.searchsorted(run_keys, key - baseline_days, side="left"))
        before = lengths[lo:run]
        if lo < run and (int(run_keys[lo]) >> _BUCKET_BITS) != key >> _BUCKET_BITS:
            before = lengths[lo:run][(run_keys[lo:run] >> _BUCKET_BITS) == key >> _BUCKET_BITS]
        series = np.zeros(baseline_days, np.int64)
        series[: len(before)] = before
        median = float(np.median(series))
        count = int(lengths[run])
        if count < p["jump_factor"] * (median + 1):
            continue
        where = order[starts[run] : starts[run] + count]
        fresh_here = where[fresh[where]]
        if len(fresh_here) < threshold * count:
            continue
        date = datetime.fromtimestamp(base + day * _DAY, UTC).date().isoformat()
        accounts = len(np.unique(actor[fresh_here]))
        reason = (
            f"jump: {count} posts on {date} against a {baseline_days}-day median of "
            f"{median:g}; {len(fresh_here)} from {accounts} accounts first seen that day that "
            "mention nothing else"
        )
        flags.add(fresh_here, "jump", reason)


def explain_flags(anomalies: Anomalies, output: np.ndarray) -> dict[int, list[dict[str, Any]]]:
    """Flags per output id: ``[{"kind", "reason", "mentions"}]`` (one entry per reason)."""
    output = np.asarray(output, dtype=np.int64)
    grouped: dict[int, dict[tuple[str, str], int]] = {}
    for out, kind, reason in zip(
        output[anomalies.index].tolist(), anomalies.kind, anomalies.reason, strict=True
    ):
        per = grouped.setdefault(out, {})
        per[(kind, reason)] = per.get((kind, reason), 0) + 1
    return {
        out: [{"kind": k, "reason": r, "mentions": c} for (k, r), c in per.items()]
        for out, per in grouped.items()
    }
