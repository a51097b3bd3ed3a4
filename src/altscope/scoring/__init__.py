"""Scoring: the attention score, categories, history, context, people and places, anomalies.

See docs/scoring.md. Reads and writes the store; never imports ``altscope.web``.
"""

from altscope.scoring.explain import explain
from altscope.scoring.read import daily_series, demographics, get_score
from altscope.scoring.rollup import (
    RescoreReport,
    drain_score_queue,
    rescore,
    update_output,
)
from altscope.scoring.rules import (
    DEFAULT_VERSION,
    Rules,
    RulesError,
    get_rules,
    parse_rules,
    shipped_versions,
    stored_versions,
)

__all__ = [
    "DEFAULT_VERSION",
    "RescoreReport",
    "Rules",
    "RulesError",
    "daily_series",
    "demographics",
    "drain_score_queue",
    "explain",
    "get_rules",
    "get_score",
    "parse_rules",
    "rescore",
    "shipped_versions",
    "stored_versions",
    "update_output",
]
