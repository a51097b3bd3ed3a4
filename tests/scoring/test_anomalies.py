"""Anomalies: planted bursts, bots and jumps in organic noise; organic virality not flagged."""

from __future__ import annotations

import numpy as np
import pytest

from altscope.scoring.anomalies import (
    DEFAULT_PARAMS,
    KINDS,
    explain_flags,
    find_anomalies,
    resolve_params,
)

DAY = 86400
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC


def organic(rng: np.random.Generator, n: int = 20_000, outputs: int = 500, actors: int = 8000):
    """Background: many accounts, each posting a few times about a few outputs over 90 days."""
    out = rng.integers(0, outputs, n)
    act = rng.integers(0, actors, n)
    t = T0 + rng.integers(0, 90 * DAY, n)
    return [out.astype(np.int64)], [act.astype(np.int64)], [t.astype(np.int64)]


def build(parts):
    return tuple(np.concatenate(p) for p in parts)


def flagged(result, kind: str) -> set[int]:
    return {int(i) for i, k in zip(result.index, result.kind, strict=True) if k == kind}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def test_empty_and_clean(rng: np.random.Generator) -> None:
    empty = find_anomalies(np.zeros(0), np.zeros(0), np.zeros(0))
    assert len(empty) == 0 and empty.kind == [] and empty.reason == []
    out, act, t = build(organic(rng))
    assert len(find_anomalies(out, act, t)) == 0


def test_burst_from_few_accounts(rng: np.random.Generator) -> None:
    outs, acts, ts = organic(rng)
    start = T0 + 40 * DAY + 600
    # 3 accounts post 36 times about output 9001 within 50 minutes; 4 others post once.
    burst_actors = np.repeat([90001, 90002, 90003], 12)
    outs.append(np.full(40, 9001))
    acts.append(np.concatenate([burst_actors, [1, 2, 3, 4]]))
    ts.append(start + np.sort(rng.integers(0, 3000, 40)))
    out, act, t = build((outs, acts, ts))
    result = find_anomalies(out, act, t)
    burst = flagged(result, "burst")
    planted = set(range(len(out) - 40, len(out)))
    assert burst <= planted
    assert len(burst) == 33  # 36 posts minus each account's first
    assert all(act[i] in (90001, 90002, 90003) for i in burst)
    reason = result.reason[result.kind.index("burst")]
    assert reason.startswith("burst: 36 of 40 posts in 1 h from 3 accounts")
    assert np.all(np.diff(result.index) > 0)


def test_bot_by_rate_and_by_profile(rng: np.random.Generator) -> None:
    outs, acts, ts = organic(rng)
    # Account 70001 posts 150 times a day for 5 days about many outputs.
    n = 750
    outs.append(rng.integers(0, 500, n))
    acts.append(np.full(n, 70001))
    ts.append(T0 + np.repeat(np.arange(5) * DAY, 150) + rng.integers(0, DAY, n))
    # Account 70002 posts 40 times in 20 minutes, once.
    outs.append(rng.integers(0, 500, 40))
    acts.append(np.full(40, 70002))
    ts.append(T0 + 10 * DAY + np.arange(40) * 30)
    out, act, t = build((outs, acts, ts))
    declared = int(act[0])  # an ordinary organic account whose profile says "bot"
    result = find_anomalies(out, act, t, bot_actors=np.array([declared]))
    bots = flagged(result, "bot")
    assert bots == set(np.flatnonzero(np.isin(act, [70001, 70002, declared])).tolist())
    reasons = {result.reason[i] for i, k in enumerate(result.kind) if k == "bot"}
    assert any("posts on 5 active days" in r for r in reasons)
    assert any("more than 30 posts within one hour" in r for r in reasons)
    assert any("profile says" in r for r in reasons)
    # Without the self-declared switch only the rate bots remain.
    quiet = find_anomalies(
        out, act, t, params={"bot_self_declared": False}, bot_actors=np.array([declared])
    )
    assert flagged(quiet, "bot") == set(np.flatnonzero(np.isin(act, [70001, 70002])).tolist())


def test_jump_from_fresh_accounts(rng: np.random.Generator) -> None:
    outs, acts, ts = organic(rng)
    # Output 8001 gets ~1 post a day for 60 days, then 80 posts in one day from 80 accounts
    # never seen before and never seen again.
    outs.append(np.full(60, 8001))
    acts.append(rng.integers(0, 8000, 60))
    ts.append(T0 + np.arange(60) * DAY + 3600)
    outs.append(np.full(80, 8001))
    acts.append(np.arange(50000, 50080))
    ts.append(T0 + 70 * DAY + rng.integers(0, DAY, 80))
    out, act, t = build((outs, acts, ts))
    result = find_anomalies(out, act, t)
    assert flagged(result, "jump") == set(range(len(out) - 80, len(out)))
    reason = result.reason[result.kind.index("jump")]
    assert "80 posts on 2026-03-12" in reason and "80 from 80 accounts" in reason


def test_organic_viral_spread_is_not_flagged(rng: np.random.Generator) -> None:
    outs, acts, ts = organic(rng)
    # Output 7001 goes viral: 400 posts in one day from 400 distinct established accounts
    # (they post about other outputs too), 60 of them in the first hour.
    viral = rng.choice(8000, 400, replace=False)
    outs.append(np.full(400, 7001))
    acts.append(viral)
    ts.append(
        T0 + 50 * DAY + np.concatenate([rng.integers(0, 3600, 60), rng.integers(0, DAY, 340)])
    )
    out, act, t = build((outs, acts, ts))
    assert len(find_anomalies(out, act, t)) == 0


def test_precedence_one_kind_per_mention(rng: np.random.Generator) -> None:
    # A bot that also bursts on one output: flagged once, as a bot.
    out = np.full(60, 5)
    act = np.full(60, 3)
    t = T0 + np.arange(60) * 20
    result = find_anomalies(out, act, t)
    assert result.kind == ["bot"] * 60
    assert result.index.tolist() == list(range(60))


def test_params_are_checked() -> None:
    assert resolve_params(None) == DEFAULT_PARAMS
    assert resolve_params({"burst_min_posts": 5})["burst_min_posts"] == 5
    with pytest.raises(ValueError, match="unknown anomaly parameter"):
        resolve_params({"burst_min_post": 5})
    with pytest.raises(ValueError):
        resolve_params({"jump_factor": -1})
    with pytest.raises(ValueError):
        resolve_params({"bot_self_declared": "yes"})
    with pytest.raises(ValueError, match="same length"):
        find_anomalies(np.zeros(3), np.zeros(2), np.zeros(3))


def test_explain_flags_groups_by_output(rng: np.random.Generator) -> None:
    out = np.concatenate([np.full(60, 5), np.full(3, 6)])
    act = np.concatenate([np.full(60, 3), [1, 2, 4]])
    t = T0 + np.arange(63) * 20
    result = find_anomalies(out, act, t)
    summary = explain_flags(result, out)
    assert list(summary) == [5]
    assert summary[5][0]["kind"] in KINDS and summary[5][0]["mentions"] == 60
