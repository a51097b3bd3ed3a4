"""The score itself, on hand-made batches: weights, counting modes, modifiers, rounding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from altscope.scoring.rules import DEFAULT_VERSION, parse_rules, shipped_versions
from altscope.scoring.score import (
    COUNTED,
    DEPRECATED,
    FLAGGED,
    ONCE,
    REPEAT,
    UNWEIGHTED,
    Batch,
    SourceTable,
    display_score,
    flag_effects,
    score_batch,
    sums,
)

TEXT = shipped_versions()[DEFAULT_VERSION].read_text("utf-8")
RULES = parse_rules(TEXT)


@dataclass
class Src:
    id: int
    key: str
    name: str
    category: str
    weight_key: str | None
    deprecated_at: datetime | None = None


SOURCES = [
    Src(1, "bluesky", "Bluesky", "social_media", "bluesky"),
    Src(2, "news", "News", "mentions", "news"),
    Src(3, "policy", "Policy", "mentions", "policy"),
    Src(4, "wikipedia", "Wikipedia", "mentions", "wikipedia"),
    Src(5, "mendeley", "Mendeley", "captures", "mendeley"),
    Src(6, "oddity", "Odd", "mentions", "no_such_key"),
    Src(7, "blog", "Blogs", "mentions", "blog"),
]


def table(rules=RULES) -> SourceTable:
    return SourceTable.build(SOURCES, rules)


def batch(rows, flags=None, ids=None) -> Batch:
    """rows: (output, source id, actor, time[, tier, promiscuous, single_publisher])."""
    t = table()
    n = len(rows)
    col = lambda i, default: np.array([r[i] if len(r) > i else default for r in rows])  # noqa: E731
    return Batch(
        mention=np.arange(1, n + 1, dtype=np.int64) if ids is None else np.array(ids, np.int64),
        output=col(0, 0).astype(np.int64),
        source=t.index(col(1, 1).astype(np.int64)),
        actor=col(2, -1).astype(np.int64),
        time=col(3, 0).astype(np.int64),
        tier=col(4, 0).astype(np.int8),
        promiscuous=col(5, False).astype(bool),
        single_publisher=col(6, False).astype(bool),
        flag=np.array(flags if flags is not None else [-1] * n, dtype=np.int32),
        flag_labels=[("burst", "many posts")] if flags is not None else [],
    ).sorted()


def scored(rows, rules=RULES, flags=None, n_outputs=1, ids=None):
    b = batch(rows, flags, ids)
    status, points = score_batch(b, table(rules), rules)
    return b, status, points, sums(b, points, n_outputs)


def test_one_mention_per_account_per_source():
    _, status, points, s = scored([(0, 1, 10, 5), (0, 1, 10, 1), (0, 1, 11, 3), (0, 1, -1, 4)])
    assert sorted(points.tolist()) == [0.0, 0.25, 0.25, 0.25]
    assert (status == REPEAT).sum() == 1
    # The earliest mention of account 10 is the one that counts.
    b = batch([(0, 1, 10, 5), (0, 1, 10, 1)])
    _, pts = score_batch(b, table(), RULES)
    assert b.time[pts > 0].tolist() == [1]
    assert s.score[0] == 0.75 and s.posts[0] == 4 and s.accounts[0] == 2


def test_policy_counts_per_distinct_source_and_wikipedia_once():
    _, status, _points, s = scored(
        [(0, 3, 20, 1), (0, 3, 20, 2), (0, 3, 21, 3), (0, 3, -1, 4), (0, 3, -1, 5)]
    )
    assert s.score[0] == 9  # two policy sources + the account-less ones together
    _, status, _, s = scored([(0, 4, -1, 1), (0, 4, -1, 2), (0, 4, 30, 3)])
    assert s.score[0] == 3 and (status == ONCE).sum() == 2


def test_news_is_scaled_by_the_outlet_tier():
    _, _, points, _ = scored(
        [(0, 2, -1, 1, 1), (0, 2, -1, 2, 2), (0, 2, -1, 3, 3), (0, 2, -1, 4, 0)]
    )
    assert points.tolist() == [8.0, 6.0, 4.0, 4.0]


def test_modifiers_apply_only_where_the_rules_say():
    rows = [(0, 1, 1, 1, 0, True, False), (0, 1, 2, 2, 0, False, True), (0, 1, 3, 3, 0, True, True)]
    _, _, points, _ = scored(rows)
    assert points.tolist() == [0.125, 0.125, 0.0625]
    # Policy documents are not subject to them.
    _, _, points, _ = scored([(0, 3, 1, 1, 0, True, True)])
    assert points.tolist() == [3.0]


def test_zero_unknown_and_deprecated_sources():
    _, status, points, s = scored([(0, 5, 1, 1), (0, 6, 2, 2), (0, 7, 3, 3)])
    assert points.tolist() == [0.0, 0.0, 5.0]
    assert status.tolist() == [COUNTED, UNWEIGHTED, COUNTED]
    deprecated = parse_rules(
        TEXT.replace("deprecated = []", 'deprecated = ["blog"]').replace(
            f'"{DEFAULT_VERSION}"', '"test-deprecated"', 1
        )
    )
    _, status, points, s = scored([(0, 7, 3, 3)], rules=deprecated)
    assert status.tolist() == [DEPRECATED] and s.score[0] == 0 and s.posts[0] == 1


def test_flagged_mentions_are_excluded_and_their_points_measured():
    rows = [(0, 7, 1, 1), (0, 7, 2, 2), (0, 1, 3, 3)]
    b, status, _points, s = scored(rows, flags=[0, -1, -1])
    assert status.tolist().count(FLAGGED) == 1 and s.score[0] == 5.25
    (effect,) = flag_effects(b, table(), RULES, s.score)
    assert (effect.mentions, effect.points_excluded) == (1, 5.0)
    keep = parse_rules(
        TEXT.replace("exclude_flagged = true", "exclude_flagged = false").replace(
            f'"{DEFAULT_VERSION}"', '"test-keep"', 1
        )
    )
    b, _, _, s = scored(rows, rules=keep, flags=[0, -1, -1])
    assert s.score[0] == 10.25
    assert flag_effects(b, table(keep), keep, s.score)[0].points_excluded == 0.0


@pytest.mark.parametrize(
    ("contributions", "shown"),
    [
        ([0.25], 1),
        ([0.75, 8.0], 9),
        ([1.25], 1),
        ([0.5, 0.5], 2),
        ([2.5], 3),
        ([0.0], 0),
        ([3.49], 3),
    ],
)
def test_display_rounds_small_contributions_up_then_the_total(contributions, shown):
    assert display_score(np.array(contributions)) == shown


def test_sums_display_matches_the_display_rule():
    _, _, _, s = scored([(0, 1, 1, 1), (0, 7, 2, 2), (1, 1, 3, 3)], n_outputs=2)
    assert s.display.tolist() == [6, 1]
    assert s.score.tolist() == [5.25, 0.25]


mention_rows = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from([s.id for s in SOURCES]),
        st.integers(-1, 4),
        st.integers(0, 50),
        st.integers(0, 3),
        st.booleans(),
        st.booleans(),
    ),
    max_size=40,
)


@given(rows=mention_rows, seed=st.integers(0, 1000))
def test_the_order_mentions_arrive_in_does_not_change_a_bit(rows, seed):
    _, _, _, a = scored(rows, n_outputs=4)
    order = np.random.default_rng(seed).permutation(len(rows)).tolist()
    shuffled = [rows[k] for k in order]
    _, _, _, c = scored(shuffled, n_outputs=4, ids=[k + 1 for k in order])
    assert a.score.tolist() == c.score.tolist()
    assert a.display.tolist() == c.display.tolist()


@given(rows=mention_rows)
def test_each_output_scores_as_it_would_alone(rows):
    _, _, _, together = scored(rows, n_outputs=4)
    for o in range(4):
        mine = [(0, *r[1:]) for r in rows if r[0] == o]
        _, _, _, alone = scored(mine, n_outputs=1) if mine else (None, None, None, None)
        expected = alone.score[0] if mine else 0.0
        assert together.score[o] == expected
