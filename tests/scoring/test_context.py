"""Score in context: the vectorised computation against a brute-force reference and SQL."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altscope.scoring import context
from altscope.scoring.context import (
    KINDS,
    UNKNOWN_DAY,
    WINDOW_DAYS,
    context_arrays,
    context_for_one,
    day_number,
    journal_codes,
    published_days,
    to_json,
)
from altscope.store.schema import Output, OutputScore

VERSION = "test-context"


def brute_force(scores, journal, day) -> dict[str, list[dict | None]]:
    """The context JSON of every output, by comparing it with every other output."""
    n = len(scores)
    result: dict[str, list[dict | None]] = {kind: [] for kind in KINDS}
    for i in range(n):
        for kind in KINDS:
            by_journal = "journal" in kind
            by_age = "age" in kind
            if (by_journal and journal[i] < 0) or (by_age and day[i] == UNKNOWN_DAY):
                result[kind].append(None)
                continue
            members = [
                j
                for j in range(n)
                if (not by_journal or journal[j] == journal[i])
                and (not by_age or (day[j] != UNKNOWN_DAY and abs(day[j] - day[i]) <= WINDOW_DAYS))
            ]
            lower = sum(scores[j] < scores[i] for j in members)
            higher = sum(scores[j] > scores[i] for j in members)
            count = len(members)
            result[kind].append(
                {
                    "count": count,
                    "mean": math.fsum(scores[j] for j in members) / count,
                    "rank": 1 + higher,
                    "pct": 100 * lower // count,
                    "higher_than": lower,
                }
            )
    return result


def assert_same(got: dict | None, expected: dict | None) -> None:
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert {k: v for k, v in got.items() if k != "mean"} == {
        k: v for k, v in expected.items() if k != "mean"
    }
    assert got["mean"] == pytest.approx(expected["mean"], rel=1e-9, abs=1e-9)


def check(scores, journal, day) -> None:
    arrays = context_arrays(np.array(scores, float), np.array(journal), np.array(day))
    expected = brute_force(scores, journal, day)
    for i in range(len(scores)):
        got = to_json(arrays, i)
        for kind in KINDS:
            assert_same(got[kind], expected[kind][i])


outputs = st.lists(
    st.tuples(
        st.sampled_from([0.0, 0.25, 1.0, 1.0, 3.5, 7.0, 20.0]) | st.floats(0, 1000),
        st.integers(-1, 3),
        st.sampled_from([UNKNOWN_DAY, 0, 42, 43, 85, 86]) | st.integers(-400, 400),
    ),
    min_size=1,
    max_size=40,
)


@pytest.fixture(params=["pairwise", "dyadic"])
def method(request, monkeypatch) -> str:
    """Run a test with each window-count method forced."""
    limit = 10**9 if request.param == "pairwise" else 0
    monkeypatch.setattr(context, "PAIRWISE_MAX_PER_OUTPUT", limit)
    return request.param


@pytest.mark.parametrize("limit", [10**9, 0], ids=["pairwise", "dyadic"])
@settings(max_examples=150)
@given(rows=outputs)
def test_matches_brute_force(limit, rows) -> None:
    scores, journal, day = map(list, zip(*rows, strict=True))
    saved = context.PAIRWISE_MAX_PER_OUTPUT
    context.PAIRWISE_MAX_PER_OUTPUT = limit
    try:
        check(scores, journal, day)
    finally:
        context.PAIRWISE_MAX_PER_OUTPUT = saved


def test_larger_random_sets_match(method) -> None:
    rng = np.random.default_rng(7)
    n = 400
    scores = np.round(rng.pareto(1.5, n) * rng.integers(0, 2, n), 1).tolist()
    journal = rng.integers(-1, 6, n).tolist()
    day = rng.integers(-1, 600, n).tolist()
    check(scores, journal, day)


def test_window_edges_are_inclusive_at_42_days(method) -> None:
    # Output 0 sees output 1 (42 days later) but not output 2 (43 days earlier).
    arrays = context_arrays(
        np.array([5.0, 1.0, 0.0]), np.array([0, 0, 0]), np.array([100, 142, 57])
    )
    age = to_json(arrays, 0)["similar_age_3m"]
    assert age == {"count": 2, "mean": 3.0, "rank": 1, "pct": 50, "higher_than": 1}
    assert to_json(arrays, 2)["similar_age_3m"]["count"] == 1
    assert to_json(arrays, 1)["similar_age_journal_3m"]["count"] == 2


def test_ties_share_a_rank() -> None:
    arrays = context_arrays(np.array([2.0, 2.0, 1.0, 3.0]), np.array([-1] * 4), np.array([-1] * 4))
    first, second = to_json(arrays, 0)["all"], to_json(arrays, 1)["all"]
    assert first == second == {"count": 4, "mean": 2.0, "rank": 2, "pct": 25, "higher_than": 1}
    assert to_json(arrays, 3)["all"]["rank"] == 1


def test_missing_journal_and_date_give_none() -> None:
    arrays = context_arrays(np.array([1.0, 2.0]), np.array([-1, 0]), np.array([10, UNKNOWN_DAY]))
    first, second = to_json(arrays, 0), to_json(arrays, 1)
    assert first["journal"] is None and first["similar_age_journal_3m"] is None
    assert first["similar_age_3m"]["count"] == 1
    assert second["similar_age_3m"] is None and second["similar_age_journal_3m"] is None
    assert second["journal"] == {"count": 1, "mean": 2.0, "rank": 1, "pct": 0, "higher_than": 0}


def test_empty_and_bad_input() -> None:
    assert context_arrays(np.array([]), np.array([]), np.array([]))["all"].count.shape == (0,)
    with pytest.raises(ValueError, match="same length"):
        context_arrays(np.array([1.0]), np.array([0, 1]), np.array([0]))
    with pytest.raises(ValueError, match="NaN"):
        context_arrays(np.array([math.nan]), np.array([0]), np.array([0]))


def test_journal_codes_and_days() -> None:
    codes = journal_codes(["Nature", None, "  ", "Science", "Nature", "nature", ""])
    assert codes.tolist()[:5] == [codes[0], -1, -1, codes[3], codes[0]]
    assert codes[0] != codes[3] and codes[5] not in (codes[0], codes[3]) and codes[6] == -1
    assert day_number(date(1970, 1, 11)) == 10 and day_number(None) == UNKNOWN_DAY
    assert published_days([date(1970, 1, 2), None]).tolist() == [1, UNKNOWN_DAY]


def _store(session, rows, stored_scores) -> list[int]:
    ids = []
    for (title, published), score in zip(rows, stored_scores, strict=True):
        output = Output(title="t", container_title=title, published=published)
        session.add(output)
        session.flush()
        ids.append(output.id)
        if score is not None:
            session.add(OutputScore(output_id=output.id, rules_version=VERSION, score=score))
    # Another version's rows never count.
    session.add(OutputScore(output_id=ids[0], rules_version="other", score=1e6))
    session.flush()
    return ids


def test_context_for_one_agrees_with_arrays(db_session) -> None:
    rng = np.random.default_rng(11)
    n = 120
    titles = [None, "", "Journal A", "Journal B", "Journal C"]
    start = date(2020, 1, 1)
    rows = [
        (
            titles[int(rng.integers(0, len(titles)))],
            None if rng.random() < 0.1 else start + timedelta(days=int(rng.integers(0, 200))),
        )
        for _ in range(n)
    ]
    # Output 0 sits exactly 42 and 43 days from outputs 1 and 2.
    rows[0] = ("Journal A", start + timedelta(days=100))
    rows[1] = ("Journal A", start + timedelta(days=142))
    rows[2] = ("Journal A", start + timedelta(days=57))
    scores = np.round(rng.pareto(1.5, n) * rng.integers(0, 2, n), 1)
    stored = [float(s) for s in scores]
    stored[5] = 999.0  # stale: the caller's score replaces it
    ids = _store(db_session, rows, stored)
    arrays = context_arrays(
        scores, journal_codes([t for t, _ in rows]), published_days([p for _, p in rows])
    )

    def agrees(i: int) -> None:
        got = context_for_one(db_session, ids[i], float(scores[i]), VERSION)
        expected = to_json(arrays, i)
        for kind in KINDS:
            assert_same(got[kind], expected[kind])

    agrees(5)
    db_session.delete(db_session.get(OutputScore, (ids[5], VERSION)))
    db_session.flush()
    agrees(5)  # missing: the caller's score is added
    db_session.add(OutputScore(output_id=ids[5], rules_version=VERSION, score=float(scores[5])))
    db_session.flush()
    for i in range(n):
        agrees(i)
    assert to_json(arrays, 0)["similar_age_journal_3m"]["count"] >= 2


def test_context_for_one_of_unknown_output(db_session) -> None:
    with pytest.raises(LookupError):
        context_for_one(db_session, 123456, 1.0, VERSION)
