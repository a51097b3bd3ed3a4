"""The attention score as pure numpy: per-mention points and per-output sums.

One implementation serves the full rescore (millions of mentions at once) and the incremental
update, explain and daily series (one output's mentions): both build a :class:`Batch` and call
:func:`score_batch`, so they give the same numbers to the last bit. Sums run in a fixed order
(output, source, time, mention id), since floating-point addition depends on order.

A mention's points (docs/scoring.md)::

    points = weight × tier factor × promiscuous factor × single-publisher factor

for a *counted* mention, and 0 for one that is excluded (flagged, deprecated source, unknown
weight key) or does not count (a repeat by the same account, a once-per-output source already
counted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from altscope.scoring.rules import Rules

#: Mention statuses (``Scored.status``).
COUNTED, REPEAT, ONCE, FLAGGED, DEPRECATED, UNWEIGHTED = range(6)
STATUS_NAMES = ("counted", "repeat", "once", "flagged", "deprecated", "unweighted")
MODES = {"per_mention": 0, "per_distinct": 1, "once": 2}
#: Tier codes in ``Batch.tier``: 0 unknown outlet, 1..3 the outlet's tier.
TIER_UNKNOWN = 0
#: PlumX-style categories, in the order of ``categories`` JSON.
CATEGORIES = ("usage", "captures", "mentions", "social_media", "citations")


@dataclass(frozen=True)
class SourceTable:
    """The registered sources and how a rules version scores each (index = dense source index)."""

    ids: np.ndarray  # source ids, sorted
    keys: list[str]
    names: list[str]
    categories: list[str]
    weight_keys: list[str | None]
    weight: np.ndarray  # float64
    mode: np.ndarray  # int8, MODES
    tiered: np.ndarray  # bool
    deprecated: np.ndarray  # bool
    weighted: np.ndarray  # bool: the weight key is in the rules
    promiscuous: np.ndarray  # bool: the promiscuous modifier applies
    single_publisher: np.ndarray  # bool: the single-publisher modifier applies
    category_code: np.ndarray  # int8 index into CATEGORIES

    @classmethod
    def build(cls, sources: Iterable[Any], rules: Rules) -> SourceTable:
        """From Source rows (or objects with id, key, name, category, weight_key,
        deprecated_at)."""
        rows = sorted(sources, key=lambda s: s.id)
        n = len(rows)
        weight = np.zeros(n)
        mode = np.zeros(n, dtype=np.int8)
        tiered, deprecated, weighted, prom, single = (np.zeros(n, dtype=bool) for _ in range(5))
        for i, s in enumerate(rows):
            rule = rules.weights.get(s.weight_key) if s.weight_key else None
            weighted[i] = rule is not None
            deprecated[i] = rules.source_deprecated(s.key, s.deprecated_at)
            if rule is not None:
                weight[i], mode[i], tiered[i] = rule.weight, MODES[rule.counting], rule.tiered
            pm, sp = rules.promiscuous, rules.single_publisher
            prom[i] = pm.enabled and pm.factor != 1.0 and s.weight_key in pm.applies_to
            single[i] = sp.enabled and sp.factor != 1.0 and s.weight_key in sp.applies_to
        return cls(
            ids=np.array([s.id for s in rows], dtype=np.int64),
            keys=[s.key for s in rows],
            names=[s.name for s in rows],
            categories=[s.category for s in rows],
            weight_keys=[s.weight_key for s in rows],
            weight=weight,
            mode=mode,
            tiered=tiered,
            deprecated=deprecated,
            weighted=weighted,
            promiscuous=prom,
            single_publisher=single,
            category_code=np.array([CATEGORIES.index(s.category) for s in rows], dtype=np.int8),
        )

    def index(self, source_ids: np.ndarray) -> np.ndarray:
        """Dense indexes of source ids (every id must be registered)."""
        at = np.searchsorted(self.ids, source_ids)
        if len(source_ids) and (
            at.max(initial=0) >= len(self.ids) or (self.ids[at] != source_ids).any()
        ):
            raise LookupError("a mention names an unregistered source")
        return at.astype(np.int16)

    def needs_urls(self) -> np.ndarray:
        """Dense indexes of the tiered sources (whose mention URLs name a news outlet)."""
        return np.flatnonzero(self.tiered)


@dataclass
class Batch:
    """Non-removed mentions and what the modifiers need to know about each.

    ``output`` holds dense output indexes (0..n_outputs-1), ``source`` dense source indexes.
    """

    mention: np.ndarray  # int64 ids
    output: np.ndarray  # int64 dense output index
    source: np.ndarray  # int16 dense source index
    actor: np.ndarray  # int64 actor id, -1: none
    time: np.ndarray  # int64 epoch seconds (occurred_at, else harvested_at)
    tier: np.ndarray  # int8 outlet tier code (only read for tiered sources)
    promiscuous: np.ndarray  # bool: the account was promiscuous in the mention's window
    single_publisher: np.ndarray  # bool: the account is a single-publisher account
    flag: np.ndarray  # int32 index into flag_labels, -1: not flagged
    flag_labels: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.mention)

    def take(self, index: np.ndarray) -> Batch:
        """The mentions at ``index`` (in that order)."""
        return replace(
            self,
            mention=self.mention[index],
            output=self.output[index],
            source=self.source[index],
            actor=self.actor[index],
            time=self.time[index],
            tier=self.tier[index],
            promiscuous=self.promiscuous[index],
            single_publisher=self.single_publisher[index],
            flag=self.flag[index],
        )

    def sorted(self) -> Batch:
        """The batch in scoring order: output, source, time, mention id."""
        order = None
        if len(self) and bool((self.mention[1:] > self.mention[:-1]).all()):
            order = packed_order(self.output, self.source, self.time)  # stable: ids ascending
        elif len(self):  # e.g. PostgreSQL's heap order: by id first, then a stable packed sort
            by_id = np.argsort(self.mention, kind="stable")
            packed = packed_order(self.output[by_id], self.source[by_id], self.time[by_id])
            order = None if packed is None else by_id[packed]
        if order is None:
            order = np.lexsort((self.mention, self.time, self.source, self.output))
        return self.take(order)


def empty_batch() -> Batch:
    return Batch(
        mention=np.zeros(0, dtype=np.int64),
        output=np.zeros(0, dtype=np.int64),
        source=np.zeros(0, dtype=np.int16),
        actor=np.zeros(0, dtype=np.int64),
        time=np.zeros(0, dtype=np.int64),
        tier=np.zeros(0, dtype=np.int8),
        promiscuous=np.zeros(0, dtype=bool),
        single_publisher=np.zeros(0, dtype=bool),
        flag=np.zeros(0, dtype=np.int32),
    )


def tier_factors(rules: Rules) -> np.ndarray:
    """Multiplier per tier code (0 unknown, 1..3)."""
    return np.array([rules.tier_factor(None), *(rules.tier_factor(t) for t in (1, 2, 3))])


def tier_code(tier: int | None) -> int:
    """The ``Batch.tier`` code of an outlet tier (unknown or beyond 3: unknown)."""
    return tier if tier in (1, 2, 3) else TIER_UNKNOWN


def packed_order(*keys: np.ndarray) -> np.ndarray | None:
    """A stable argsort by ``keys`` (most significant first) through one packed int64 key, or
    None when their ranges do not fit in 63 bits (the caller falls back to ``np.lexsort``)."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    bits = 0
    for key in keys:
        lo, hi = int(key.min()), int(key.max())
        width = max(hi - lo, 0).bit_length()
        bits += width
        if bits > 62:
            return None
        packed <<= width
        packed |= key.astype(np.int64) - lo
    return np.argsort(packed, kind="stable")


def _starts(*keys: np.ndarray) -> np.ndarray:
    """Boolean: row i starts a new run of equal keys (arrays already sorted by them)."""
    n = len(keys[0])
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
        for key in keys:
            new[1:] |= key[1:] != key[:-1]
    return new


def factors(batch: Batch, table: SourceTable, rules: Rules) -> tuple[np.ndarray, ...]:
    """Per-mention (weight, tier factor, promiscuous factor, single-publisher factor)."""
    src = batch.source
    weight = table.weight[src]
    tf = np.where(table.tiered[src], tier_factors(rules)[batch.tier], 1.0)
    pf = np.where(table.promiscuous[src] & batch.promiscuous, rules.promiscuous.factor, 1.0)
    sf = np.where(
        table.single_publisher[src] & batch.single_publisher, rules.single_publisher.factor, 1.0
    )
    return weight, tf, pf, sf


def score_batch(
    batch: Batch, table: SourceTable, rules: Rules, *, unexclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Status and points of every mention of a *sorted* batch (see :meth:`Batch.sorted`).

    ``unexclude`` (bool per mention) lets flagged mentions count as if they were not flagged
    (to measure what a flag removed).
    """
    n = len(batch)
    src = batch.source
    status = np.full(n, COUNTED, dtype=np.int8)
    status[~table.weighted[src]] = UNWEIGHTED
    status[table.deprecated[src]] = DEPRECATED
    if rules.exclude_flagged:
        flagged = batch.flag >= 0
        if unexclude is not None:
            flagged &= ~unexclude
        status[flagged] = FLAGGED
    eligible = np.flatnonzero(status == COUNTED)
    mode = table.mode[src[eligible]]
    actor = batch.actor[eligible]
    # The dedup key: the account; without one, each mention is its own key, except for
    # per-distinct sources where account-less mentions together count as one.
    dedup = (mode == MODES["per_distinct"]) | (rules.one_per_account & (mode != MODES["once"]))
    key = np.where(actor >= 0, actor, -1)
    own = ~dedup | ((actor < 0) & (mode != MODES["per_distinct"]))
    key = np.where(own, -2 - eligible.astype(np.int64), key)
    out, s = batch.output[eligible], src[eligible]
    order = packed_order(out, s, key)  # stable: in scoring order within a key
    if order is None:
        order = np.lexsort((eligible, key, s, out))
    first = _starts(out[order], s[order], key[order])
    repeat = np.ones(len(eligible), dtype=bool)
    repeat[order[first]] = False
    status[eligible[repeat]] = REPEAT
    # Once-per-output sources: only the first remaining mention of the source counts.
    once = eligible[~repeat & (mode == MODES["once"])]
    later = ~_starts(batch.output[once], src[once])
    status[once[later]] = ONCE
    weight, tf, pf, sf = factors(batch, table, rules)
    points = weight * tf * pf * sf
    points[status != COUNTED] = 0.0
    return status, points


@dataclass
class Sums:
    """Per-(output, source) groups and per-output totals of a scored, sorted batch."""

    group_output: np.ndarray  # dense output index of each group
    group_source: np.ndarray  # dense source index of each group
    group_score: np.ndarray  # unrounded contribution
    group_posts: np.ndarray
    group_accounts: np.ndarray
    score: np.ndarray  # per output (length n_outputs)
    display: np.ndarray  # per output, int64
    posts: np.ndarray
    accounts: np.ndarray
    first_time: np.ndarray  # per output, int64 (-1: no mentions)
    last_time: np.ndarray


def display_contribution(contribution: np.ndarray) -> np.ndarray:
    """A source's contribution as the badge counts it: under 1 (but above 0) counts as 1."""
    return np.where((contribution > 0) & (contribution < 1), 1.0, contribution)


def display_score(contributions: np.ndarray) -> int:
    """The displayed score of one output from its per-source contributions (scoring order)."""
    total = 0.0
    for c in display_contribution(np.asarray(contributions, dtype=np.float64)):
        total += float(c)
    return int(np.floor(total + 0.5))


def sums(batch: Batch, points: np.ndarray, n_outputs: int) -> Sums:
    """Contributions per (output, source) and totals per output, summed in scoring order."""
    out, src = batch.output, batch.source
    new = _starts(out, src)
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    g_out, g_src = out[starts], src[starts]
    g_score = np.bincount(group, weights=points, minlength=len(starts))
    g_posts = np.bincount(group, minlength=len(starts))
    has_actor = np.flatnonzero(batch.actor >= 0)
    if len(has_actor):
        span = int(batch.actor[has_actor].max()) + 1
        pairs = np.sort(group[has_actor] * span + batch.actor[has_actor])
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        g_accounts = np.bincount(pairs // span, minlength=len(starts))
    else:
        g_accounts = np.zeros(len(starts), dtype=np.int64)
    score = np.bincount(g_out, weights=g_score, minlength=n_outputs)
    shown = np.bincount(g_out, weights=display_contribution(g_score), minlength=n_outputs)
    first = np.full(n_outputs, -1, dtype=np.int64)
    last = np.full(n_outputs, -1, dtype=np.int64)
    if len(batch):
        big = np.iinfo(np.int64).max
        lo = np.full(n_outputs, big, dtype=np.int64)
        np.minimum.at(lo, out, batch.time)
        hi = np.full(n_outputs, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(hi, out, batch.time)
        seen = lo != big
        first[seen], last[seen] = lo[seen], hi[seen]
    return Sums(
        group_output=g_out,
        group_source=g_src,
        group_score=g_score,
        group_posts=g_posts,
        group_accounts=g_accounts.astype(np.int64),
        score=score,
        display=np.floor(shown + 0.5).astype(np.int64),
        posts=np.bincount(out, minlength=n_outputs),
        accounts=np.bincount(g_out, weights=g_accounts, minlength=n_outputs).astype(np.int64),
        first_time=first,
        last_time=last,
    )


def category_counts(batch: Batch, table: SourceTable, n_outputs: int) -> np.ndarray:
    """Mentions per output and category: an (n_outputs, 5) int64 array (CATEGORIES order)."""
    code = table.category_code[batch.source].astype(np.int64)
    flat = np.bincount(batch.output * len(CATEGORIES) + code, minlength=n_outputs * 5)
    return flat.reshape(n_outputs, len(CATEGORIES))


@dataclass
class FlagEffect:
    """One (kind, reason) of flagged mentions of one output and the points they lost."""

    output: int
    label: int
    mentions: int
    points_excluded: float


def flag_effects(
    batch: Batch, table: SourceTable, rules: Rules, score: np.ndarray
) -> list[FlagEffect]:
    """What each output's flags removed: its score with one flag label's mentions un-excluded,
    minus its score (0 when flagged mentions are not excluded)."""
    flagged = np.flatnonzero(batch.flag >= 0)
    if not len(flagged):
        return []
    pairs, counts = np.unique(
        np.stack((batch.output[flagged], batch.flag[flagged].astype(np.int64))),
        axis=1,
        return_counts=True,
    )
    effects = [
        FlagEffect(int(o), int(label), int(c), 0.0)
        for o, label, c in zip(pairs[0], pairs[1], counts, strict=True)
    ]
    if not rules.exclude_flagged:
        return effects
    # The k-th label of every flagged output is un-excluded in the k-th pass.
    rank = np.arange(len(effects)) - np.searchsorted(pairs[0], pairs[0])
    affected = np.isin(batch.output, pairs[0])
    sub = batch.take(np.flatnonzero(affected))
    for k in range(int(rank.max()) + 1):
        chosen = rank == k
        keys = pairs[0][chosen] * (2**31) + pairs[1][chosen]
        mine = np.isin(sub.output * (2**31) + sub.flag.astype(np.int64), keys) & (sub.flag >= 0)
        _, pts = score_batch(sub, table, rules, unexclude=mine)
        per_output = sums(sub, pts, len(score)).score
        for i in np.flatnonzero(chosen):
            o = int(pairs[0][i])
            effects[i].points_excluded = float(per_output[o] - score[o])
    return effects
