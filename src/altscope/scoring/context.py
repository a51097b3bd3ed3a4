"""Score in context: how an output's score compares with other outputs' (docs/score-context.md).

Four comparison sets per output (Altmetric's names):

* ``all``: every scored output;
* ``journal``: outputs of the same journal (exact ``container_title`` equality; blank = none);
* ``similar_age_3m``: outputs published within 42 days (6 weeks) either side, inclusive;
* ``similar_age_journal_3m``: the same journal AND within 42 days.

Each set includes the output itself. For each output and set: ``count`` (size of the set; 0
when the set does not apply: no journal, unknown publication date), ``mean`` (mean score of the
set), ``rank`` (1 + how many in the set score strictly higher), ``higher_than`` (how many
score strictly lower) and ``pct = floor(100 * higher_than / count)`` (0..99: the share of the
set the output beats; an output alone in its set has pct 0).

:func:`context_arrays` computes all of this exactly for every output at once with numpy (the
full rescore); :func:`context_for_one` computes it for one output with SQL against the stored
``output_scores`` (the incremental update). Both define the sets the same way.

Publication days are days since 1970-01-01 with ``-1`` meaning unknown (so an output published
on 1969-12-31 counts as undated, in both paths).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from altscope.store.schema import Output, OutputScore

__all__ = [
    "KINDS",
    "UNKNOWN_DAY",
    "WINDOW_DAYS",
    "ContextArrays",
    "context_arrays",
    "context_for_one",
    "day_number",
    "journal_codes",
    "published_days",
    "to_json",
]

#: Days either side of an output's publication date in the ``similar_age`` sets.
WINDOW_DAYS = 42
#: The publication day of an output whose date is unknown.
UNKNOWN_DAY = -1
#: The comparison sets, in the order the JSON shows them.
KINDS = ("all", "journal", "similar_age_3m", "similar_age_journal_3m")

EPOCH = date(1970, 1, 1)
#: Windows above this many comparisons per output use the dyadic range count, below it pairs.
PAIRWISE_MAX_PER_OUTPUT = 48
_PAIR_CHUNK = 1 << 22


@dataclass(frozen=True, slots=True)
class ContextArrays:
    """One comparison set's figures, one element per output (see the module docstring)."""

    count: np.ndarray
    mean: np.ndarray
    rank: np.ndarray
    higher_than: np.ndarray
    pct: np.ndarray

    def __iter__(self):
        return iter((self.count, self.mean, self.rank, self.higher_than, self.pct))


def day_number(value: date | None) -> int:
    """Days since 1970-01-01 (``UNKNOWN_DAY`` for ``None``)."""
    return UNKNOWN_DAY if value is None else (value - EPOCH).days


def published_days(dates: Sequence[date | None]) -> np.ndarray:
    """:func:`day_number` of each date, as an int64 array."""
    return np.fromiter((day_number(d) for d in dates), dtype=np.int64, count=len(dates))


def _blank(title: str | None) -> bool:
    return title is None or not title.strip()


def journal_codes(titles: Sequence[str | None]) -> np.ndarray:
    """Integer journal codes for container titles: equal titles share a code, blank ones are -1.

    Titles are compared exactly, as :func:`context_for_one` compares them in SQL (where the
    ``container_title`` index makes the look-up cheap); normalising spellings belongs to
    ingestion, so that every reader of ``container_title`` agrees.
    """
    codes = np.empty(len(titles), dtype=np.int64)
    known: dict[str, int] = {}
    for i, title in enumerate(titles):
        codes[i] = -1 if _blank(title) else known.setdefault(title, len(known))
    return codes


def _empty(n: int) -> ContextArrays:
    zeros = np.zeros(n, dtype=np.int64)
    return ContextArrays(zeros, np.zeros(n), zeros.copy(), zeros.copy(), zeros.copy())


def _finish(count, total, lower, higher) -> tuple[np.ndarray, ...]:
    count = count.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    pct = np.where(count > 0, (100 * lower) // np.maximum(count, 1), 0)
    rank = np.where(count > 0, 1 + higher, 0)
    return count, mean, rank.astype(np.int64), lower.astype(np.int64), pct.astype(np.int64)


def _dense_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense ranks (0 = lowest; ties share a rank) and how many distinct values there are."""
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int64), len(unique)


def _grouped(scores: np.ndarray, r: np.ndarray, n_ranks: int, group: np.ndarray):
    """Figures against the outputs of the same group (no date window); ``r``: score ranks."""
    n = len(scores)
    key = group * n_ranks + r
    order = np.argsort(key)
    k, g, s = key[order], group[order], scores[order]
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    new_group[1:] = g[1:] != g[:-1]
    new_tie = np.empty(n, dtype=bool)
    new_tie[0] = True
    new_tie[1:] = k[1:] != k[:-1]
    group_starts = np.flatnonzero(new_group)
    group_id = np.cumsum(new_group) - 1
    group_ends = np.append(group_starts[1:], n)
    tie_starts = np.flatnonzero(new_tie)
    tie_id = np.cumsum(new_tie) - 1
    tie_ends = np.append(tie_starts[1:], n)
    count = (group_ends - group_starts)[group_id]
    total = np.add.reduceat(s, group_starts)[group_id]
    lower = tie_starts[tie_id] - group_starts[group_id]
    higher = group_ends[group_id] - tie_ends[tie_id]
    return _unsort(order, count, total, lower, higher)


def _unsort(order: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    out = []
    for source in arrays:
        target = np.empty_like(source)
        target[order] = source
        out.append(target)
    return tuple(out)


def _lower_pairwise(s, a, b) -> np.ndarray:
    """For each i (in window order), how many of s[a_i:b_i] are < s[i]: explicit pairs, chunked."""
    n = len(s)
    lengths = b - a
    lower = np.empty(n, dtype=np.int64)
    ends = np.cumsum(lengths)
    start = 0
    while start < n:
        base = ends[start - 1] if start else 0
        stop = max(int(np.searchsorted(ends, base + _PAIR_CHUNK, "right")), start + 1)
        lens = lengths[start:stop]
        owner = np.repeat(np.arange(start, stop), lens)
        offsets = np.arange(len(owner)) - np.repeat(np.cumsum(lens) - lens, lens)
        partner = np.repeat(a[start:stop], lens) + offsets
        hits = np.concatenate(([0], np.cumsum(s[partner] < s[owner])))
        bounds = np.concatenate(([0], np.cumsum(lens)))
        lower[start:stop] = hits[bounds[1:]] - hits[bounds[:-1]]
        start = stop
    return lower


def _lower_dyadic(g, d, r, n_ranks: int, n_days: int, w: int) -> np.ndarray:
    """For each i: how many j with g_j == g_i, |d_j - d_i| <= w and r_j < r_i (exact).

    The day range [d-w, d+w] splits into at most two aligned dyadic blocks per level; at each
    level the points are sorted by (group, block, rank), so one ``searchsorted`` counts the
    lower ranks inside a block. ``d`` is offset so that d - w >= 0.
    """
    n = len(g)
    lower = np.zeros(n, dtype=np.int64)
    lo = d - w
    hi = d + w + 1  # half-open
    level = 0
    n_groups = int(g.max()) + 1
    while True:
        active = lo < hi
        if not active.any():
            break
        blocks = (n_days >> level) + 2
        node = g * blocks + (d >> level)
        keys = np.sort(node * n_ranks + r)
        dense = n_groups * blocks <= 4 * n + 1024
        if dense:
            starts = np.concatenate(
                ([0], np.cumsum(np.bincount(node, minlength=n_groups * blocks)))
            )
        for side in (0, 1):
            if side == 0:
                take = active & ((lo & 1) == 1)
                block = lo[take]
                lo[take] += 1
            else:
                take = active & ((hi & 1) == 1) & (lo < hi)
                hi[take] -= 1
                block = hi[take]
            if not take.any():
                continue
            at = g[take] * blocks + block
            below = np.searchsorted(keys, at * n_ranks + r[take], "left")
            first = starts[at] if dense else np.searchsorted(keys, at * n_ranks, "left")
            lower[take] += below - first
        lo >>= 1
        hi >>= 1
        level += 1
    return lower


def _windowed(scores: np.ndarray, r: np.ndarray, n_ranks: int, group: np.ndarray, day: np.ndarray):
    """Figures against the outputs of the same group published within WINDOW_DAYS."""
    n = len(scores)
    w = WINDOW_DAYS
    day = day - day.min() + w  # so that day - w >= 0
    n_days = int(day.max()) + w + 1
    n_groups = int(group.max()) + 1
    if n_groups * n_days * n_ranks < 2**62:
        order = np.argsort((group * n_days + day) * n_ranks + r)
    else:  # pragma: no cover - beyond int64 keys
        order = np.lexsort((r, day, group))
    g, d, s, r = group[order], day[order], scores[order], r[order]
    gd = g * n_days + d
    a = np.searchsorted(gd, gd - w, "left")
    b = np.searchsorted(gd, gd + w, "right")
    count = b - a
    sums = np.concatenate(([0.0], np.cumsum(s)))
    total = sums[b] - sums[a]
    # Ties: outputs of the same (group, score) within the window.
    gr, _ = _dense_rank(g * n_ranks + r)
    key = gr * n_days + d
    tie_keys = np.sort(key)
    equal = np.searchsorted(tie_keys, key + w, "right") - np.searchsorted(tie_keys, key - w, "left")
    if int(count.sum()) <= PAIRWISE_MAX_PER_OUTPUT * n:
        lower = _lower_pairwise(s, a, b)
    else:
        lower = _lower_dyadic(g, d, r, n_ranks, n_days, w)
    higher = count - equal - lower
    return _unsort(order, count, total, lower, higher)


def _compute(scores, r, n_ranks, group, day, windowed: bool) -> ContextArrays:
    n = len(scores)
    result = _empty(n)
    valid = np.ones(n, dtype=bool)
    if group is not None:
        valid &= group >= 0
    if windowed:
        valid &= day != UNKNOWN_DAY
    if not valid.any():
        return result
    idx = None if valid.all() else np.flatnonzero(valid)

    def pick(a: np.ndarray) -> np.ndarray:
        return a if idx is None else a[idx]

    s, rr = pick(scores), pick(r)
    g = np.zeros(len(s), dtype=np.int64) if group is None else _dense_rank(pick(group))[0]
    parts = _windowed(s, rr, n_ranks, g, pick(day)) if windowed else _grouped(s, rr, n_ranks, g)
    for target, source in zip(result, _finish(*parts), strict=True):
        if idx is None:
            target[:] = source
        else:
            target[idx] = source
    return result


def context_arrays(
    scores: np.ndarray, journal: np.ndarray, published_day: np.ndarray
) -> dict[str, ContextArrays]:
    """The four comparison sets' figures for every output, exactly (see the module docstring).

    ``journal`` holds codes from :func:`journal_codes` (-1: none); ``published_day`` days since
    1970-01-01 (``UNKNOWN_DAY``: unknown).
    """
    scores = np.asarray(scores, dtype=np.float64)
    journal = np.asarray(journal, dtype=np.int64)
    published_day = np.asarray(published_day, dtype=np.int64)
    if not (len(scores) == len(journal) == len(published_day)):
        raise ValueError("scores, journal and published_day must have the same length")
    if np.isnan(scores).any():
        raise ValueError("scores must not be NaN")
    r, n_ranks = _dense_rank(scores)
    return {
        kind: _compute(scores, r, n_ranks, by_journal, published_day, windowed)
        for kind, by_journal, windowed in (
            ("all", None, False),
            ("journal", journal, False),
            ("similar_age_3m", None, True),
            ("similar_age_journal_3m", journal, True),
        )
    }


def _ctx(count: int, mean: float, rank: int, higher_than: int, pct: int) -> dict[str, Any] | None:
    if count <= 0:
        return None
    return {
        "count": int(count),
        "mean": float(mean),
        "rank": int(rank),
        "pct": int(pct),
        "higher_than": int(higher_than),
    }


def to_json(arrays: dict[str, ContextArrays], i: int) -> dict[str, Any]:
    """The ``context`` JSON of output ``i`` (``None`` for a set that does not apply)."""
    return {kind: _ctx(*(a[i].item() for a in arrays[kind])) for kind in KINDS}


def context_for_one(session: Session, output_id: int, score: float, version: str) -> dict:
    """The ``context`` JSON of one output scoring ``score``, against the stored scores of
    ``version`` (its own stored row, stale or missing, is replaced by ``score``).

    One aggregate query per set; the journal and date sets select their members from
    ``outputs`` first (``container_title`` is indexed; an index on ``published`` keeps the
    date sets from scanning ``outputs``).
    """
    own = session.execute(
        select(Output.container_title, Output.published).where(Output.id == output_id)
    ).one_or_none()
    if own is None:
        raise LookupError(f"no output {output_id}")
    title, published = own
    stored = session.scalar(
        select(OutputScore.score).where(
            OutputScore.output_id == output_id, OutputScore.rules_version == version
        )
    )

    def measure(*conditions: Any) -> dict[str, Any] | None:
        query = select(
            func.count(),
            func.coalesce(func.sum(OutputScore.score), 0.0),
            func.coalesce(func.sum(case((OutputScore.score < score, 1), else_=0)), 0),
            func.coalesce(func.sum(case((OutputScore.score > score, 1), else_=0)), 0),
        ).where(OutputScore.rules_version == version)
        if conditions:
            query = query.where(OutputScore.output_id.in_(select(Output.id).where(*conditions)))
        n, total, lower, higher = session.execute(query).one()
        n, total, lower, higher = int(n), float(total), int(lower), int(higher)
        if stored is not None:  # the output's own row is in every set it defines: replace it
            n, total = n - 1, total - stored
            lower -= stored < score
            higher -= stored > score
        count = n + 1
        return _ctx(count, (total + score) / count, 1 + higher, lower, 100 * lower // count)

    journal = None if _blank(title) else Output.container_title == title
    window = None
    if day_number(published) != UNKNOWN_DAY:
        window = and_(
            Output.published.between(
                published - timedelta(days=WINDOW_DAYS), published + timedelta(days=WINDOW_DAYS)
            ),
            Output.published != EPOCH - timedelta(days=1),
        )
    return {
        "all": measure(),
        "journal": measure(journal) if journal is not None else None,
        "similar_age_3m": measure(window) if window is not None else None,
        "similar_age_journal_3m": (
            measure(journal, window) if journal is not None and window is not None else None
        ),
    }


# --------------------------------------------------------------------------------------------
# The in-memory index used by the incremental update
# --------------------------------------------------------------------------------------------


class _Keyed:
    """Members sorted by ``prefix * R + score rank``, with prefix sums of their scores."""

    __slots__ = ("keys", "sums")

    def __init__(self, prefix: np.ndarray, rank: np.ndarray, scores: np.ndarray, n_ranks: int):
        keys = prefix * n_ranks + rank
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.sums = np.concatenate(([0.0], np.cumsum(scores[order])))

    def measure(
        self, lo: int, hi: int, n_ranks: int, rl: int, rr: int
    ) -> tuple[int, float, int, int]:
        """(count, total, lower, higher) of the members with prefix in [lo, hi] against a score
        whose rank bounds are ``rl`` (ranks below score lower) and ``rr`` (ranks from it higher)."""
        if hi < lo:
            return 0, 0.0, 0, 0
        base = np.arange(lo, hi + 1, dtype=np.int64) * n_ranks
        at = np.searchsorted(
            self.keys, np.concatenate((base, base + rl, base + rr, base + n_ranks))
        )
        k = len(base)
        starts, lows, highs, ends = at[:k], at[k : 2 * k], at[2 * k : 3 * k], at[3 * k :]
        first, last = int(starts[0]), int(ends[-1])
        lower = int((lows - starts).sum())
        higher = int((ends - highs).sum())
        return last - first, float(self.sums[last] - self.sums[first]), lower, higher


#: Journal codes from here on name journals the index's base rows do not have.
_NEW_JOURNAL = 1 << 40


class ContextIndex:
    """The stored scores of one rules version, indexed to answer :func:`context_for_one` in
    microseconds (the incremental update's fast path; see docs/score-context.md).

    Built from ``output_scores`` joined with ``outputs`` at one moment (``stamp``: the last full
    rescore). Scores changed afterwards by :meth:`record` (the incremental updates made through
    this index) are kept in a small overlay that every answer takes into account, so the index
    answers exactly what :func:`context_for_one` would against the rows it saw plus its own
    updates. Changes made by other processes are not seen until the index is rebuilt.
    """

    #: Rebuild (rather than grow the overlay) past this many updated outputs.
    MAX_OVERLAY = 100_000

    def __init__(
        self,
        stamp: Any,
        ids: np.ndarray,
        scores: np.ndarray,
        titles: Sequence[str | None],
        days: np.ndarray,
    ) -> None:
        order = np.argsort(ids, kind="stable")
        self.stamp = stamp
        self.ids = np.asarray(ids, dtype=np.int64)[order]
        self.scores = np.asarray(scores, dtype=np.float64)[order]
        titles = [titles[i] for i in order.tolist()]
        self.journal = journal_codes(titles)
        self.codes: dict[str, int] = {}
        for title, code in zip(titles, self.journal.tolist(), strict=True):
            if code >= 0:
                self.codes.setdefault(title, code)
        self.day = np.asarray(days, dtype=np.int64)[order]
        self.unique = np.unique(self.scores)
        self.n_ranks = max(len(self.unique), 1)
        rank = np.searchsorted(self.unique, self.scores)
        dated = self.day != UNKNOWN_DAY
        self.day_min = int(self.day[dated].min()) if dated.any() else 0
        self.n_days = (int(self.day[dated].max()) - self.day_min + 1) if dated.any() else 1
        n_journals = len(self.codes) + 1
        if (n_journals * self.n_days + 1) * self.n_ranks >= 2**62:
            raise OverflowError("too many journals, days and distinct scores for int64 keys")
        journal, rel = self.journal, self.day - self.day_min
        has_j = journal >= 0
        both = has_j & dated
        zeros = np.zeros(len(self.ids), dtype=np.int64)
        self.sets = {
            "all": _Keyed(zeros, rank, self.scores, self.n_ranks),
            "journal": _Keyed(journal[has_j], rank[has_j], self.scores[has_j], self.n_ranks),
            "similar_age_3m": _Keyed(rel[dated], rank[dated], self.scores[dated], self.n_ranks),
            "similar_age_journal_3m": _Keyed(
                journal[both] * self.n_days + rel[both],
                rank[both],
                self.scores[both],
                self.n_ranks,
            ),
        }
        # The overlay: outputs updated since the build (slot per output).
        self.slot: dict[int, int] = {}
        self.o_pos = np.zeros(0, dtype=np.int64)  # position in the base (-1: not in it)
        self.o_score = np.zeros(0)  # new score (NaN: row removed)
        self.o_journal = np.zeros(0, dtype=np.int64)
        self.o_day = np.zeros(0, dtype=np.int64)
        self.o_id = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def _position(self, output_id: int) -> int:
        at = int(np.searchsorted(self.ids, output_id))
        return at if at < len(self.ids) and int(self.ids[at]) == output_id else -1

    def _code(self, title: str | None) -> int:
        if _blank(title):
            return -1
        return self.codes.setdefault(title, len(self.codes) + _NEW_JOURNAL)

    def record(self, output_id: int, score: float | None, title: str | None, day: int) -> None:
        """Output ``output_id`` now stores ``score`` (None: its row was removed)."""
        k = self.slot.get(output_id)
        if k is None:
            k = len(self.slot)
            if k >= len(self.o_pos):
                grow = max(16, 2 * len(self.o_pos))
                self.o_pos = np.resize(self.o_pos, grow)
                self.o_score = np.resize(self.o_score, grow)
                self.o_journal = np.resize(self.o_journal, grow)
                self.o_day = np.resize(self.o_day, grow)
                self.o_id = np.resize(self.o_id, grow)
            self.slot[output_id] = k
            self.o_pos[k] = self._position(output_id)
            self.o_id[k] = output_id
        self.o_score[k] = np.nan if score is None else score
        self.o_journal[k] = self._code(title)
        self.o_day[k] = day

    def context(self, output_id: int, score: float, title: str | None, day: int) -> dict:
        """The ``context`` JSON of ``output_id`` scoring ``score`` (as :func:`context_for_one`)."""
        score = float(score)
        rl = int(np.searchsorted(self.unique, score, "left"))
        rr = int(np.searchsorted(self.unique, score, "right"))
        journal = self._code(title)
        dated = day != UNKNOWN_DAY
        # Base members leaving: this output's own base row and the overlaid outputs' base rows;
        # members joining: the overlaid outputs' new scores (this output's is added last).
        n = len(self.slot)
        others = self.o_id[:n] != output_id
        own = self._position(output_id)
        pos = self.o_pos[:n][others]
        pos = pos[pos >= 0]
        if own >= 0:
            pos = np.append(pos, own)
        gone_s, gone_j, gone_d = self.scores[pos], self.journal[pos], self.day[pos]
        keep = others & ~np.isnan(self.o_score[:n])
        new_s, new_j, new_d = self.o_score[:n][keep], self.o_journal[:n][keep], self.o_day[:n][keep]

        def adjust(figures, s, in_set, sign):
            count, total, lower, higher = figures
            s = s[in_set]
            return (
                count + sign * len(s),
                total + sign * float(s.sum()),
                lower + sign * int((s < score).sum()),
                higher + sign * int((s > score).sum()),
            )

        def near(d: np.ndarray) -> np.ndarray:
            return (d != UNKNOWN_DAY) & (np.abs(d - day) <= WINDOW_DAYS)

        def finish(figures) -> dict[str, Any]:
            count, total, lower, higher = figures
            count += 1
            return _ctx(count, (total + score) / count, 1 + higher, lower, 100 * lower // count)

        def measure(kind: str, lo: int, hi: int, base_in, new_in) -> dict[str, Any]:
            figures = self.sets[kind].measure(lo, hi, self.n_ranks, rl, rr)
            figures = adjust(figures, gone_s, base_in(gone_j, gone_d), -1)
            return finish(adjust(figures, new_s, new_in(new_j, new_d), +1))

        result: dict[str, Any] = dict.fromkeys(KINDS)
        result["all"] = measure("all", 0, 0, lambda j, d: slice(None), lambda j, d: slice(None))
        in_base = 0 <= journal < _NEW_JOURNAL  # a journal without base rows: empty range
        if journal >= 0:
            lo, hi = (journal, journal) if in_base else (0, -1)
            result["journal"] = measure(
                "journal", lo, hi, lambda j, d: j == journal, lambda j, d: j == journal
            )
        if dated:
            lo = max(day - WINDOW_DAYS, self.day_min) - self.day_min
            hi = min(day + WINDOW_DAYS, self.day_min + self.n_days - 1) - self.day_min
            result["similar_age_3m"] = measure(
                "similar_age_3m", lo, hi, lambda j, d: near(d), lambda j, d: near(d)
            )
            if journal >= 0:
                if in_base:
                    jlo, jhi = journal * self.n_days + lo, journal * self.n_days + hi
                else:
                    jlo, jhi = 0, -1
                result["similar_age_journal_3m"] = measure(
                    "similar_age_journal_3m", jlo, jhi,
                    lambda j, d: (j == journal) & near(d), lambda j, d: (j == journal) & near(d),
                )  # fmt: skip
        return result


_INDEXES: dict[tuple[str, str], ContextIndex] = {}
_KEEP_INDEXES = 4


def load_context_index(session: Session, version: str, stamp: Any) -> ContextIndex:
    """A :class:`ContextIndex` of the rows of ``version`` the session sees now."""
    from altscope.scoring import bulk

    conn = session.connection()
    mark = bulk.placeholder(conn)
    sql = (
        "SELECT s.output_id, s.score, o.container_title, "
        + bulk.day_sql(conn, "o.published")
        + " FROM output_scores s JOIN outputs o ON o.id = s.output_id"
        + f" WHERE s.rules_version = {mark}"
    )
    ids: list[int] = []
    scores: list[float] = []
    titles: list[str | None] = []
    days: list[int] = []
    for output_id, score, title, day in bulk.fetch_rows(conn, sql, (version,)):
        ids.append(output_id)
        scores.append(score)
        titles.append(title)
        days.append(day)
    return ContextIndex(
        stamp,
        np.array(ids, dtype=np.int64),
        np.array(scores, dtype=np.float64),
        titles,
        np.array(days, dtype=np.int64),
    )


def context_index(session: Session, version: str, stamp: Any) -> ContextIndex | None:
    """This process's index of ``version`` for the session's database, (re)built when ``stamp``
    (the last full rescore) changed; None when it cannot be built (keys beyond int64)."""
    key = (session.get_bind().url.render_as_string(hide_password=True), version)
    index = _INDEXES.get(key)
    if index is None or index.stamp != stamp or len(index.slot) > ContextIndex.MAX_OVERLAY:
        _INDEXES.pop(key, None)
        try:
            index = load_context_index(session, version, stamp)
        except OverflowError:
            return None
        while len(_INDEXES) >= _KEEP_INDEXES:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = index
    return index
